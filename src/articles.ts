import { extractInline, type Extract } from "./extract/pool.js";
import type { Article } from "./extract/types.js";
import { fetchPage } from "./fetch/index.js";
import type { FetchOptions, FetchResult } from "./fetch/types.js";
import type { Logger } from "./log.js";
import { fail, ok, type Result } from "./result.js";
import type { FailReason } from "./types.js";
import { normalizeUrl } from "./urls.js";
import type { Metrics } from "./observe/metrics.js";
import type { Store } from "./store/types.js";
import { detectWall } from "./wall.js";

/**
 * Reading a linked article, once: results are cached by normalized URL (and under the page's
 * canonical and final addresses), and concurrent requests for one URL share one fetch.
 */
export type ReadArticle = (url: string) => Promise<Result<Article & { url: string }, FailReason>>;

export type ArticleCacheOptions = {
  /** How long a page read stays fresh. */
  ttlMs: number;
  /** How long a failure is remembered, so a broken link is not fetched again by every click. */
  failureTtlMs: number;
  maxEntries: number;
  /**
   * Characters of article text the cache holds at most, counted per entry: pages strangers link
   * can each hold megabytes, so a count of entries alone does not bound the memory.
   */
  maxChars: number;
};

export const DEFAULT_CACHE: ArticleCacheOptions = { ttlMs: 60 * 60_000, failureTtlMs: 60_000, maxEntries: 1_000, maxChars: 50_000_000 };

const cacheKey = (url: string) => `article:${url}`;
/** Expired pages leave the shared cache every so many writes: it would otherwise grow for ever. */
const PRUNE_EVERY_WRITES = 200;

type Entry = { result: Result<Article & { url: string }, FailReason>; expires: number; chars: number };

/** What an entry weighs: its text, and the same text again as paragraphs. */
const charsOf = (result: Entry["result"]): number =>
  result.ok ? result.value.text.length + result.value.paragraphs.reduce((n, p) => n + p.length, 0) : 0;

export type ArticleDeps = {
  fetchOptions: FetchOptions;
  log: Logger;
  /** A shared cache behind the in-process one: processes on one database fetch a page once. */
  store?: Pick<Store, "cacheGet" | "cachePut" | "cachePrune">;
  metrics?: Pick<Metrics, "cache" | "fetchSeconds">;
  fetch?: (url: string, options: FetchOptions) => Promise<FetchResult>;
  /** The extractor, off the event loop in production (see extract/pool.ts); in this thread by default. */
  extract?: Extract;
  now?: () => number;
  cache?: Partial<ArticleCacheOptions>;
};

/**
 * At most `limit` calls run at once; the others queue in order. A finished call hands its slot to
 * the next in line directly, so a newcomer cannot slip past the queue.
 */
export function createGate(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

export function createArticleReader(deps: ArticleDeps): ReadArticle & { stats: () => { fetches: number; hits: number } } {
  const options = { ...DEFAULT_CACHE, ...deps.cache };
  const now = deps.now ?? Date.now;
  const fetchOne = deps.fetch ?? fetchPage;
  const extract = deps.extract ?? extractInline;
  // Strangers decide how many links arrive at once: the process decides how many it fetches.
  const gate = createGate(deps.fetchOptions.concurrency);
  const fetch = (url: string, o: FetchOptions) => gate(() => fetchOne(url, o));
  // A Map keeps insertion order: re-inserting on use makes its first key the least recently used.
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry["result"]>>();
  let fetches = 0;
  let hits = 0;
  let cachedChars = 0;
  let storeWrites = 0;

  const forget = (key: string) => {
    const old = cache.get(key);
    if (old === undefined) return;
    cachedChars -= old.chars;
    cache.delete(key);
  };

  const remember = (keys: readonly string[], result: Entry["result"]) => {
    const expires = now() + (result.ok ? options.ttlMs : options.failureTtlMs);
    const chars = charsOf(result);
    // A page larger than the whole cache is served, not kept.
    if (chars > options.maxChars) return;
    for (const key of new Set(keys)) {
      forget(key);
      cache.set(key, { result, expires, chars });
      cachedChars += chars;
    }
    while (cache.size > options.maxEntries || cachedChars > options.maxChars) forget(cache.keys().next().value!);
  };

  const load = async (url: string, key: string): Promise<Entry["result"]> => {
    fetches++;
    const started = performance.now();
    const result = await loadUncounted(url, key);
    deps.metrics?.fetchSeconds((performance.now() - started) / 1000, result.ok);
    return result;
  };

  const loadUncounted = async (url: string, key: string): Promise<Entry["result"]> => {
    const page = await fetch(url, { ...deps.fetchOptions, accept: ["html", "text"] });
    if (!page.ok) {
      deps.log.info(`fetch ${url}: ${page.reason.kind}`);
      remember([key], page);
      return page;
    }
    const extracted = await extract({ body: page.value.body, url: page.value.url, contentType: page.value.contentType });
    if (!extracted.ok) {
      remember([key], extracted);
      return extracted;
    }
    const article = extracted.value;
    const wall = detectWall(article);
    const result: Entry["result"] = wall
      ? fail({ kind: "wall", wall })
      : article.text.trim() === ""
        ? fail({ kind: "not-article" })
        : ok({ ...article, url: page.value.url });
    const keys = [key, normalizeUrl(page.value.url)];
    if (article.canonicalUrl) keys.push(normalizeUrl(article.canonicalUrl));
    remember(keys, result);
    if (result.ok && deps.store) {
      const expires = now() + options.ttlMs;
      const json = JSON.stringify(result.value);
      const store = deps.store;
      const writes: Promise<unknown>[] = [...new Set(keys)].map((k) => store.cachePut(cacheKey(k), json, expires));
      if (++storeWrites % PRUNE_EVERY_WRITES === 0) writes.push(store.cachePrune(now()));
      await Promise.all(writes).catch((err: unknown) => deps.log.warn(`cache write failed: ${err instanceof Error ? err.message : String(err)}`));
    }
    return result;
  };

  /** The shared cache, when there is one: a page another process read is not fetched again. */
  const fromStore = async (key: string): Promise<Entry["result"] | null> => {
    if (!deps.store) return null;
    try {
      const json = await deps.store.cacheGet(cacheKey(key), now());
      if (json === null) return null;
      const result = ok(JSON.parse(json) as Article & { url: string });
      remember([key], result);
      return result;
    } catch (err) {
      deps.log.warn(`cache read failed: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  };

  const read: ReadArticle = async (url) => {
    const key = normalizeUrl(url);
    const cached = cache.get(key);
    if (cached && cached.expires > now()) {
      hits++;
      // Used again: now the most recently used.
      cache.delete(key);
      cache.set(key, cached);
      deps.metrics?.cache(true);
      return cached.result;
    }
    let pending = inFlight.get(key);
    if (!pending) {
      pending = (async () => {
        const stored = await fromStore(key);
        deps.metrics?.cache(stored !== null);
        return stored ?? load(url, key);
      })().finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    } else {
      hits++;
    }
    return pending;
  };
  return Object.assign(read, { stats: () => ({ fetches, hits }) });
}
