import type { Digest } from "../summarize/types.js";
import { oneLine } from "./clean.js";
import { httpUrl } from "./href.js";
import { shorten } from "./shorten.js";

/**
 * The digest's facts as short, clean strings, the same for every platform: title, the source line
 * (site · byline · date · reading time) and keywords. Each is capped, so a page cannot make a
 * header that leaves no room for the bullets.
 */

/** Discord's embed-title limit, and long enough for any real headline. */
export const TITLE_MAX_CHARS = 256;
const NAME_MAX_CHARS = 100;
const KEYWORD_MAX_CHARS = 40;
const MAX_KEYWORDS = 8;
const UNTITLED = "Untitled";
export const SOURCE_SEPARATOR = " · ";

/** YYYY-MM-DD in UTC, or null when the date does not parse. */
export function formatDate(iso: string | null): string | null {
  if (iso === null) return null;
  const ms = Date.parse(iso.trim());
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

/** "N min read", never less than one minute. */
export function formatReading(minutes: number): string {
  const n = Number.isFinite(minutes) ? Math.max(1, Math.round(minutes)) : 1;
  return `${n} min read`;
}

/** The title, else the site's host, else a placeholder; a reply always has a first line. */
export function titleOf(digest: Digest): string {
  const title = oneLine(digest.title ?? "");
  return shorten(title || hostOf(digest) || UNTITLED, TITLE_MAX_CHARS);
}

/** Site, byline, date and reading time, in that order, leaving out the unknown ones. */
export function sourceParts(digest: Digest): string[] {
  const site = shorten(oneLine(digest.siteName ?? "") || hostOf(digest), NAME_MAX_CHARS);
  const byline = shorten(oneLine(digest.byline ?? ""), NAME_MAX_CHARS);
  const parts = [site];
  // Blogs often name the author as the site; saying it twice looks broken.
  if (byline.toLowerCase() !== site.toLowerCase()) parts.push(byline);
  parts.push(formatDate(digest.publishedAt) ?? "", formatReading(digest.readingMinutes));
  return parts.filter((p) => p !== "");
}

export function keywordsOf(digest: Digest): string[] {
  return digest.keywords
    .map((k) => shorten(oneLine(k), KEYWORD_MAX_CHARS))
    .filter((k) => k !== "")
    .slice(0, MAX_KEYWORDS);
}

function hostOf(digest: Digest): string {
  return httpUrl(digest.url)?.hostname.replace(/^www\./, "") ?? "";
}
