import type { Digest } from "../summarize/types.js";
import { type Bullet, fitLayout, type Layout, prepareBullets } from "./fit.js";
import { sentenceLinks } from "./fragment.js";
import { httpUrl } from "./href.js";
import { escapeMarkdown, markdownHref, maskedLink } from "./markdown.js";
import { keywordsOf, SOURCE_SEPARATOR, sourceParts, titleOf } from "./meta.js";
import type { RenderOptions } from "./options.js";
import { shorten } from "./shorten.js";

/**
 * A digest as a Discord message (Markdown) and as a Discord embed. Mentions are broken in the text
 * itself; the adapter should still send `allowed_mentions: { parse: [] }`.
 */

export const DISCORD_MESSAGE_MAX_CHARS = 2_000;
export const DISCORD_EMBED_TITLE_MAX_CHARS = 256;
export const DISCORD_EMBED_DESCRIPTION_MAX_CHARS = 4_096;
export const DISCORD_EMBED_FOOTER_MAX_CHARS = 2_048;
/** Discord's embed url has no documented cap; this keeps the embed's total well under its 6,000. */
const EMBED_URL_MAX_CHARS = 2_048;
/** One runaway sentence should not crowd the others out of a message. */
const MESSAGE_BULLET_MAX_CHARS = 600;
const EMBED_BULLET_MAX_CHARS = 1_000;
/** The small link after each bullet to its sentence in the article. */
const FRAGMENT_LINK_TEXT = "↗";
/** `-# ` is Discord's subtext: small, grey, and left as is by clients that lack it. */
const SUBTEXT = "-# ";
const KEYWORDS_LABEL = "Keywords: ";

export type DiscordEmbed = { title: string; url?: string; description: string; footer?: { text: string } };

/**
 * **[Title](<url>)**
 * -# Site · Byline · 2024-05-01 · 4 min read
 *
 * - Sentence [↗](<url#:~:text=…>)
 *
 * -# Keywords: a, b
 */
export function renderDiscord(digest: Digest, options: RenderOptions): string {
  const href = markdownHref(digest.url);
  const title = escapeMarkdown(titleOf(digest));
  const header = [
    `**${href === null ? title : maskedLink(title, href)}**`,
    SUBTEXT + sourceParts(digest).map(escapeMarkdown).join(SOURCE_SEPARATOR),
  ];
  const keywords = keywordLine(digest);
  const linkTo = sentenceLinks(digest.url, options.textFragments, markdownHref);
  const render = (layout: Layout): string => {
    const lines = [...header];
    if (layout.bullets.length > 0) lines.push("", ...bulletLines(layout.bullets, linkTo));
    if (layout.keywords && keywords !== null) lines.push("", SUBTEXT + keywords);
    return lines.join("\n");
  };
  const bullets = prepareBullets(digest, MESSAGE_BULLET_MAX_CHARS);
  return fitLayout({ bullets, keywords: true }, render, DISCORD_MESSAGE_MAX_CHARS);
}

/**
 * The same digest as an embed: bullets in the description, the source line in the footer. Embed
 * titles and footers are not Markdown, so they are only cleaned and cut, not escaped (mentions never
 * ping from an embed). `description` is empty when the digest has neither bullets nor keywords; the
 * adapter then leaves it out, as Discord rejects an empty one.
 */
export function renderDiscordEmbed(digest: Digest, options: RenderOptions): DiscordEmbed {
  const keywords = keywordLine(digest);
  const linkTo = sentenceLinks(digest.url, options.textFragments, markdownHref);
  const render = (layout: Layout): string => {
    const lines = bulletLines(layout.bullets, linkTo);
    if (layout.keywords && keywords !== null) lines.push(...(lines.length > 0 ? [""] : []), SUBTEXT + keywords);
    return lines.join("\n");
  };
  const bullets = prepareBullets(digest, EMBED_BULLET_MAX_CHARS);
  const embed: DiscordEmbed = {
    title: shorten(titleOf(digest), DISCORD_EMBED_TITLE_MAX_CHARS),
    description: fitLayout({ bullets, keywords: true }, render, DISCORD_EMBED_DESCRIPTION_MAX_CHARS),
  };
  const url = httpUrl(digest.url)?.href;
  if (url !== undefined && url.length <= EMBED_URL_MAX_CHARS) embed.url = url;
  const footer = shorten(sourceParts(digest).join(SOURCE_SEPARATOR), DISCORD_EMBED_FOOTER_MAX_CHARS);
  if (footer !== "") embed.footer = { text: footer };
  return embed;
}

function bulletLines(bullets: readonly Bullet[], linkTo: (sentence: string) => string | null): string[] {
  return bullets.map((b) => {
    const target = b.anchor === null ? null : linkTo(b.anchor);
    return `- ${escapeMarkdown(b.shown)}${target === null ? "" : ` ${maskedLink(FRAGMENT_LINK_TEXT, target)}`}`;
  });
}

function keywordLine(digest: Digest): string | null {
  const keywords = keywordsOf(digest);
  return keywords.length === 0 ? null : escapeMarkdown(KEYWORDS_LABEL + keywords.join(", "));
}
