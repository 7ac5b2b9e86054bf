import type { DailyDigest } from "../digest/types.js";
import { oneLine } from "./clean.js";
import { escapeHtml, htmlHref, htmlLink } from "./html.js";
import { escapeMarkdown, markdownHref, maskedLink } from "./markdown.js";
import { httpUrl } from "./href.js";
import { packMessages } from "./pack.js";
import type { Target } from "./reply.js";
import { shorten } from "./shorten.js";
import { failureLine, MESSAGE_LIMIT } from "./reply.js";

/**
 * A daily digest as the messages one platform sends: a header, one entry per item (title linked
 * to the article, then a sentence or two), "and N more", or the reason a source could not be read.
 * Long digests become several messages, each within the platform's limit, split between items.
 */
/** Caps that keep one item well inside any message limit. */
const TITLE_MAX = 200;
const SUMMARY_MAX = 400;

/**
 * Cleaning only removes characters or folds runs of whitespace, so a bounded prefix decides the clip:
 * a megabyte summary costs no more than a short one.
 */
const CLIP_WINDOW = 8;
const clip = (s: string, max: number) => shorten(oneLine(s.slice(0, max * CLIP_WINDOW + 64)), max);

type Style = {
  bold: (escaped: string) => string;
  escape: (text: string) => string;
  link: (escaped: string, url: string | null) => string;
};

const STYLES: Record<Target, Style> = {
  plain: {
    bold: (s) => s,
    escape: (s) => s,
    link: (s, url) => {
      const href = httpUrl(url)?.href;
      return href ? `${s} (${href})` : s;
    },
  },
  telegram: {
    bold: (s) => `<b>${s}</b>`,
    escape: escapeHtml,
    link: (s, url) => {
      const href = htmlHref(url);
      return href ? htmlLink(s, href) : s;
    },
  },
  discord: {
    bold: (s) => `**${s}**`,
    escape: escapeMarkdown,
    link: (s, url) => {
      const href = markdownHref(url);
      return href ? maskedLink(s, href) : s;
    },
  },
};

export function renderDaily(digest: DailyDigest, target: Target): string[] {
  const style = STYLES[target];
  const name = clip(digest.feedTitle ?? (digest.kind === "links" ? "Links shared here" : digest.source), TITLE_MAX);
  const header = `${style.bold(style.escape(`${digest.preview ? "Preview — " : ""}${name}`))} ${style.escape(`· ${clip(digest.day, TITLE_MAX)}`)}`;
  const parts: string[] = [header];
  if (digest.error) {
    parts.push(style.escape(failureLine(`Could not read ${clip(digest.source, TITLE_MAX)}`, digest.error)));
  } else if (digest.items.length === 0) {
    parts.push(style.escape(digest.kind === "links" ? "No links were shared here in the last day." : "No new articles since the last digest."));
  }
  for (const item of digest.items) {
    const title = style.link(style.escape(clip(item.title ?? item.url ?? "Untitled", TITLE_MAX)), item.url);
    const summary = item.summary ? ` — ${style.escape(clip(item.summary, SUMMARY_MAX))}` : "";
    parts.push(`• ${title}${summary}`);
  }
  if (digest.more > 0) parts.push(style.escape(`…and ${digest.more} more.`));
  return packMessages(parts, MESSAGE_LIMIT[target], "\n\n");
}
