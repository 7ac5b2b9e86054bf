/** What kind of page it is: later stages shape the digest by it (a thread, a product, a list of items). */
export type PageType = "article" | "forum" | "product" | "collection" | "listing" | "documentation" | "service";

/** What the extractor returns for one page: the article body and what a digest needs around it. */
export type Article = {
  title: string | null;
  byline: string | null;
  siteName: string | null;
  /** ISO 8601 when the page gives a date it can be parsed from. */
  publishedAt: string | null;
  /** BCP 47 language tag, from the page or guessed from its script. */
  lang: string | null;
  canonicalUrl: string | null;
  imageUrl: string | null;
  /** The article body only, paragraphs separated by blank lines. */
  text: string;
  paragraphs: string[];
  pageType: PageType;
  /** False when the page's JSON-LD says the article is not free to read (a paywall). */
  accessibleForFree?: false;
  /** Set when the page looks like no article: `text` then holds the best that was found. */
  warning?: string;
};

export type ExtractInput = {
  /**
   * The page's markup (or plain text when `contentType` says so), as text or as the bytes that
   * came off the wire or disk; bytes are decoded by the charset the page declares, and decoding
   * them here lets the extractor skip the scripts and styles it would throw away anyway.
   */
  body: string | Uint8Array;
  /** The page's URL: resolves relative links and names the source. */
  url?: string;
  /** The Content-Type header: `text/plain` passes the body through; a charset decodes bytes. */
  contentType?: string;
};
