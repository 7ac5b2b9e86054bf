import type { Logger } from "./log.js";
import type { Store } from "./store/types.js";

/**
 * Token buckets per user and per chat: bursts pass (several links in a second), sustained floods
 * get a polite "slow down". Buckets refill continuously; idle ones are forgotten.
 */
export type Bucket = { capacity: number; perMinute: number };

export const USER_BUCKET: Bucket = { capacity: 6, perMinute: 15 };
export const CHAT_BUCKET: Bucket = { capacity: 20, perMinute: 40 };
const MAX_TRACKED = 50_000;

export type BucketKey = { key: string; bucket: Bucket };

export type RateLimiter = { take(keys: readonly BucketKey[]): boolean | Promise<boolean> };

/** This process's buckets: for a store-less handler, and while the database cannot be reached. */
export function createRateLimiter(now: () => number = Date.now): RateLimiter & { take(keys: readonly BucketKey[]): boolean } {
  const state = new Map<string, { tokens: number; at: number }>();
  const level = (key: string, bucket: Bucket, t: number) => {
    const s = state.get(key);
    if (!s) return bucket.capacity;
    return Math.min(bucket.capacity, s.tokens + ((t - s.at) / 60_000) * bucket.perMinute);
  };
  return {
    // All or nothing: a request refused by the chat's bucket does not spend the user's token.
    take(keys) {
      const t = now();
      if (keys.some(({ key, bucket }) => level(key, bucket, t) < 1)) return false;
      for (const { key, bucket } of keys) {
        const tokens = level(key, bucket, t) - 1;
        // Re-inserted so that the oldest entries, first in the map, are the idle ones.
        state.delete(key);
        state.set(key, { tokens, at: t });
      }
      while (state.size > MAX_TRACKED) state.delete(state.keys().next().value!);
      return true;
    },
  };
}

/** How often (in takes) buckets idle for an hour are deleted from the database. */
const PRUNE_EVERY = 1_000;
const IDLE_MS = 60 * 60_000;

/**
 * Buckets kept in the database, so that a user who floods two processes behind a load balancer is
 * limited once, not once per process. When the database fails, this process's own buckets decide
 * meanwhile: a broken database must not silence the bot, nor lift every limit.
 */
export function createStoreRateLimiter(
  store: Pick<Store, "takeTokens" | "pruneRateBuckets">,
  log: Logger,
  now: () => number = Date.now,
): RateLimiter {
  const local = createRateLimiter(now);
  let takes = 0;
  let failing = false;
  return {
    async take(keys) {
      const t = now();
      try {
        if (++takes % PRUNE_EVERY === 0) await store.pruneRateBuckets(t - IDLE_MS);
        const allowed = await store.takeTokens(
          keys.map(({ key, bucket }) => ({ key, capacity: bucket.capacity, perMinute: bucket.perMinute })),
          t,
        );
        if (failing) log.info("rate limits: the database answers again");
        failing = false;
        return allowed;
      } catch (err) {
        if (!failing) log.warn(`rate limits: database unavailable (${err instanceof Error ? err.message : String(err)}); limiting per process meanwhile`);
        failing = true;
        return local.take(keys);
      }
    },
  };
}
