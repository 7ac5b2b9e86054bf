/** Feeds: reading RSS, Atom and JSON Feed, and finding a site's feed. Everything else here is internal. */
export { parseFeed, MAX_FEED_CHARS } from "./parse.js";
export { discoverFeeds } from "./discover.js";
export { fetchFeed, resolveFeedUrl, type FeedFetchOptions } from "./fetchFeed.js";
export { MAX_ITEMS } from "./items.js";
export { MAX_SUMMARY_CHARS } from "./text.js";
export type { Feed, FeedError, FeedFailure, FeedFetch, FeedFormat, FeedItem } from "./types.js";
