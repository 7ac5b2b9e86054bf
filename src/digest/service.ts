import type { FailReason } from "../types.js";
import { fail, ok, type Result } from "../result.js";
import type { ChatKey, ChatSettings, Store, Subscription } from "../store/types.js";
import type { BuiltDigest } from "./build.js";
import { canonicalTimeZone, dueDay, formatTimeOfDay, localClock, parseTimeOfDay } from "./schedule.js";
import type { DailyDigest } from "./types.js";

/**
 * The chat side of daily digests: subscribing (a site URL is resolved to its feed once, here),
 * listing, unsubscribing, previews, per-chat settings and forgetting a chat.
 */
export type DigestServiceDeps = {
  store: Store;
  /** The feed to fetch for a URL someone gave: itself, or the feed its page links to. */
  resolveFeed: (url: string) => Promise<Result<string, FailReason>>;
  build: (sub: Subscription, day: string, now: number, preview: boolean) => Promise<BuiltDigest>;
  now: () => number;
  defaultTimezone: string;
  defaultTime: string;
};

export type DigestService = ReturnType<typeof createDigestService>;

export function createDigestService(deps: DigestServiceDeps) {
  const { store } = deps;

  const timezoneFor = async (chatKey: ChatKey, given?: string): Promise<Result<string, FailReason>> => {
    if (given) {
      const tz = canonicalTimeZone(given);
      return tz ? ok(tz) : fail({ kind: "bad-timezone", timezone: given });
    }
    return ok((await store.getSettings(chatKey)).timezone ?? deps.defaultTimezone);
  };

  return {
    defaultTimezone: deps.defaultTimezone,

    async subscribe(chatKey: ChatKey, source: string, time?: string, timezone?: string): Promise<Result<Subscription, FailReason>> {
      const minutes = parseTimeOfDay(time ?? deps.defaultTime);
      if (minutes === null) return fail({ kind: "bad-time", time: time ?? "" });
      const tz = await timezoneFor(chatKey, timezone);
      if (!tz.ok) return tz;
      let feedUrl: string | null = null;
      if (source.toLowerCase() !== "links") {
        const url = /^https?:\/\//i.test(source) ? source : /^www\./i.test(source) ? `https://${source}` : null;
        if (!url) return fail({ kind: "usage", usage: "/subscribe <feed-or-site-url | links> [HH:MM] [Area/City]" });
        const resolved = await deps.resolveFeed(url);
        if (!resolved.ok) return resolved;
        feedUrl = resolved.value;
      }
      const sub = await store.addSubscription({
        chatKey,
        kind: feedUrl ? "feed" : "links",
        source: feedUrl ? source : "links",
        feedUrl,
        time: formatTimeOfDay(minutes),
        timezone: tz.value,
        createdAt: deps.now(),
      });
      return ok(sub);
    },

    list: (chatKey: ChatKey) => store.listSubscriptions(chatKey),

    async unsubscribe(chatKey: ChatKey, which: string): Promise<Result<number, FailReason>> {
      const subs = await store.listSubscriptions(chatKey);
      if (which.toLowerCase() === "all") return ok(await store.removeAllSubscriptions(chatKey));
      const byNumber = /^\d+$/.test(which) ? subs[Number(which) - 1] : undefined;
      const target = byNumber ?? subs.find((s) => s.source === which || s.feedUrl === which);
      if (!target) return fail({ kind: "no-subscription", which });
      return ok((await store.removeSubscription(chatKey, target.id)) ? 1 : 0);
    },

    /** Today's digests as they would be sent now, without using up their items. */
    async preview(chatKey: ChatKey): Promise<DailyDigest[]> {
      const now = deps.now();
      const subs = await store.listSubscriptions(chatKey);
      return Promise.all(subs.map(async (s) => (await deps.build(s, dueDay(now, s.time, s.timezone) ?? localClock(now, s.timezone).day, now, true)).digest));
    },

    settings: (chatKey: ChatKey): Promise<ChatSettings> => store.getSettings(chatKey),
    updateSettings: (chatKey: ChatKey, patch: Partial<Omit<ChatSettings, "chatKey">>) => store.updateSettings(chatKey, patch),
    timezone: (chatKey: ChatKey, name: string) => timezoneFor(chatKey, name),

    /** Links are kept only where a daily recap of them was asked for. */
    async recordLinks(chatKey: ChatKey, urls: readonly string[]): Promise<void> {
      if (urls.length === 0) return;
      const subs = await store.listSubscriptions(chatKey);
      if (!subs.some((s) => s.kind === "links")) return;
      const at = deps.now();
      for (const url of urls) await store.recordSharedLink(chatKey, url, at);
    },

    forget: (chatKey: ChatKey) => store.forgetChat(chatKey),
  };
}
