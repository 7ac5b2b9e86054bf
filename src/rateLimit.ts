/**
 * Token buckets per user and per chat: bursts pass (several links in a second), sustained floods
 * get a polite "slow down". Buckets refill continuously; idle ones are forgotten.
 */
export type Bucket = { capacity: number; perMinute: number };

export const USER_BUCKET: Bucket = { capacity: 6, perMinute: 15 };
export const CHAT_BUCKET: Bucket = { capacity: 20, perMinute: 40 };
const MAX_TRACKED = 50_000;

export type RateLimiter = { take(keys: readonly { key: string; bucket: Bucket }[]): boolean };

export function createRateLimiter(now: () => number = Date.now): RateLimiter {
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
