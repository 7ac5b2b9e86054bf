import type { ReadArticle } from "../articles.js";
import type { FetchOptions } from "../fetch/types.js";
import { fetchFeed } from "../feeds/index.js";
import type { FeedItem } from "../feeds/types.js";
import type { Logger } from "../log.js";
import type { SummarizeFor } from "../engine.js";
import { capBullet, summarize, type SummaryInput } from "../summarize/index.js";
import type { Store, Subscription } from "../store/types.js";
import type { DailyDigest, DailyItem } from "./types.js";

/**
 * Builds one subscription's daily digest. Nothing is marked delivered here: the caller commits
 * once the platform confirmed the message, so a failed send leaves the items for the retry.
 */
export type BuildDeps = {
  store: Store;
  readArticle: ReadArticle;
  fetchOptions: FetchOptions;
  log: Logger;
  maxItems: number;
  /** The chat's engine for item summaries (within its daily budget); extractive when absent. */
  summarize?: SummarizeFor;
};

export type BuiltDigest = { digest: DailyDigest; commit: () => Promise<void> };

/** A feed's own description shorter than this says too little: the article itself is read. */
const MIN_SUMMARY_SOURCE_CHARS = 120;
const ITEM_SUMMARY_MAX_CHARS = 300;
const ITEM_SENTENCES = 2;
/** Articles read at once while building one digest. */
const READ_CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60_000;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** A sentence or two about an item: from the feed's description when it says enough, else from the article. */
async function describeItem(item: Pick<FeedItem, "title" | "url" | "summary">, chatKey: string, deps: BuildDeps): Promise<DailyItem> {
  const write = (input: SummaryInput) =>
    deps.summarize ? deps.summarize(input, { chatKey, sentences: ITEM_SENTENCES }) : Promise.resolve(summarize(input, { sentences: ITEM_SENTENCES }));
  const own = item.summary?.trim() ?? "";
  if (own.length >= MIN_SUMMARY_SOURCE_CHARS || !item.url) {
    const bullets = own ? (await write({ text: own, title: item.title })).bullets : [];
    return { title: item.title, url: item.url, summary: capBullet(bullets.join(" ") || own, ITEM_SUMMARY_MAX_CHARS) };
  }
  const article = await deps.readArticle(item.url);
  if (!article.ok) return { title: item.title, url: item.url, summary: capBullet(own, ITEM_SUMMARY_MAX_CHARS) };
  const digest = await write(article.value);
  return { title: item.title ?? digest.title, url: item.url, summary: capBullet(digest.bullets.join(" ") || own, ITEM_SUMMARY_MAX_CHARS) };
}

export async function buildDigest(sub: Subscription, day: string, now: number, preview: boolean, deps: BuildDeps): Promise<BuiltDigest> {
  const base = { day, source: sub.source, kind: sub.kind, preview };
  if (sub.kind === "links") {
    const links = await deps.store.sharedLinks(sub.chatKey, now - DAY_MS, now);
    const shown = links.slice(0, deps.maxItems);
    const items = await mapLimited(shown, READ_CONCURRENCY, (url) => describeItem({ title: null, url, summary: null }, sub.chatKey, deps));
    return { digest: { ...base, feedTitle: null, items, more: links.length - shown.length }, commit: async () => {} };
  }

  // A preview fetches a fresh copy; the delivery uses the validators so an unchanged feed costs a 304.
  const validators = preview ? {} : { etag: sub.etag, lastModified: sub.lastModified };
  const fetched = await fetchFeed(sub.feedUrl ?? sub.source, { ...deps.fetchOptions, ...validators });
  if (!fetched.ok) {
    deps.log.warn(`digest ${sub.id}: ${sub.source}: ${fetched.reason.kind}`);
    return { digest: { ...base, feedTitle: null, items: [], more: 0, error: fetched.reason }, commit: async () => {} };
  }
  const { feed, etag, lastModified } = fetched.value;
  const all = feed?.items ?? [];
  const unseen = new Set(await deps.store.unseenItems(sub.id, all.map((i) => i.key)));
  const fresh = all.filter((i) => unseen.has(i.key));
  const shown = fresh.slice(0, deps.maxItems);
  const items = await mapLimited(shown, READ_CONCURRENCY, (item) => describeItem(item, sub.chatKey, deps));
  return {
    digest: { ...base, feedTitle: feed?.title ?? null, items, more: fresh.length - shown.length },
    commit: async () => {
      // Items beyond the cap were announced as "and N more": they count as delivered too.
      await deps.store.markItemsSeen(sub.id, fresh.map((i) => i.key), now);
      await deps.store.updateFeedState(sub.id, { etag, lastModified });
    },
  };
}
