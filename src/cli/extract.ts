import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Config } from "../../config/index.js";
import { extractArticle } from "../extract/index.js";
import type { Article } from "../extract/types.js";
import type { Logger } from "../log.js";
import { describeFetchFailure } from "../render/reasons.js";
import { fail, ok, type Result } from "../result.js";

export type ExtractArgs = { inputs: string[]; baseUrl?: string; json: boolean; outDir?: string };

export const EXTRACT_USAGE = `usage: skim extract <file|url>... [--url BASE] [--json] [--out-dir DIR]
  Reads .html, .html.gz and .txt files or http(s) URLs and prints each article's text.
  --url BASE     the page address for file inputs (resolves links, names the source)
  --json         one JSON object per input, one per line
  --out-dir DIR  write DIR/<name>.json per input instead of printing`;

export function parseExtractArgs(argv: readonly string[]): Result<ExtractArgs, string> {
  const args: ExtractArgs = { inputs: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === "--json") args.json = true;
      else if (a === "--url") args.baseUrl = value();
      else if (a.startsWith("--url=")) args.baseUrl = a.slice(6);
      else if (a === "--out-dir") args.outDir = value();
      else if (a.startsWith("--out-dir=")) args.outDir = a.slice(10);
      else if (a === "--") args.inputs.push(...argv.slice(i + 1)), (i = argv.length);
      else if (a.startsWith("--")) return fail(`unknown option ${a}`);
      else args.inputs.push(a);
    } catch (err) {
      return fail((err as Error).message);
    }
  }
  if (args.inputs.length === 0) return fail("no input given");
  if (args.baseUrl !== undefined && !URL.canParse(args.baseUrl)) return fail(`--url: "${args.baseUrl}" is not a URL`);
  return ok(args);
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** Local files are read whole: a cap keeps a mistaken path to a huge file from eating memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

type Loaded = { body: string | Uint8Array; url?: string; contentType?: string };

function readInput(path: string, baseUrl: string | undefined): Loaded {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes.length > MAX_FILE_BYTES) throw new Error(`file is larger than ${MAX_FILE_BYTES} bytes`);
  const lower = path.toLowerCase();
  if (lower.endsWith(".gz")) bytes = gunzipSync(bytes, { maxOutputLength: MAX_FILE_BYTES });
  const plain = /\.(txt|text|md)(\.gz)?$/.test(lower);
  // Bytes go to the extractor as they are: it decodes them by the charset the page declares.
  return { body: bytes, ...(baseUrl ? { url: baseUrl } : {}), ...(plain ? { contentType: "text/plain" } : {}) };
}

export function outputName(input: string): string {
  if (isUrl(input)) {
    const u = new URL(input);
    const slug = `${u.hostname}${u.pathname}`.replace(/\/+$/, "").replace(/[^A-Za-z0-9._-]+/g, "_");
    return slug.slice(0, 120) || "page";
  }
  return basename(input).replace(/\.(html?|xhtml|txt|text|md)(\.gz)?$/i, "").replace(/\.gz$/i, "") || "page";
}

export type ExtractDeps = { config: Config; log: Logger; stdout: (s: string) => void };

/** Runs the batch; every readable input yields a result. Returns the exit code. */
export async function runExtract(args: ExtractArgs, deps: ExtractDeps): Promise<number> {
  let failures = 0;
  const used = new Set<string>();
  if (args.outDir) mkdirSync(args.outDir, { recursive: true });
  for (const input of args.inputs) {
    let loaded: Loaded;
    if (isUrl(input)) {
      // Loaded on demand: reading files should not pay for the HTTP client.
      const { fetchPage } = await import("../fetch/index.js");
      const page = await fetchPage(input, { ...deps.config.fetch, accept: ["html", "text"] });
      if (!page.ok) {
        failures++;
        deps.log.error(`${input}: ${describeFetchFailure(page.reason)}`);
        continue;
      }
      loaded = { body: page.value.body, url: page.value.url, contentType: page.value.contentType };
    } else {
      try {
        loaded = readInput(input, args.baseUrl);
      } catch (err) {
        failures++;
        const e = err as NodeJS.ErrnoException;
        deps.log.error(`${input}: ${e.code === "ENOENT" ? "no such file" : e.code === "EISDIR" ? "is a directory" : e.message}`);
        continue;
      }
    }
    const article = extractArticle(loaded);
    if (article.warning) deps.log.warn(`${input}: ${article.warning}`);
    const record = { input, ...(loaded.url ? { url: loaded.url } : {}), ...article };
    if (args.outDir) {
      let name = outputName(input);
      for (let n = 2; used.has(name); n++) name = `${outputName(input)}-${n}`;
      used.add(name);
      writeFileSync(join(args.outDir, `${name}.json`), JSON.stringify(record, null, 2) + "\n");
    } else if (args.json) {
      deps.stdout(JSON.stringify(record) + "\n");
    } else {
      deps.stdout(renderPlain(article, loaded.url));
    }
  }
  return failures > 0 ? 1 : 0;
}

function renderPlain(a: Article, url: string | undefined): string {
  const facts = [a.siteName, a.byline, a.publishedAt?.slice(0, 10), a.lang].filter((x): x is string => !!x);
  const lines = [a.title ? `# ${a.title}` : "# (no title)"];
  if (facts.length) lines.push(facts.join(" · "));
  if (a.canonicalUrl ?? url) lines.push((a.canonicalUrl ?? url)!);
  lines.push("", a.text, "", "");
  return lines.join("\n");
}
