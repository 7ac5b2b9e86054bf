import type { Digest } from "../summarize/types.js";
import type { FailReason, InfoText, Reply } from "../types.js";
import { oneLine, stripControls } from "./clean.js";
import { DISCORD_MESSAGE_MAX_CHARS, renderDiscord } from "./discord.js";
import { escapeHtml } from "./html.js";
import { escapeMarkdown } from "./markdown.js";
import type { RenderOptions } from "./options.js";
import { renderDaily } from "./daily.js";
import { packMessages } from "./pack.js";
import { renderPlain } from "./plain.js";
import { describeFetchFailure } from "./reasons.js";
import { shorten } from "./shorten.js";
import { renderTelegram, TELEGRAM_MESSAGE_MAX_CHARS } from "./telegram.js";

/**
 * A core reply as the messages one platform sends: digests, friendly failures and fixed texts,
 * each escaped for its target and packed into messages within the platform's limit.
 */
export type Target = "plain" | "telegram" | "discord";

/** Characters one message may hold, per target. */
export const MESSAGE_LIMIT: Record<Target, number> = { plain: Number.POSITIVE_INFINITY, telegram: TELEGRAM_MESSAGE_MAX_CHARS, discord: DISCORD_MESSAGE_MAX_CHARS };

/** Ends the text with a full stop unless it ends with one already. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** What the user typed, said back: a few words at most, however much they typed. */
const QUOTE_MAX_CHARS = 80;
const quote = (text: string): string => shorten(text, QUOTE_MAX_CHARS);

/** One sentence per failure, in plain words; the renderer escapes it for its target. */
export function describeReason(reason: FailReason): string {
  switch (reason.kind) {
    case "not-article":
      return "that page has no article text to summarize";
    case "too-complex":
      return "that page is too large or too complex to read";
    case "wall":
      return reason.wall === "paywall"
        ? "the article is behind a paywall, so there is nothing to summarize"
        : reason.wall === "consent"
          ? "the page only shows a cookie-consent wall instead of the article"
          : "the page asks to log in before showing the article";
    case "rate-limited":
      return "slow down a little: too many requests in a short time. Try again in a minute.";
    case "no-input":
      return "there is nothing to summarize there";
    case "admin-only":
      return "only the chat's admins can change that";
    case "usage":
      return `usage: ${reason.usage}`;
    case "not-a-feed":
      return "that address is not a feed (RSS, Atom or JSON Feed)";
    case "malformed":
      return "the feed is broken and could not be read";
    case "no-feed-found":
      return "no feed was found on that page (it has no RSS, Atom or JSON Feed link)";
    case "bad-time":
      return `"${quote(reason.time)}" is not a time of day: use HH:MM, e.g. 09:00`;
    case "bad-timezone":
      return `"${quote(reason.timezone)}" is not a time zone: use a name like Europe/Berlin or America/New_York`;
    case "no-subscription":
      return `this chat has no subscription "${quote(reason.which)}" (see /subscriptions)`;
    case "no-storage":
      return "daily digests are not available in this setup";
    case "deadline":
      return `that took longer than ${reason.seconds} seconds, so I gave up on it. Try again in a minute.`;
    case "no-engine":
      return "no language-model engine is configured for this bot (SKIM_LLM_BASE_URL), so digests are extractive: sentences of the article";
    case "language-needs-engine":
      return "with the extractive engine a digest quotes the article, so it is always in the article's language: /language auto is the only choice. Switch with /engine llm first";
    case "storage-unavailable":
      return "my storage cannot be reached right now, so nothing was changed. Try again in a minute.";
    case "internal":
      return "something went wrong on my side; the error is logged";
    default:
      return describeFetchFailure(reason);
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function infoText(info: InfoText): string {
  switch (info.kind) {
    case "subscribed":
      return `Subscribed: ${shortUrl(info.subscription.source)} — every day at ${quote(info.subscription.time)} (${quote(info.subscription.timezone)}). See /subscriptions.`;
    case "subscriptions":
      return info.subscriptions.length === 0
        ? "This chat has no daily digests. Add one with /subscribe <feed-or-site-url> [HH:MM] [timezone]."
        : ["Daily digests in this chat:", ...info.subscriptions.map((s, i) => `${i + 1}. ${shortUrl(s.source)} — ${quote(s.time)} ${quote(s.timezone)}`)].join("\n");
    case "unsubscribed":
      return info.count === 1 ? "Unsubscribed." : `Unsubscribed from ${info.count} digests.`;
    case "settings":
      return [
        "Settings of this chat:",
        `auto-summaries: ${info.effective.auto ? "on" : "off"}`,
        `digest length: ${info.effective.length}`,
        `time zone: ${quote(info.effective.timezone)}`,
        `text-fragment links: ${info.effective.fragments ? "on" : "off"}`,
        `engine: ${info.effective.engine === "llm" ? "llm (a language model; every bullet checked against the article)" : "extractive (sentences of the article)"}`,
        ...(info.effective.engine === "llm" ? [`reply language: ${info.effective.language === null ? "auto (the article's)" : quote(info.effective.language)}`] : []),
      ].join("\n");
    case "forgotten":
      return "Done: everything Skim stored about this chat is deleted.";
    case "start":
    case "help":
      return [
        "Skim summarizes links: send one and get the title, the source and the sentences that matter.",
        "",
        "/summary <link> [short|medium|long] — summarize a page (or reply /summary to a message with a link or text)",
        "/auto on|off — summarize every link posted in this chat (admins only in groups)",
        "/subscribe <feed-or-site-url | links> [HH:MM] [timezone] — a daily digest (admins in groups)",
        "/subscriptions, /unsubscribe <number|url|all>, /digest — list, stop, preview",
        "/settings, /length, /timezone, /fragments, /engine, /language, /forget — this chat's settings and data",
        "/help — this message",
      ].join("\n");
    case "auto":
      return info.on ? "Auto-summaries are on in this chat: I will summarize the links posted here." : "Auto-summaries are off in this chat. Use /summary <link> when you want one.";
  }
}

/** Text for one target, escaped; its callers have cleaned it already (renderText, failureLine). */
function escapeFor(target: Target, text: string): string {
  return target === "telegram" ? escapeHtml(text) : target === "discord" ? escapeMarkdown(text) : text;
}

/** A line of a fixed text longer than this is cut: escaped, it still fits any platform's message. */
const TEXT_LINE_MAX_CHARS = 300;

/**
 * A fixed text (a notice, help, a list of subscriptions) as messages within the target's limit,
 * split between lines, so no escape or entity is ever cut in half.
 */
function renderText(text: string, target: Target): string[] {
  const lines = stripControls(text)
    .split("\n")
    .map((line) => escapeFor(target, shorten(line, TEXT_LINE_MAX_CHARS)));
  // A blank line cannot start or end a message: platforms trim it, and an all-blank message is refused.
  return packMessages(lines, MESSAGE_LIMIT[target], "\n").map((m) => m.trim()).filter((m) => m !== "");
}

function renderDigest(digest: Digest, target: Target, options: RenderOptions): string {
  return target === "telegram" ? renderTelegram(digest, options) : target === "discord" ? renderDiscord(digest, options) : renderPlain(digest, options);
}

export function renderReply(reply: Reply, target: Target, options: RenderOptions): string[] {
  switch (reply.kind) {
    case "silence":
      return [];
    case "notice":
      return renderText(sentence(capitalize(describeReason(reply.reason))), target);
    case "info":
      return renderText(infoText(reply.text), target);
    case "daily":
      return reply.digests.flatMap((d) => renderDaily(d, target));
    case "digests": {
      const chosen = reply.fragments === undefined ? options : { ...options, textFragments: reply.fragments };
      const parts = reply.items.map((item) =>
        "digest" in item ? renderDigest(item.digest, target, chosen) : escapeFor(target, failureLine(`Could not summarize ${shortUrl(item.url)}`, item.reason)),
      );
      return packMessages(parts, MESSAGE_LIMIT[target]);
    }
  }
}

/** A failure can quote what a site sent (a host, a content type): the line stays short whatever it holds. */
const FAILURE_LINE_MAX_CHARS = 600;

/** "<what>: <why>." on one line, clipped; the caller escapes it for its target. */
export function failureLine(what: string, reason: FailReason): string {
  return shorten(oneLine(`${what}: ${describeReason(reason)}.`), FAILURE_LINE_MAX_CHARS);
}

/** Addresses are quoted back in failures; a hostile one is not allowed to fill the message. */
const MAX_QUOTED_URL_CHARS = 200;
const shortUrl = (url: string) => shorten(url, MAX_QUOTED_URL_CHARS);
