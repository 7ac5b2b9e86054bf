import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Config } from "../../config/index.js";
import type { Article } from "../extract/types.js";
import type { Logger } from "../log.js";
import { fail, ok, type Result } from "../result.js";
import { extractFile, extractUrl, isUrl, type Outcome } from "./extractInput.js";

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

export function outputName(input: string): string {
  if (isUrl(input)) {
    const u = new URL(input);
    const slug = `${u.hostname}${u.pathname}`.replace(/\/+$/, "").replace(/[^A-Za-z0-9._-]+/g, "_");
    return slug.slice(0, 120) || "page";
  }
  return basename(input).replace(/\.(html?|xhtml|txt|text|md)(\.gz)?$/i, "").replace(/\.gz$/i, "") || "page";
}

export type ExtractDeps = { config: Config; log: Logger; stdout: (s: string) => void };

/** How many URLs are fetched ahead of the input being extracted: fetches overlap with extraction. */
const LOOKAHEAD = 4;

/**
 * Outcomes in input order, extracted one at a time on this thread, URLs fetched a few ahead.
 * (Worker threads were tried for file batches: on two cores each worker's cold start cost
 * more than the parallel extraction saved.)
 */
async function* extractInOrder(args: ExtractArgs, config: Config): AsyncGenerator<Outcome> {
  const pending = new Map<number, Promise<Outcome>>();
  for (let i = 0; i < args.inputs.length; i++) {
    for (let k = i + 1; k <= i + LOOKAHEAD && k < args.inputs.length; k++) {
      const ahead = args.inputs[k]!;
      if (isUrl(ahead) && !pending.has(k)) pending.set(k, extractUrl(ahead, config));
    }
    const input = args.inputs[i]!;
    const fetched = pending.get(i);
    pending.delete(i);
    yield fetched ?? (isUrl(input) ? extractUrl(input, config) : extractFile(input, args.baseUrl));
  }
}

/** Runs the batch; every readable input yields a result, in input order. Returns the exit code. */
export async function runExtract(args: ExtractArgs, deps: ExtractDeps): Promise<number> {
  let failures = 0;
  const used = new Set<string>();
  if (args.outDir) mkdirSync(args.outDir, { recursive: true });
  let i = 0;
  for await (const outcome of extractInOrder(args, deps.config)) {
    const input = args.inputs[i++]!;
    if (!outcome.ok) {
      failures++;
      deps.log.error(`${input}: ${outcome.message}`);
      continue;
    }
    const record = outcome.record;
    if (record.warning) deps.log.warn(`${input}: ${record.warning}`);
    if (args.outDir) {
      let name = outputName(input);
      for (let n = 2; used.has(name); n++) name = `${outputName(input)}-${n}`;
      used.add(name);
      writeFileSync(join(args.outDir, `${name}.json`), JSON.stringify(record, null, 2) + "\n");
    } else if (args.json) {
      deps.stdout(JSON.stringify(record) + "\n");
    } else {
      deps.stdout(renderPlain(record, record.url));
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
