import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Config } from "../config/index.js";
import { createArticleReader, type ReadArticle } from "./articles.js";
import { createExtractPool } from "./extract/pool.js";
import { createSummarizer } from "./engine.js";
import type { Complete } from "./llm/client.js";
import { buildDigest } from "./digest/build.js";
import { createScheduler, type Delivery, type Scheduler } from "./digest/scheduler.js";
import { createDigestService } from "./digest/service.js";
import { resolveFeedUrl } from "./feeds/index.js";
import { handleMessage, type HandleContext } from "./handler.js";
import type { Logger } from "./log.js";
import { newRequestId, withRequest } from "./observe/request.js";
import { noMetrics, type Metrics, type Outcome } from "./observe/metrics.js";
import { createStoreRateLimiter } from "./rateLimit.js";
import type { RenderOptions } from "./render/options.js";
import { fail, ok } from "./result.js";
import { storeSettings } from "./settings.js";
import { openStore } from "./store/index.js";
import type { Store } from "./store/types.js";
import type { Incoming, Reply } from "./types.js";

/**
 * What every adapter is given: the handler with its dependencies bound, the render options and
 * the logger. One core per process, shared by all its adapters, on one store.
 */
export type Core = {
  handle: (msg: Incoming, ctx: HandleContext) => Promise<Reply>;
  metrics: Metrics;
  /** True the first time a platform update is seen, by any process: retried deliveries are answered once. */
  firstDelivery: (key: string) => Promise<boolean>;
  /** Skim was removed from a chat: what it stored there goes too. */
  forgetChat: (chatKey: string) => Promise<void>;
  render: RenderOptions;
  log: Logger;
};

/** An adapter runs one platform's connection: platform events in, rendered replies out. */
export type Adapter = {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Pushes a reply (a daily digest) to a chat, outside any conversation; says whether the chat is gone for good. */
  send(chatId: string, reply: Reply): Promise<Delivery>;
  /** Settles when the adapter ends by itself (the console at end of input); never for platform connections. */
  finished: Promise<void>;
};

export type Runtime = Core & {
  store: Store;
  readArticle: ReadArticle;
  /** The digest scheduler, delivering through the given adapters (keyed by platform name). */
  scheduler(adapters: ReadonlyMap<string, Adapter>): Scheduler;
  close(): Promise<void>;
};

const DAY_MS = 24 * 60 * 60_000;

/**
 * The longest one message may take: a page fetch and an engine answer, each within its own
 * timeout, and some slack for the queue in front of them. Past it the chat hears why.
 */
export const REQUEST_SLACK_MS = 10_000;
export const requestDeadlineMs = (config: Pick<Config, "fetch" | "llm">): number =>
  config.fetch.totalTimeoutMs + (config.llm?.timeoutMs ?? 0) + REQUEST_SLACK_MS;

/** The promise's value, or `late()` once `ms` passed; the work itself goes on and is dropped. */
export async function withDeadline<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const outcomeOf = (reply: Reply): Outcome =>
  reply.kind === "digests" ? (reply.items.some((i) => "digest" in i) ? "digest" : "failure") : reply.kind;

export async function createRuntime(
  config: Config,
  log: Logger,
  options: { now?: () => number; metrics?: Metrics; complete?: Complete } = {},
): Promise<Runtime> {
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? noMetrics;
  const store = await openStore(config.databaseUrl, { dataDir: config.dataDir });
  // Pages strangers link are parsed off the event loop: a hostile one costs a worker, not every chat's replies.
  const pool = config.extract.workers > 0 ? createExtractPool({ workers: config.extract.workers, log }) : null;
  const readArticle = createArticleReader({ fetchOptions: config.fetch, log, store, metrics, ...(pool ? { extract: pool.extract } : {}) });
  const summarize = createSummarizer({ llm: config.llm, store, log, now, ...(options.complete ? { complete: options.complete } : {}) });
  const build = (sub: Parameters<typeof buildDigest>[0], day: string, at: number, preview: boolean) =>
    buildDigest(sub, day, at, preview, { store, readArticle, fetchOptions: config.fetch, log, maxItems: config.digests.maxItems, summarize });
  const digests = createDigestService({
    store,
    now,
    build,
    defaultTimezone: config.digests.defaultTimezone,
    defaultTime: config.digests.defaultTime,
    resolveFeed: async (url) => {
      const found = await resolveFeedUrl(url, config.fetch);
      return found.ok ? ok(found.value) : fail(found.reason);
    },
  });
  const deps = { readArticle, settings: storeSettings(store), rateLimiter: createStoreRateLimiter(store, log, now),
    summarize,
    engineAvailable: config.llm !== null, log, digests, defaultFragments: config.render.textFragments, metrics };
  let updatesSeen = 0;
  const deadlineMs = requestDeadlineMs(config);
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  return {
    // Each message in a request scope of its own: every log line written meanwhile carries its id.
    handle: (msg, ctx) =>
      withRequest(newRequestId(), async () => {
        const started = performance.now();
        const reply = await withDeadline(handleMessage(msg, ctx, deps), deadlineMs, (): Reply => {
          log.warn(`request deadline of ${deadlineMs / 1000} s passed`);
          // A link noticed in a group (auto mode) was not asked for: no news is better than an excuse there.
          const asked = msg.chatKind === "private" || msg.platform === "console" || msg.command !== undefined || msg.text.trimStart().startsWith("/");
          return asked ? { kind: "notice", reason: { kind: "deadline", seconds: Math.round(deadlineMs / 1000) } } : { kind: "silence" };
        });
        const outcome = outcomeOf(reply);
        metrics.request(msg.platform, outcome);
        // What was asked is logged by its shape, never its text. A console user reads stderr
        // beside the chat: a line per message would be noise there.
        log[msg.platform === "console" ? "debug" : "info"]("message handled", {
          platform: msg.platform,
          chat: msg.chatKind,
          command: msg.command?.name ?? (msg.text.startsWith("/") ? "command" : "message"),
          outcome,
          ms: Math.round(performance.now() - started),
        });
        return reply;
      }),
    metrics,
    firstDelivery: async (key) => {
      const at = now();
      try {
        if (++updatesSeen % 1_000 === 0) await store.pruneUpdates(at - DAY_MS); // a day-old update is retried by no one
        return await store.claimUpdate(key, at);
      } catch (err) {
        // Without the database a retried delivery cannot be recognised: answering twice is better than never.
        log.warn(`could not record update ${key} (${err instanceof Error ? err.message : String(err)}); answering it anyway`);
        return true;
      }
    },
    forgetChat: async (chatKey) => {
      await store.forgetChat(chatKey);
      log.info(`removed from ${chatKey}: its data is deleted`);
    },
    render: { textFragments: config.render.textFragments },
    log,
    store,
    readArticle,
    scheduler: (adapters) =>
      createScheduler({
        store,
        now,
        owner,
        log,
        tickMs: config.digests.checkIntervalMs,
        build: (sub, day, at) => build(sub, day, at, false),
        deliver: async (chatKey, digest) => {
          const colon = chatKey.indexOf(":");
          const adapter = adapters.get(chatKey.slice(0, colon));
          if (!adapter) return { ok: false, permanent: false, detail: `no ${chatKey.slice(0, colon)} adapter in this process` };
          // Old shared links are pruned as digests go out: they are kept only for the recap.
          await store.pruneSharedLinks(now() - config.digests.linkRetentionDays * DAY_MS);
          const delivery = await adapter.send(chatKey.slice(colon + 1), { kind: "daily", digests: [digest] });
          metrics.digest(delivery.ok);
          return delivery;
        },
      }),
    close: async () => {
      await pool?.close();
      await store.close();
    },
  };
}
