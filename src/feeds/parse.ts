import { fail, type Result } from "../result.js";
import { resolveHttpUrl } from "./items.js";
import { parseJsonFeed } from "./jsonFeed.js";
import { sniffFormat } from "./sniff.js";
import type { Feed, FeedError } from "./types.js";
import { parseXmlFeed } from "./xmlFeed.js";

/** Bodies longer than this are refused unread: no real feed is this big, and parsing cost grows with it. */
export const MAX_FEED_CHARS = 5_000_000;

/**
 * A feed body (RSS 0.9x/1.0/2.0, Atom, JSON Feed) as a `Feed`. The format is judged by the
 * content; `contentType` only decides whether broken JSON is a broken feed or not a feed at all.
 * Relative links resolve against `baseUrl` (the URL the feed was fetched from). Never throws.
 */
export function parseFeed(body: string, contentType?: string, baseUrl?: string): Result<Feed, FeedError> {
  if (body.length > MAX_FEED_CHARS) {
    return fail({ kind: "malformed", detail: `larger than ${MAX_FEED_CHARS / 1_000_000} million characters` });
  }
  const base = baseUrl === undefined ? null : resolveHttpUrl(baseUrl);
  try {
    const sniffed = sniffFormat(body);
    if (sniffed === null) return fail({ kind: "not-a-feed" });
    if (sniffed.format === "json") {
      const hinted = /json/i.test(contentType ?? "") || /jsonfeed\.org\/version/.test(body.slice(0, 4_096));
      return parseJsonFeed(body, base, hinted);
    }
    return parseXmlFeed(body, sniffed.format, sniffed.root, base);
  } catch (err) {
    // The XML parser reports broken documents (unclosed CDATA, bad tags, too deep) by throwing.
    const detail = err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err);
    return fail({ kind: "malformed", detail: detail.slice(0, 160) });
  }
}
