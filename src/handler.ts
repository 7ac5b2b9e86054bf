import type { ReadArticle } from "./articles.js";
import { parseCommand, USAGE, type Command } from "./commands.js";
import type { DigestService } from "./digest/service.js";
import type { Logger } from "./log.js";
import type { Metrics } from "./observe/metrics.js";
import { CHAT_BUCKET, USER_BUCKET, type RateLimiter } from "./rateLimit.js";
import type { ChatSettings } from "./settings.js";
import type { SummarizeFor } from "./engine.js";
import { summarize, type SummaryInput } from "./summarize/index.js";
import type { Digest, SummaryLength } from "./summarize/types.js";
import type { ChatSettings as StoredSettings } from "./store/types.js";
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
  /** Subscriptions and chat settings; absent where there is no storage (unit tests). */
  digests?: DigestService;
  /** Text-fragment links when the chat has not chosen. */
  defaultFragments?: boolean;
  metrics?: Pick<Metrics, "summarizeSeconds">;
  /** Writes a chat's digests (the engine it chose); the extractive summarizer when absent. */
  summarize?: SummarizeFor;
  /** Whether a language-model engine is configured (`/engine llm` is possible). */
  engineAvailable?: boolean;
};

/** Commands that change what a group receives: its admins only. */
const ADMIN_ONLY = new Set(["auto", "subscribe", "unsubscribe", "length", "timezone", "fragments", "engine", "language", "forget"]);

/** Links summarized from one message at most: a message with many links is not many requests. */
export const MAX_LINKS_PER_MESSAGE = 3;
/** A replied-to text shorter than this is a remark, not something to summarize. */
const MIN_TEXT_CHARS = 200;

const silence: Reply = { kind: "silence" };
const notice = (reason: FailReason): Reply => ({ kind: "notice", reason });

export const chatKey = (msg: Pick<Incoming, "platform" | "chatId">): string => `${msg.platform}:${msg.chatId}`;

export async function autoEnabled(msg: Incoming, settings: ChatSettings, log?: Logger): Promise<boolean> {
  const chosen = log ? await orDefault(settings.getAuto(chatKey(msg)), undefined, "reading auto mode", log) : await settings.getAuto(chatKey(msg));
  return chosen ?? (msg.chatKind === "private" || msg.platform === "console");
}

/**
 * A chat setting read while the database is down: the default serves meanwhile, so links are still
 * summarized. Only reads degrade this way; a change that cannot be stored is refused (below).
 */
async function orDefault<T>(read: Promise<T>, fallback: T, what: string, log: Logger): Promise<T> {
  try {
    return await read;
  } catch (err) {
    log.warn(`${what}: storage unavailable (${err instanceof Error ? err.message : String(err)}); using the default`);
    return fallback;
  }
}

export async function handleMessage(msg: Incoming, ctx: HandleContext, deps: HandlerDeps): Promise<Reply> {
  let reply: Reply;
  try {
    reply = await answer(msg, ctx, deps);
  } catch (err) {
    // Reading pages never throws (digestLink turns failures into values): what is left is storage.
    deps.log.error(`storage failed: ${err instanceof Error ? err.message : String(err)}`);
    return notice({ kind: "storage-unavailable" });
  }
  if (reply.kind !== "digests" || !deps.digests) return reply;
  // The chat's own choice about text-fragment links travels with its digests to the renderer.
  const fragments = (await orDefault(deps.digests.settings(chatKey(msg)), null, "reading settings", deps.log))?.fragments ?? null;
  return fragments === null ? reply : { ...reply, fragments };
}

async function answer(msg: Incoming, ctx: HandleContext, deps: HandlerDeps): Promise<Reply> {
  if (msg.fromBot || msg.edited) return silence;
  const command = msg.command
    ? msg.command.name === "summary"
      ? ({ kind: "summary", ...msg.command } as const)
      : parseCommand(`/${msg.command.name}`, ctx.botUsername)
    : parseCommand(msg.text, ctx.botUsername);

  const isGroup = msg.chatKind !== "private" && msg.platform !== "console";
  if (ADMIN_ONLY.has(command.kind) && !(command.kind === "auto" && command.on === undefined) && isGroup && !(await ctx.isAdmin())) {
    return notice({ kind: "admin-only" });
  }
  const key = chatKey(msg);

  switch (command.kind) {
    case "subscribe":
    case "subscriptions":
    case "unsubscribe":
    case "digest":
    case "settings":
    case "length":
    case "timezone":
    case "fragments":
    case "engine":
    case "language":
    case "forget":
      return deps.digests ? digestCommand(command, key, msg, ctx, deps, deps.digests) : notice({ kind: "no-storage" });
    case "help":
      return { kind: "info", text: { kind: "help" } };
    case "start":
      return { kind: "info", text: { kind: "start" } };
    case "usage":
      return notice({ kind: "usage", usage: command.usage });
    case "auto": {
      if (command.on === undefined) return { kind: "info", text: { kind: "auto", on: await autoEnabled(msg, deps.settings) } };
      await deps.settings.setAuto(key, command.on);
      return { kind: "info", text: { kind: "auto", on: command.on } };
    }
    case "summary": {
      if (!(await allowed(msg, deps))) return notice({ kind: "rate-limited" });
      const url = command.url ?? msg.replyTo?.links?.[0] ?? findLinks(msg.replyTo?.text ?? "", 1)[0];
      const length = command.length ?? (await chatLength(key, deps));
      if (url) return { kind: "digests", items: [await digestLink(url, key, length, ctx, deps)] };
      const text = command.text ?? (msg.replyTo && msg.replyTo.text.length >= MIN_TEXT_CHARS ? msg.replyTo.text : undefined);
      if (!text) return notice({ kind: "usage", usage: USAGE.summary });
      ctx.working?.();
      const digest = await write({ text }, key, length, deps);
      return digest.bullets.length > 0 ? { kind: "digests", items: [{ url: "", digest }] } : notice({ kind: "no-input" });
    }
    case "message": {
      const found = [...new Set([...(msg.links ?? []), ...findLinks(msg.text)])];
      if (found.length > 0 && deps.digests) await orDefault(deps.digests.recordLinks(key, found.slice(0, MAX_LINKS_PER_MESSAGE * 3)), undefined, "recording links", deps.log);
      if (!(await autoEnabled(msg, deps.settings, deps.log))) return silence;
      const links = found.slice(0, MAX_LINKS_PER_MESSAGE);
      if (links.length === 0) return silence;
      // In groups an automatic answer that only says "could not" is noise: stay quiet instead.
      const quietFailures = msg.chatKind !== "private" && msg.platform !== "console";
      if (!(await allowed(msg, deps))) return quietFailures ? silence : notice({ kind: "rate-limited" });
      const length = await chatLength(key, deps);
      const items = await Promise.all(links.map((url) => digestLink(url, key, length, ctx, deps)));
      const shown = quietFailures ? items.filter((i) => "digest" in i) : items;
      return shown.length > 0 ? { kind: "digests", items: shown } : silence;
    }
  }
}

type DigestCommand = Extract<
  Command,
  { kind: "subscribe" | "subscriptions" | "unsubscribe" | "digest" | "settings" | "length" | "timezone" | "fragments" | "engine" | "language" | "forget" }
>;

async function digestCommand(command: DigestCommand, key: string, msg: Incoming, ctx: HandleContext, deps: HandlerDeps, digests: DigestService): Promise<Reply> {
  switch (command.kind) {
    case "subscribe": {
      ctx.working?.();
      const sub = await digests.subscribe(key, command.source, command.time, command.timezone);
      return sub.ok ? { kind: "info", text: { kind: "subscribed", subscription: sub.value } } : notice(sub.reason);
    }
    case "subscriptions":
      return { kind: "info", text: { kind: "subscriptions", subscriptions: await digests.list(key) } };
    case "unsubscribe": {
      const n = await digests.unsubscribe(key, command.which);
      return n.ok ? { kind: "info", text: { kind: "unsubscribed", count: n.value } } : notice(n.reason);
    }
    case "digest": {
      ctx.working?.();
      const previews = await digests.preview(key);
      return previews.length > 0 ? { kind: "daily", digests: previews } : { kind: "info", text: { kind: "subscriptions", subscriptions: [] } };
    }
    case "length":
      await digests.updateSettings(key, { length: command.length });
      return settingsReply(key, msg, deps, digests);
    case "timezone": {
      const tz = await digests.timezone(key, command.timezone);
      if (!tz.ok) return notice(tz.reason);
      await digests.updateSettings(key, { timezone: tz.value });
      return settingsReply(key, msg, deps, digests);
    }
    case "fragments":
      await digests.updateSettings(key, { fragments: command.on });
      return settingsReply(key, msg, deps, digests);
    case "engine":
      if (command.engine === "llm" && !deps.engineAvailable) return notice({ kind: "no-engine" });
      await digests.updateSettings(key, { engine: command.engine });
      return settingsReply(key, msg, deps, digests);
    case "language": {
      if (command.language !== null && effectiveEngine(await digests.settings(key), deps) === "extractive") return notice({ kind: "language-needs-engine" });
      await digests.updateSettings(key, { language: command.language });
      return settingsReply(key, msg, deps, digests);
    }
    case "settings":
      return settingsReply(key, msg, deps, digests);
    case "forget":
      await digests.forget(key);
      return { kind: "info", text: { kind: "forgotten" } };
  }
}

async function settingsReply(key: string, msg: Incoming, deps: HandlerDeps, digests: DigestService): Promise<Reply> {
  const settings = await digests.settings(key);
  const effective = {
    auto: await autoEnabled(msg, deps.settings),
    length: settings.length ?? "medium",
    timezone: settings.timezone ?? digests.defaultTimezone,
    fragments: settings.fragments ?? deps.defaultFragments ?? true,
    engine: effectiveEngine(settings, deps),
    language: settings.language,
  };
  return { kind: "info", text: { kind: "settings", settings, effective } };
}

/** With an engine configured it writes digests, unless the chat chose the extractive one. */
function effectiveEngine(settings: Pick<StoredSettings, "engine">, deps: HandlerDeps): "extractive" | "llm" {
  return deps.engineAvailable ? (settings.engine ?? "llm") : "extractive";
}

/** The chat's chosen digest length, when it chose one. */
async function chatLength(key: string, deps: HandlerDeps): Promise<SummaryLength | undefined> {
  if (!deps.digests) return undefined;
  return (await orDefault(deps.digests.settings(key), null, "reading the summary length", deps.log))?.length ?? undefined;
}

function allowed(msg: Incoming, deps: HandlerDeps): boolean | Promise<boolean> {
  return deps.rateLimiter.take([
    { key: `user:${msg.platform}:${msg.userId}`, bucket: USER_BUCKET },
    { key: `chat:${chatKey(msg)}`, bucket: CHAT_BUCKET },
  ]);
}

/** The chat's engine writes the digest; without one configured, the extractive summarizer. */
function write(input: SummaryInput, key: string, length: SummaryLength | undefined, deps: HandlerDeps): Promise<Digest> {
  const options = length ? { length } : {};
  return deps.summarize ? deps.summarize(input, { chatKey: key, ...options }) : Promise.resolve(summarize(input, options));
}

async function digestLink(url: string, key: string, length: SummaryLength | undefined, ctx: HandleContext, deps: HandlerDeps): Promise<DigestItem> {
  ctx.working?.();
  try {
    const article = await deps.readArticle(url);
    if (!article.ok) return { url, reason: article.reason };
    const started = performance.now();
    const digest = await write(article.value, key, length, deps);
    deps.metrics?.summarizeSeconds((performance.now() - started) / 1000);
    // A page with text but not one sentence to quote (a link list, an app shell): a title alone is no digest.
    if (digest.bullets.length === 0) return { url, reason: { kind: "not-article" } };
    return { url, digest };
  } catch (err) {
    // A bug, not an expected failure: the log gets the details, the chat a short apology.
    deps.log.error(`summarizing ${url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { url, reason: { kind: "internal" } };
  }
}
