import { readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { Config } from "../../config/index.js";
import { extractArticle } from "../extract/index.js";
import type { Article } from "../extract/types.js";
import { describeFetchFailure } from "../render/reasons.js";

/** What `skim extract` prints or writes for one input. */
export type ExtractRecord = { input: string; url?: string } & Article;
export type Outcome = { ok: true; record: ExtractRecord } | { ok: false; message: string };

/** Local files are read whole: a cap keeps a mistaken path to a huge file from eating memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Largest single output buffer handed to zlib when the gzip trailer announces a size. */
const MAX_GUNZIP_CHUNK = 16 * 1024 * 1024;

/**
 * gzip's trailer states the uncompressed size (mod 2^32): sizing zlib's output buffer from it
 * spares the default 16 KiB chunks and their concatenation, about half the decompression time.
 * The figure is only a hint; `maxOutputLength` still caps what a lying file can expand to.
 */
function gunzip(bytes: Uint8Array): Uint8Array {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const announced = view.length >= 18 ? view.readUInt32LE(view.length - 4) : 0;
  const chunkSize = Math.max(64 * 1024, Math.min(announced + 1024, MAX_GUNZIP_CHUNK));
  return gunzipSync(bytes, { chunkSize, maxOutputLength: MAX_FILE_BYTES });
}

export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

function toRecord(input: string, loaded: { body: string | Uint8Array; url?: string; contentType?: string }): ExtractRecord {
  return { input, ...(loaded.url ? { url: loaded.url } : {}), ...extractArticle(loaded) };
}

/** A `.html`, `.html.gz` or `.txt` file: its bytes go to the extractor, which decodes them by the charset the page declares. */
export function extractFile(path: string, baseUrl: string | undefined): Outcome {
  try {
    if (statSync(path).size > MAX_FILE_BYTES) return { ok: false, message: `file is larger than ${MAX_FILE_BYTES} bytes` };
    let bytes: Uint8Array = readFileSync(path);
    const lower = path.toLowerCase();
    if (lower.endsWith(".gz")) bytes = gunzip(bytes);
    const plain = /\.(txt|text|md)(\.gz)?$/.test(lower);
    return { ok: true, record: toRecord(path, { body: bytes, ...(baseUrl ? { url: baseUrl } : {}), ...(plain ? { contentType: "text/plain" } : {}) }) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, message: e.code === "ENOENT" ? "no such file" : e.code === "EISDIR" ? "is a directory" : e.message };
  }
}

export async function extractUrl(url: string, config: Config): Promise<Outcome> {
  // Loaded on demand: reading files should not pay for the HTTP client.
  const { fetchPage } = await import("../fetch/index.js");
  const page = await fetchPage(url, { ...config.fetch, accept: ["html", "text"] });
  if (!page.ok) return { ok: false, message: describeFetchFailure(page.reason) };
  return { ok: true, record: toRecord(url, { body: page.value.body, url: page.value.url, contentType: page.value.contentType }) };
}
