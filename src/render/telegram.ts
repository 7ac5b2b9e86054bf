import type { Digest } from "../summarize/types.js";
import { type Bullet, fitLayout, type Layout, prepareBullets } from "./fit.js";
import { sentenceLinks } from "./fragment.js";
import { escapeHtml, htmlHref, htmlLink } from "./html.js";
import { keywordsOf, SOURCE_SEPARATOR, sourceParts, titleOf } from "./meta.js";
import type { RenderOptions } from "./options.js";

/**
 * A digest as a Telegram message in HTML parse mode, using only `b`, `i` and `a href`.
 * Telegram's 4,096 limit counts the text after parsing; the raw HTML is kept under it, which is stricter.
 */

export const TELEGRAM_MESSAGE_MAX_CHARS = 4_096;
/** One runaway sentence should not crowd the others out of a message. */
const BULLET_MAX_CHARS = 800;
const BULLET_MARK = "• ";
/** The small link after each bullet to its sentence in the article. */
const FRAGMENT_LINK_TEXT = "↗";
const KEYWORDS_LABEL = "Keywords: ";

/**
 * <b><a href="url">Title</a></b>
 * <i>Site · Byline · 2024-05-01 · 4 min read</i>
 *
 * • Sentence <a href="url#:~:text=…">↗</a>
 *
 * <i>Keywords: a, b</i>
 */
export function renderTelegram(digest: Digest, options: RenderOptions): string {
  const href = htmlHref(digest.url);
  const title = escapeHtml(titleOf(digest));
  const header = [
    `<b>${href === null ? title : htmlLink(title, href)}</b>`,
    `<i>${sourceParts(digest).map(escapeHtml).join(SOURCE_SEPARATOR)}</i>`,
  ];
  const keywords = keywordsOf(digest);
  const linkTo = sentenceLinks(digest.url, options.textFragments, htmlHref);
  const render = (layout: Layout): string => {
    const lines = [...header];
    if (layout.bullets.length > 0) lines.push("", ...bulletLines(layout.bullets, linkTo));
    if (layout.keywords && keywords.length > 0) lines.push("", `<i>${escapeHtml(KEYWORDS_LABEL + keywords.join(", "))}</i>`);
    return lines.join("\n");
  };
  const bullets = prepareBullets(digest, BULLET_MAX_CHARS);
  return fitLayout({ bullets, keywords: true }, render, TELEGRAM_MESSAGE_MAX_CHARS);
}

function bulletLines(bullets: readonly Bullet[], linkTo: (sentence: string) => string | null): string[] {
  return bullets.map((b) => {
    const target = b.anchor === null ? null : linkTo(b.anchor);
    return BULLET_MARK + escapeHtml(b.shown) + (target === null ? "" : ` ${htmlLink(FRAGMENT_LINK_TEXT, target)}`);
  });
}
