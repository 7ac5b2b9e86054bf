import type { Article } from "./types.js";

/** A `.txt` file or pasted text is already the article: keep its paragraphs, take nothing away. */
export function extractPlainText(body: string, url?: string): Article {
  const text = body.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter((p) => p.length > 0);
  const first = paragraphs[0];
  // A short first line with no final stop reads as a heading: use it as the title.
  const title = first && first.length <= 150 && !/[.!?。！？]$/.test(first) && paragraphs.length > 1 ? first : null;
  const bodyParagraphs = title ? paragraphs.slice(1) : paragraphs;
  return {
    title,
    byline: null,
    siteName: url ? safeHost(url) : null,
    publishedAt: null,
    lang: null,
    canonicalUrl: null,
    imageUrl: null,
    text: bodyParagraphs.join("\n\n"),
    paragraphs: bodyParagraphs,
    pageType: "article",
    ...(bodyParagraphs.length === 0 ? { warning: "the text is empty" } : {}),
  };
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^www\./, "") || null;
  } catch {
    return null;
  }
}
