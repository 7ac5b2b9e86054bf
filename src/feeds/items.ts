import { createHash } from "node:crypto";
import type { FeedItem } from "./types.js";

/** Most items read from one feed; the rest are ignored (a daily digest never needs more). */
export const MAX_ITEMS = 1_000;
/** Longest key or URL kept: longer ones are junk, and keys are stored per subscription. */
const MAX_KEY_CHARS = 2_048;

/** What a format reader finds for one item, before keys, dedupe and ordering. */
export type RawItem = {
  /** guid / id as written. */
  id: string | null;
  url: string | null;
  title: string | null;
  summary: string | null;
  publishedAt: string | null;
};

function tryUrl(href: string, base?: string): URL | null {
  try {
    return new URL(href, base);
  } catch {
    return null;
  }
}

/** `href` made absolute against `base`; null unless it ends up an http(s) URL. */
export function resolveHttpUrl(href: string | null, base?: string | null): string | null {
  if (href === null) return null;
  const trimmed = href.trim();
  if (trimmed === "" || trimmed.length > MAX_KEY_CHARS) return null;
  // An unusable base still lets an absolute href through.
  const url = (base ? tryUrl(trimmed, base) : null) ?? tryUrl(trimmed);
  return url !== null && (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
}

function keyOf(item: RawItem): string | null {
  const id = item.id?.trim() ?? "";
  if (id !== "" && id.length <= MAX_KEY_CHARS) return id;
  if (item.url !== null) return item.url;
  if (item.title === null && item.publishedAt === null && item.summary === null) return null;
  // Neither id nor link: the title and date name the item; the summary only when both are missing.
  const basis = item.title !== null || item.publishedAt !== null ? [item.title ?? "", item.publishedAt ?? ""] : [item.summary ?? ""];
  return `sha256:${createHash("sha256").update(basis.join("\n")).digest("hex").slice(0, 32)}`;
}

/**
 * Keys assigned, duplicates dropped (the first of a key wins), empty items dropped, and the
 * order made newest first: dated items by date (ties keep feed order), then undated ones in
 * feed order.
 */
export function finishItems(raw: readonly RawItem[]): FeedItem[] {
  const seen = new Set<string>();
  const dated: { item: FeedItem; time: number; index: number }[] = [];
  const undated: FeedItem[] = [];
  for (const r of raw.slice(0, MAX_ITEMS)) {
    const key = keyOf(r);
    if (key === null || seen.has(key)) continue;
    seen.add(key);
    const item: FeedItem = { key, url: r.url, title: r.title, summary: r.summary, publishedAt: r.publishedAt };
    if (r.publishedAt === null) undated.push(item);
    else dated.push({ item, time: Date.parse(r.publishedAt), index: dated.length });
  }
  dated.sort((a, b) => b.time - a.time || a.index - b.index);
  return [...dated.map((d) => d.item), ...undated];
}
