import { neutraliseMentions } from "./clean.js";
import { httpUrl } from "./href.js";

/**
 * Telegram's HTML parse mode made inert: page text is shown as typed. Telegram knows only
 * `&lt; &gt; &amp; &quot;` and numeric entities, and only a few tags, so text escapes `& < >` and
 * attribute values escape `"` as well.
 */

/** A link target can only hold so much of a 4,096-character message; longer ones are left unlinked. */
export const MAX_LINK_CHARS = 512;

const TEXT_SPECIAL = /[&<>]/g;
const ATTRIBUTE_SPECIAL = /[&<>"]/g;
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Text content, with mentions broken: in groups Telegram notifies an `@username` named in a bot's message. */
export function escapeHtml(text: string): string {
  return neutraliseMentions(text).replace(TEXT_SPECIAL, (c) => ENTITIES[c] ?? c);
}

/** `<a href="…">text</a>`; `text` must already be escaped. */
export function htmlLink(escapedText: string, href: string): string {
  return `<a href="${href}">${escapedText}</a>`;
}

/** The address escaped for an href attribute, or null when it is not http(s) or too long to spend room on. */
export function htmlHref(url: string | null): string | null {
  const parsed = httpUrl(url);
  if (parsed === null) return null;
  const href = parsed.href.replace(ATTRIBUTE_SPECIAL, (c) => ENTITIES[c] ?? c);
  return href.length <= MAX_LINK_CHARS ? href : null;
}
