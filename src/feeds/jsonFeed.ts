import { fail, ok, type Result } from "../result.js";
import { parseDate } from "./dates.js";
import { finishItems, MAX_ITEMS, resolveHttpUrl, type RawItem } from "./items.js";
import { htmlSummary, textSummary, titleText } from "./text.js";
import type { Feed, FeedError } from "./types.js";

/** JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/). */

const VERSION = /^https?:\/\/jsonfeed\.org\/version\//;

type Json = { readonly [key: string]: unknown };
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function str(record: Json, key: string): string | null {
  const v = Object.hasOwn(record, key) ? record[key] : undefined;
  return typeof v === "string" && v.trim() !== "" ? v : null;
}

function readItem(item: Json, base: string | null): RawItem {
  const id = Object.hasOwn(item, "id") ? item["id"] : undefined;
  const title = str(item, "title");
  const summary = str(item, "summary");
  const contentText = str(item, "content_text");
  const contentHtml = str(item, "content_html");
  return {
    id: typeof id === "string" ? id : typeof id === "number" && Number.isFinite(id) ? String(id) : null,
    url: resolveHttpUrl(str(item, "url"), base) ?? resolveHttpUrl(str(item, "external_url"), base),
    title: title === null ? null : titleText(title),
    summary:
      summary !== null ? textSummary(summary) : contentText !== null ? textSummary(contentText) : contentHtml !== null ? htmlSummary(contentHtml) : null,
    publishedAt: parseDate(str(item, "date_published") ?? str(item, "date_modified")),
  };
}

/**
 * `hinted` says the body claimed to be JSON (by media type or by naming the JSON Feed version):
 * then unparseable JSON is a broken feed rather than something else altogether.
 */
export function parseJsonFeed(body: string, baseUrl: string | null, hinted: boolean): Result<Feed, FeedError> {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    if (!hinted) return fail({ kind: "not-a-feed" });
    const detail = err instanceof Error ? err.message : String(err);
    return fail({ kind: "malformed", detail: `invalid JSON: ${detail.slice(0, 120)}` });
  }
  if (!isRecord(data)) return fail({ kind: "not-a-feed" });
  const version = str(data, "version");
  if (version === null || !VERSION.test(version)) return fail({ kind: "not-a-feed" });
  const listed = Object.hasOwn(data, "items") ? data["items"] : undefined;
  if (!Array.isArray(listed)) return fail({ kind: "malformed", detail: "a JSON Feed without an items list" });
  const list: readonly unknown[] = listed;

  const siteUrl = resolveHttpUrl(str(data, "home_page_url"), baseUrl);
  const base = baseUrl ?? siteUrl;
  const items = list.slice(0, MAX_ITEMS).filter(isRecord).map((item) => readItem(item, base));
  const title = str(data, "title");
  return ok({ title: title === null ? null : titleText(title), siteUrl, items: finishItems(items) });
}
