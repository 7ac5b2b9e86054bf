import type { PageKind } from "./types.js";

/** Which media types belong to which content family, and how to ask servers for them. */

const KIND_OF_MEDIA_TYPE: ReadonlyMap<string, PageKind> = new Map<string, PageKind>([
  ["text/html", "html"],
  ["application/xhtml+xml", "html"],
  ["text/plain", "text"],
  ["application/rss+xml", "feed"],
  ["application/atom+xml", "feed"],
  ["application/rdf+xml", "feed"],
  ["application/xml", "feed"],
  ["text/xml", "feed"],
  ["application/feed+json", "feed"],
  ["application/json", "json"],
]);

const ACCEPT_OF_KIND: Record<PageKind, string> = {
  html: "text/html,application/xhtml+xml",
  text: "text/plain;q=0.9",
  feed: "application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,text/xml;q=0.9",
  json: "application/json;q=0.9",
};

/** The media type of a Content-Type header, lower-cased and without parameters; "" when absent. */
export function mediaTypeOf(header: string | undefined): string {
  if (header === undefined) return "";
  return (header.split(";")[0] ?? "").trim().toLowerCase();
}

/** The family of a media type, or undefined when Skim does not read it. */
export function kindOf(mediaType: string): PageKind | undefined {
  return KIND_OF_MEDIA_TYPE.get(mediaType);
}

/**
 * The family of a body sent without a Content-Type. Only an unmistakable HTML start counts:
 * guessing more would let binary files through as text.
 */
export function sniffKind(head: Uint8Array): PageKind | undefined {
  let text = Buffer.from(head.subarray(0, 512)).toString("latin1");
  if (text.startsWith("\xef\xbb\xbf")) text = text.slice(3);
  text = text.trimStart().toLowerCase();
  return text.startsWith("<!doctype html") || text.startsWith("<html") ? "html" : undefined;
}

/**
 * True when decoded text holds more than a stray few of the control characters the MIME
 * sniffing standard calls binary data bytes (C0 controls other than tab, LF, FF, CR and ESC).
 * Real pages in any charset have next to none; random bytes or a file sent as text/html have
 * about one in ten, and would otherwise reach the reader as a page of garbage.
 */
export function looksBinary(text: string): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b) controls++;
  }
  return controls >= 8 && controls * 100 > text.length;
}

/** An Accept header listing exactly the media types of the accepted families. */
export function acceptHeader(kinds: readonly PageKind[]): string {
  return [...new Set(kinds)].map((k) => ACCEPT_OF_KIND[k]).join(",");
}
