/**
 * Titles, bylines and sentences come from whatever page was linked, so they are hostile until made inert.
 * These helpers run before any platform's escaping: they remove what no platform should ever show.
 */

/** Line breaks in any spelling become `\n`, so line handling below sees one kind. */
const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;
/** Whitespace controls become a space rather than vanishing, so the words on either side do not fuse. */
const SPACING_CONTROLS = /[\t\v\f]/g;
/** C0 and C1 controls (bar `\n`) and bidi embeddings, overrides and isolates: they can reorder what a reader sees. */
const INVISIBLE_CONTROLS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
/** Half a surrogate pair cannot be encoded as UTF-8; platform APIs reject or mangle it. */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Zero-width space: breaks `@everyone` and `<@123>` for the mention parser, invisible to a reader. */
const MENTION_BREAKER = "\u200B";

/** Lone surrogates as U+FFFD: `encodeURIComponent` throws on them, and no platform can send them. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATES, "\uFFFD");
}

/** Removes controls and bidi overrides, keeping `\n`. Zero-width joiners stay: emoji sequences need them. */
export function stripControls(s: string): string {
  return s
    .replace(LINE_BREAKS, "\n")
    .replace(SPACING_CONTROLS, " ")
    .replace(INVISIBLE_CONTROLS, "")
    .replace(LONE_SURROGATES, "\uFFFD");
}

/** stripControls, then every run of whitespace (line breaks included) as one space: titles and bullets are one line each. */
export function oneLine(s: string): string {
  return stripControls(s).replace(/\s+/g, " ").trim();
}

/**
 * `@everyone`, `@here`, `<@id>` and Telegram's `@username` all start with `@`; a zero-width space
 * after every `@` stops each of them from being read as a mention.
 */
export function neutraliseMentions(s: string): string {
  return s.replaceAll("@", `@${MENTION_BREAKER}`);
}
