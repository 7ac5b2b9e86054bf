import { neutraliseMentions } from "./clean.js";
import { httpUrl } from "./href.js";

/**
 * Discord Markdown made inert: page text is shown as typed, never as formatting, links, emoji or
 * mentions. Discord drops a backslash before any ASCII punctuation, so over-escaping is harmless.
 */

/**
 * Formatting (`* _ ~ | \``), quotes, headings and lists (`> # -`), masked links (`[ ] ( )`), the
 * escape itself, and `<`, which opens mentions (`<@id>`, `<@&id>`, `<#id>`), timestamps, slash-command
 * mentions and autolinks. A colon only where it would start an emoji shortcode (`:smile:`) or a
 * bare link (`https://`).
 */
const MARKDOWN_SPECIAL = /[\\*_~|>#\-[\]()`<]|:(?=[\w+-]+:|\/\/)/g;
/** `1. ` and `+ ` open a list only at the start of a line; page text may be put at one (after `- `, it would nest). */
const LEADING_LIST_MARKER = /^(\d+)\.(?=\s)|^\+(?=\s)/;

/** A link target can only hold so much of a 2,000-character message; longer ones are left unlinked. */
export const MAX_LINK_CHARS = 512;
/**
 * Characters that would end or confuse a `(<url>)` link target, percent-encoded (servers read `%28` as
 * `(`); `@` too, so that `/@everyone` in a path is no mention (httpUrl has dropped any credentials).
 */
const LINK_TARGET_UNSAFE = /[()<>\\`'" @]/g;

export function escapeMarkdown(text: string): string {
  const escaped = text
    .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`)
    .replace(LEADING_LIST_MARKER, (marker) => `${marker.slice(0, -1)}\\${marker.slice(-1)}`);
  return neutraliseMentions(escaped);
}

/** The address as a masked-link target, or null when it is not http(s) or is too long to spend room on. */
export function markdownHref(url: string | null): string | null {
  const parsed = httpUrl(url);
  if (parsed === null) return null;
  const href = parsed.href.replace(LINK_TARGET_UNSAFE, percentEncode);
  return href.length <= MAX_LINK_CHARS ? href : null;
}

/**
 * `[text](<href>)`; `text` must already be escaped. The angle brackets stop Discord from adding a
 * preview embed for the link: one reply about one article should not grow several large cards.
 */
export function maskedLink(escapedText: string, href: string): string {
  return `[${escapedText}](<${href}>)`;
}

/** Only ASCII reaches here (URL.href encodes the rest). */
function percentEncode(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
}
