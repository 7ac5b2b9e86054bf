import { flatten, paragraphsWeight, withoutChrome, type Block } from "./blocks.js";
import { embeddedContent } from "./embedded.js";
import { selectContent } from "./content.js";
import { readMetadata } from "./metadata.js";
import { parseHtml } from "./parse.js";
import { detectPageType, pageFeatures } from "./pageType.js";
import { selectRegion } from "./region.js";
import { decodeAs, sniffCharset } from "../fetch/decode.js";
import { prescan, prescanBytes, type Prescanned } from "./prescan.js";
import { extractPlainText } from "./plainText.js";
import { tidyBlocks } from "./tidy.js";
import type { Article, ExtractInput } from "./types.js";

export type { Article, ExtractInput, PageType } from "./types.js";
export { extractPlainText } from "./plainText.js";

/** Below this much weighted text the strict pass probably threw the article away with the chrome. */
const MIN_ARTICLE_WEIGHT = 250;
/** The voted article wins over the whole region when it keeps at least this share of its text. */
const VOTED_SHARE = 0.6;
/** A page that shows less than this (weighted) and hides something is read with its hidden parts. */
const HIDDEN_APP_BELOW = 200;
/** Markup beyond this is not parsed: no article needs it, and parsing cost grows with it. */
export const MAX_HTML_CHARS = 8_000_000;

const HTML_MARKER = /<(?:!doctype|html|head|body|p|div|article|br|meta|title)\b/i;

/** Markup announces itself early; look at a small head first, a larger one only if needed. */
function looksLikeHtml(source: Source): boolean {
  const head = (n: number) => (typeof source === "string" ? source.slice(0, n) : latin1(source.bytes.subarray(0, n)));
  const length = typeof source === "string" ? source.length : source.bytes.length;
  return HTML_MARKER.test(head(4_096)) || (length > 4_096 && HTML_MARKER.test(head(65_536)));
}

/**
 * The article in a page: its body text and the facts a digest shows around it.
 * Pure and synchronous; never throws on any markup.
 */
export function extractArticle(input: ExtractInput): Article {
  const type = input.contentType?.toLowerCase() ?? "";
  const source = toSource(input.body, input.contentType);
  if (type.startsWith("text/plain") || (!type.includes("html") && !looksLikeHtml(source))) {
    return extractPlainText(typeof source === "string" ? source : decodeAs(source.bytes, source.charset), input.url);
  }
  const { html: markup, jsonLd, state } = readMarkup(source);
  const root = parseHtml(markup.length > MAX_HTML_CHARS ? markup.slice(0, MAX_HTML_CHARS) : markup);
  const meta = readMetadata(root, input.url, jsonLd);

  let all = flatten(root);
  // Nothing to read but something hidden: an app that shows its page once its scripts have run.
  if (all.hidden > 0 && (all.root?.chars ?? 0) < HIDDEN_APP_BELOW) all = flatten(root, { revealHidden: true });
  const pageType = detectPageType(meta, pageFeatures(all), input.url);
  const itemized = pageType === "listing" || pageType === "collection";
  const region = selectRegion(all, { keepComments: pageType === "forum", keepLinkLists: itemized, dropReviews: pageType === "product" }).blocks;
  let blocks = region;
  if (pageType === "article") {
    // The best-voted container is the tighter cut of an article, unless it lost much of the region.
    let voted = selectContent(withoutChrome(all)).blocks;
    if (weightOf(voted) < MIN_ARTICLE_WEIGHT) {
      const lenient = selectContent(all).blocks;
      if (weightOf(lenient) > weightOf(voted)) voted = lenient;
    }
    if (weightOf(voted) >= weightOf(region) * VOTED_SHARE) blocks = voted;
  }
  let paragraphs = tidyBlocks(blocks, meta, { keepLinkLines: itemized, dropCopies: pageType !== "article", shop: pageType === "product" || pageType === "collection", thread: pageType === "forum" });
  let weight = weightOf(blocks);
  // An app shell or a teaser: the page may carry its content in JSON-LD or framework state.
  const embedded = embeddedContent(meta, state, weight);
  if (embedded) {
    paragraphs = embedded.paragraphs;
    weight = paragraphsWeight(paragraphs);
  }
  const text = paragraphs.join("\n\n");
  const article: Article = {
    title: meta.title,
    byline: meta.byline,
    siteName: meta.siteName,
    publishedAt: meta.publishedAt,
    lang: meta.lang ?? guessLang(text),
    canonicalUrl: meta.canonicalUrl,
    imageUrl: meta.imageUrl,
    text,
    paragraphs,
    pageType,
  };
  if (meta.linked?.isAccessibleForFree === false) article.accessibleForFree = false;
  if (text.length === 0) article.warning = "no readable text found on the page";
  else if (weight < MIN_ARTICLE_WEIGHT) article.warning = "the page has little text: it may not be an article";
  return article;
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");

/** Charsets whose bytes for `<`, letters and `>` are not plain ASCII: cut only after decoding. */
const NOT_ASCII_COMPATIBLE = /^(utf-16|iso-2022)/;

/** Text, or bytes in an ASCII-compatible charset, which can be searched for markup undecoded. */
type Source = string | { bytes: Uint8Array; charset: string };

function toSource(body: string | Uint8Array, contentType: string | undefined): Source {
  if (typeof body === "string") return body;
  const charset = sniffCharset(body, contentType);
  return NOT_ASCII_COMPATIBLE.test(charset) ? decodeAs(body, charset) : { bytes: body, charset };
}

/** The markup to parse, the JSON-LD, and the framework state, decoded only if it is read. */
type Markup = { html: string; jsonLd: string[]; state: () => string[] };

function readMarkup(source: Source): Markup {
  if (typeof source === "string") {
    const cut: Prescanned = prescan(source);
    return { html: cut.html, jsonLd: cut.jsonLd, state: () => cut.state };
  }
  const { bytes, charset } = source;
  const cut = prescanBytes(bytes);
  return { html: decodeAs(cut.bytes, charset), jsonLd: cut.jsonLd.map((b) => decodeAs(b, charset)), state: () => cut.state.map((b) => decodeAs(b, charset)) };
}

const weightOf = (blocks: readonly Block[]): number => blocks.reduce((n, b) => n + b.weight, 0);

/** A script-based guess for pages that do not declare a language. */
function guessLang(text: string): string | null {
  const sample = text.slice(0, 2_000);
  if (sample.length === 0) return null;
  const count = (re: RegExp) => sample.match(re)?.length ?? 0;
  const kana = count(/[\u3040-\u30ff]/g);
  const han = count(/[\u4e00-\u9fff]/g);
  const hangul = count(/[\uac00-\ud7af]/g);
  const cyrillic = count(/[\u0400-\u04ff]/g);
  const arabic = count(/[\u0600-\u06ff]/g);
  const latin = count(/[A-Za-z]/g);
  const max = Math.max(kana + han, hangul, cyrillic, arabic, latin);
  if (max === 0) return null;
  if (max === kana + han) return kana > 0 ? "ja" : "zh";
  if (max === hangul) return "ko";
  if (max === cyrillic) return "ru";
  if (max === arabic) return "ar";
  return null;
}
