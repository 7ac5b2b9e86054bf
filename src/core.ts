import type { Config } from "../config/index.js";
import { createArticleReader } from "./articles.js";
import { handleMessage, type HandleContext } from "./handler.js";
import type { Logger } from "./log.js";
import { createRateLimiter } from "./rateLimit.js";
import type { RenderOptions } from "./render/options.js";
import { createMemorySettings } from "./settings.js";
import type { Incoming, Reply } from "./types.js";

/**
 * What every adapter is given: the handler with its dependencies bound, the render options and
 * the logger. One core per process, shared by all its adapters.
 */
export type Core = {
  handle: (msg: Incoming, ctx: HandleContext) => Promise<Reply>;
  render: RenderOptions;
  log: Logger;
};

/** An adapter runs one platform's connection: platform events in, rendered replies out. */
export type Adapter = {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Settles when the adapter ends by itself (the console at end of input); never for platform connections. */
  finished: Promise<void>;
};

export function createCore(config: Config, log: Logger): Core {
  const deps = {
    readArticle: createArticleReader({ fetchOptions: config.fetch, log }),
    settings: createMemorySettings(),
    rateLimiter: createRateLimiter(),
    log,
  };
  return {
    handle: (msg, ctx) => handleMessage(msg, ctx, deps),
    render: { textFragments: config.render.textFragments },
    log,
  };
}
