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
  /** Whole sentences of the article, in article order; or, from the abstractive engine, its checked bullets. */
  bullets: string[];
  /**
   * Only for bullets that are not article sentences: the sentence each rests on (null: none to
   * point at), so its text-fragment link still lands in the article.
   */
  sources?: (string | null)[];
  /** Which engine wrote the bullets; extractive when absent. */
  engine?: "extractive" | "llm";
  keywords: string[];
};

export type SummaryLength = "short" | "medium" | "long";
