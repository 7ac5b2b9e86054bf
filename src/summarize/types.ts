/** A digest: what Skim replies with for one article, before it is rendered for a platform. */
export type Digest = {
  title: string | null;
  /** The article's address (canonical when the page names one); bullets link into it. */
  url: string | null;
  siteName: string | null;
  byline: string | null;
  /** ISO 8601. */
  publishedAt: string | null;
  /** BCP 47 tag (`en`, `ru`, `pt-BR`), or null when unknown. */
  lang: string | null;
  readingMinutes: number;
  /** Whole sentences of the article, in article order. */
  bullets: string[];
  keywords: string[];
};

export type SummaryLength = "short" | "medium" | "long";
