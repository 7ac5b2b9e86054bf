import type { ReadArticle } from "./articles.js";
import { parseCommand, USAGE } from "./commands.js";
import type { Logger } from "./log.js";
import { CHAT_BUCKET, USER_BUCKET, type RateLimiter } from "./rateLimit.js";
import type { ChatSettings } from "./settings.js";
import { summarize } from "./summarize/index.js";
import type { SummaryLength } from "./summarize/types.js";
import type { DigestItem, FailReason, Incoming, Reply } from "./types.js";
import { findLinks } from "./urls.js";

/**
 * The one handler behind every adapter: an incoming message in, one reply out. Platform-specific
 * abilities (is this user an admin? show "typing…") come in through the context.
 */
export type HandleContext = {
  isAdmin: () => Promise<boolean>;
  /** Shows that Skim is reading a page; called before any fetch. */
  working?: () => void;
  /** The bot's own username, so `/summary@thisbot` is recognised and `/summary@otherbot` is not. */
  botUsername?: string;
};

export type HandlerDeps = {
  readArticle: ReadArticle;
  settings: ChatSettings;
  rateLimiter: RateLimiter;
  log: Logger;
};

/** Links summarized from one message at most: a message with many links is not many requests. */
export const MAX_LINKS_PER_MESSAGE = 3;
/** A replied-to text shorter than this is a remark, not something to summarize. */
const MIN_TEXT_CHARS = 200;

const silence: Reply = { kind: "silence" };
const notice = (reason: FailReason): Reply => ({ kind: "notice", reason });

export const chatKey = (msg: Pick<Incoming, "platform" | "chatId">): string => `${msg.platform}:${msg.chatId}`;

export function autoEnabled(msg: Incoming, settings: ChatSettings): boolean {
  return settings.getAuto(chatKey(msg)) ?? (msg.chatKind === "private" || msg.platform === "console");
}

export async function handleMessage(msg: Incoming, ctx: HandleContext, deps: HandlerDeps): Promise<Reply> {
  if (msg.fromBot || msg.edited) return silence;
  const command = msg.command
    ? msg.command.name === "summary"
      ? ({ kind: "summary", ...msg.command } as const)
      : parseCommand(`/${msg.command.name}`, ctx.botUsername)
    : parseCommand(msg.text, ctx.botUsername);

  switch (command.kind) {
    case "help":
      return { kind: "info", text: { kind: "help" } };
    case "start":
      return { kind: "info", text: { kind: "start" } };
    case "usage":
      return notice({ kind: "usage", usage: command.usage });
    case "auto": {
      if (command.on === undefined) return { kind: "info", text: { kind: "auto", on: autoEnabled(msg, deps.settings) } };
      if (msg.chatKind !== "private" && msg.platform !== "console" && !(await ctx.isAdmin())) return notice({ kind: "admin-only" });
      deps.settings.setAuto(chatKey(msg), command.on);
      return { kind: "info", text: { kind: "auto", on: command.on } };
    }
    case "summary": {
      if (!allowed(msg, deps)) return notice({ kind: "rate-limited" });
      const url = command.url ?? msg.replyTo?.links?.[0] ?? findLinks(msg.replyTo?.text ?? "", 1)[0];
      if (url) return { kind: "digests", items: [await digestLink(url, command.length, ctx, deps)] };
      const text = command.text ?? (msg.replyTo && msg.replyTo.text.length >= MIN_TEXT_CHARS ? msg.replyTo.text : undefined);
      if (!text) return notice({ kind: "usage", usage: USAGE.summary });
      const digest = summarize({ text }, command.length ? { length: command.length } : {});
      return digest.bullets.length > 0 ? { kind: "digests", items: [{ url: "", digest }] } : notice({ kind: "no-input" });
    }
    case "message": {
      if (!autoEnabled(msg, deps.settings)) return silence;
      const links = [...new Set([...(msg.links ?? []), ...findLinks(msg.text)])].slice(0, MAX_LINKS_PER_MESSAGE);
      if (links.length === 0) return silence;
      // In groups an automatic answer that only says "could not" is noise: stay quiet instead.
      const quietFailures = msg.chatKind !== "private" && msg.platform !== "console";
      if (!allowed(msg, deps)) return quietFailures ? silence : notice({ kind: "rate-limited" });
      const items = await Promise.all(links.map((url) => digestLink(url, undefined, ctx, deps)));
      const shown = quietFailures ? items.filter((i) => "digest" in i) : items;
      return shown.length > 0 ? { kind: "digests", items: shown } : silence;
    }
  }
}

function allowed(msg: Incoming, deps: HandlerDeps): boolean {
  return deps.rateLimiter.take([
    { key: `user:${msg.platform}:${msg.userId}`, bucket: USER_BUCKET },
    { key: `chat:${chatKey(msg)}`, bucket: CHAT_BUCKET },
  ]);
}

async function digestLink(url: string, length: SummaryLength | undefined, ctx: HandleContext, deps: HandlerDeps): Promise<DigestItem> {
  ctx.working?.();
  try {
    const article = await deps.readArticle(url);
    if (!article.ok) return { url, reason: article.reason };
    return { url, digest: summarize(article.value, length ? { length } : {}) };
  } catch (err) {
    // A bug, not an expected failure: the log gets the details, the chat a short apology.
    deps.log.error(`summarizing ${url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { url, reason: { kind: "internal" } };
  }
}
