import type { FetchFailure } from "../fetch/index.js";

/** One entry of a feed, the same shape whatever the format. */
export type FeedItem = {
  /** What identifies the item across fetches: guid/id, else the link, else a hash of title and date. */
  key: string;
  /** An absolute http(s) URL, or null when the item has none. */
  url: string | null;
  title: string | null;
  /** Plain text: markup stripped, entities decoded, whitespace collapsed, at most 1,000 characters. */
  summary: string | null;
  /** ISO 8601 (UTC), or null when the item has no readable date. */
  publishedAt: string | null;
};

export type Feed = {
  title: string | null;
  /** The site the feed belongs to (RSS `<link>`, Atom alternate link, JSON `home_page_url`). */
  siteUrl: string | null;
  /** Newest first where dates allow; keys unique. */
  items: FeedItem[];
};

export type FeedFormat = "rss" | "rdf" | "atom" | "json";

/** Why a body is not a readable feed. */
export type FeedError = { kind: "not-a-feed" } | { kind: "malformed"; detail: string };

export type FeedFetch = {
  /** The URL the feed document was requested from: the given one, or the one the page linked to. */
  feedUrl: string;
  /** Null when the server said the feed has not changed (304). */
  feed: Feed | null;
  /** Validators to send next time (`If-None-Match` / `If-Modified-Since`). */
  etag: string | null;
  lastModified: string | null;
  notModified: boolean;
};

export type FeedFailure = FetchFailure | FeedError | { kind: "no-feed-found" };
