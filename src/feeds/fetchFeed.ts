import { fetchPage, type FetchedPage, type FetchOptions, type PageKind } from "../fetch/index.js";
import { fail, ok, type Result } from "../result.js";
import { discoverFeeds } from "./discover.js";
import { parseFeed } from "./parse.js";
import { sniffFormat } from "./sniff.js";
import type { FeedFailure, FeedFetch } from "./types.js";

/**
 * Fetching a feed through the safe fetcher: conditional requests with the last validators, and
 * one hop from a site page to the feed it announces (the hop goes through `fetchPage` too, so
 * every address check applies to it). Media types outside the fetcher's families (e.g. a feed
 * served as `application/octet-stream`) come back as its `unsupported-type` failure.
 */

/** Feeds come labelled as feeds, JSON, HTML (a site page, or a feed mislabelled) or plain text. */
const FEED_ACCEPT: readonly PageKind[] = ["feed", "json", "html", "text"];

export type FeedFetchOptions = FetchOptions & {
  /** Validators from the last fetch of this feed; sent as If-None-Match / If-Modified-Since. */
  etag?: string | null;
  lastModified?: string | null;
};

type Fetched = Result<FetchedPage, FeedFailure>;

/** An HTML answer that is in fact a feed (mislabelled) is read as one, not searched for links. */
const isSitePage = (page: FetchedPage): boolean => page.kind === "html" && sniffFormat(page.body) === null;

function outcome(feedUrl: string, page: FetchedPage, previous: { etag: string | null; lastModified: string | null }): Result<FeedFetch, FeedFailure> {
  if (page.notModified) {
    // A 304 need not repeat the validators: the ones sent still hold.
    return ok({
      feedUrl,
      feed: null,
      etag: page.etag ?? previous.etag,
      lastModified: page.lastModified ?? previous.lastModified,
      notModified: true,
    });
  }
  const parsed = parseFeed(page.body, page.contentType, page.url);
  if (!parsed.ok) return parsed;
  return ok({ feedUrl, feed: parsed.value, etag: page.etag ?? null, lastModified: page.lastModified ?? null, notModified: false });
}

/**
 * The feed at `url`, or at the feed link of the site page at `url`. With `etag`/`lastModified`
 * the request is conditional, and an unchanged feed comes back as `notModified` with `feed: null`.
 * The validators belong to `feedUrl`: pass them with the feed URL (see `resolveFeedUrl`), not
 * with a site page's. Never throws.
 */
export async function fetchFeed(url: string, options: FeedFetchOptions): Promise<Result<FeedFetch, FeedFailure>> {
  const { etag = null, lastModified = null, ...rest } = options;
  const fetchOptions: FetchOptions = {
    ...rest,
    accept: FEED_ACCEPT,
    ...(etag !== null ? { ifNoneMatch: etag } : {}),
    ...(lastModified !== null ? { ifModifiedSince: lastModified } : {}),
  };
  const previous = { etag, lastModified };

  const first: Fetched = await fetchPage(url, fetchOptions);
  if (!first.ok) return first;
  if (first.value.notModified || !isSitePage(first.value)) return outcome(url, first.value, previous);

  // A site page: follow its first feed link, once.
  const feedUrl = discoverFeeds(first.value.body, first.value.url)[0];
  if (feedUrl === undefined) return fail({ kind: "no-feed-found" });
  const second: Fetched = await fetchPage(feedUrl, fetchOptions);
  if (!second.ok) return second;
  if (!second.value.notModified && isSitePage(second.value)) return fail({ kind: "no-feed-found" });
  return outcome(feedUrl, second.value, previous);
}

/**
 * The feed URL to subscribe to for what a user gave: the URL itself when it serves a feed, else
 * the feed its page links to. The feed is fetched and parsed, so a broken one is refused now
 * rather than at the first digest.
 */
export async function resolveFeedUrl(url: string, options: FetchOptions): Promise<Result<string, FeedFailure>> {
  const fetched = await fetchFeed(url, { ...options, ifNoneMatch: undefined, ifModifiedSince: undefined });
  return fetched.ok ? ok(fetched.value.feedUrl) : fetched;
}
