/**
 * `npm run eval`: extraction precision/recall/F1 on the shared extraction dev set beside a plain
 * "all visible text" baseline, and summarization ROUGE on the news summaries dev set beside
 * Lead-3 (the first three sentences), each baseline computed in the same run.
 * Then the WCXB dev pages (../shared/data/wcxb-dev, 1,497 pages of 2025-26 in seven page types):
 * the benchmark's word F1, P, R, with/without snippet rates and page-type accuracy, overall and per
 * type, beside Readability + linkedom on the same pages in the same run and the published figures.
 * `--pages` adds per-page news scores; `--only extract|wcxb|summarize` runs one part (`extract` is
 * both extraction sets); `--no-readability` skips Readability (minutes); `--dump FILE` writes
 * per-page WCXB scores as JSON; `--ids a,b` scores only those pages.
 *
 * With the abstractive engine configured (SKIM_LLM_BASE_URL and SKIM_LLM_MODEL, as for `skim run`)
 * the summarization part also scores it on the same articles (scripts/lib/engineEval.ts):
 * `--llm-limit N` takes the first N articles of each set (local models are slow),
 * `--llm-concurrency N` sends N requests at a time (default 1, which keeps latencies honest).
 */
import { ConfigError, loadConfig, type LlmSettings } from "../config/index.js";
import { extractArticle } from "../src/extract/index.js";
import { summarize } from "../src/summarize/index.js";
import { splitSentences } from "../src/summarize/segment.js";
import { loadDevSet } from "./lib/devset.js";
import { evalEngine } from "./lib/engineEval.js";
import { meanRouge, rouge, type Rouge } from "./lib/rouge.js";
import { scorePage, summarize as summarizeF1 } from "./lib/shingleF1.js";
import { loadSummaries } from "./lib/summaries.js";
import { PAGE_TYPES, loadWcxb, scoreWcxb, summarizeScores, wcxbDir, type PageScore, type Summary } from "./lib/wcxb.js";
import { readabilityText } from "./lib/readability.js";
import { writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const print = (s: string) => process.stdout.write(s + "\n");

/** The value of `--name N` (or `--name=N`) as a positive whole number; `fallback` when absent. */
function countArg(name: string, fallback: number | null): number | null {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return fallback;
  const raw = args[i]!.includes("=") ? args[i]!.slice(name.length + 1) : args[i + 1];
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1) {
    process.stderr.write(`eval: ${name} expects a whole number of at least 1, got ${raw === undefined ? "nothing" : `"${raw}"`}\n`);
    process.exit(2);
  }
  return Number(raw);
}
const llmLimit = countArg("--llm-limit", null);
const llmConcurrency = countArg("--llm-concurrency", 1)!;

/** The engine settings `skim run` would use: null when none are configured, "invalid" (said on stderr) when they cannot be read. */
function engineSettings(): LlmSettings | null | "invalid" {
  try {
    return loadConfig().llm;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`eval: configuration error, engine not scored: ${err.message}\n`);
    process.exitCode = 1;
    return "invalid";
  }
}

function visibleText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

function evalExtraction(): void {
  const verbose = args.includes("--pages");
  const pages = loadDevSet();
  const ours: { truth: string; predicted: string }[] = [];
  const baseline: { truth: string; predicted: string }[] = [];
  const rows: string[] = [];
  for (const page of pages) {
    const article = extractArticle({ body: page.html, url: page.url });
    ours.push({ truth: page.truth, predicted: article.text });
    baseline.push({ truth: page.truth, predicted: visibleText(page.html) });
    if (verbose) {
      const s = scorePage(page.truth, article.text);
      const p = s.tp + s.fp === 0 ? 0 : s.tp / (s.tp + s.fp);
      const r = s.tp + s.fn === 0 ? 0 : s.tp / (s.tp + s.fn);
      rows.push(`${page.id.slice(0, 8)}  P ${p.toFixed(3)}  R ${r.toFixed(3)}  ${page.url.slice(0, 70)}`);
    }
  }
  const fmt = (name: string, s: { precision: number; recall: number; f1: number }) =>
    `${name.padEnd(24)} F1 ${s.f1.toFixed(3)}  P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}`;
  if (verbose) print(rows.sort().join("\n") + "\n");
  print(`extraction dev set: ${pages.length} pages (token 4-shingle F1)`);
  print(fmt("skim extractArticle", summarizeF1(ours)));
  print(fmt("all visible text", summarizeF1(baseline)));
}

async function evalSummaries(file: string, label: string, llm: LlmSettings | null): Promise<void> {
  const items = loadSummaries(file);
  const ours: Rouge[] = [];
  const lead: Rouge[] = [];
  for (const item of items) {
    ours.push(rouge(summarize({ text: item.text, lang: "en" }).bullets.join(" "), item.summary));
    lead.push(rouge(splitSentences(item.text, "en").slice(0, 3).join(" "), item.summary));
  }
  const fmt = (name: string, r: Rouge) => `${name.padEnd(24)} R1 ${r.r1.toFixed(2)}  R2 ${r.r2.toFixed(2)}  RL ${r.rl.toFixed(2)}`;
  print(`\nsummaries: ${label}, ${items.length} articles (ROUGE F1)`);
  print(fmt("skim summarize (3)", meanRouge(ours)));
  print(fmt("Lead-3", meanRouge(lead)));
  if (llm) await evalEngine(items, { llm, limit: llmLimit, concurrency: llmConcurrency, label, print });
}

/**
 * Published dev F1 per type (rs-trafilatura, trafilatura; the set's README), and Skim's own before
 * the page-type work (measured 2026-12, issue 12), to read the rows above against.
 */
const WCXB_ANCHORS: Record<string, number[]> = {
  "skim before (issue 12)": [0.678, 0.869, 0.445, 0.335, 0.306, 0.362, 0.834, 0.536],
  "rs-trafilatura (pub.)": [0.859, 0.932, 0.808, 0.641, 0.716, 0.707, 0.932, 0.844],
  "trafilatura (pub.)": [0.791, 0.926, 0.585, 0.567, 0.553, 0.589, 0.888, 0.763],
};

function evalWcxb(): void {
  const dir = wcxbDir();
  if (!dir) {
    print("\nWCXB dev set not found (../shared/data/wcxb-dev or SKIM_WCXB_DIR): skipped");
    return;
  }
  const filter = args.includes("--ids") ? new Set(args[args.indexOf("--ids") + 1]!.split(",")) : null;
  const pages = loadWcxb(dir, filter ? (id) => filter.has(id) : undefined);
  const withReadability = !args.includes("--no-readability");
  const ours: (PageScore & { type: string })[] = [];
  const theirs: (PageScore & { type: string })[] = [];
  const dump: unknown[] = [];
  const detected = new Map<string, number>();
  for (const page of pages) {
    const article = extractArticle({ body: page.bytes, url: page.url });
    const s = scoreWcxb(page, article.text);
    ours.push({ ...s, type: page.type });
    if (article.pageType === page.type) detected.set(page.type, (detected.get(page.type) ?? 0) + 1);
    if (withReadability) theirs.push({ ...scoreWcxb(page, readabilityText(Buffer.from(page.bytes).toString("utf8"), page.url)), type: page.type });
    dump.push({ id: page.id, type: page.type, detected: article.pageType, ...s, chars: article.text.length, truthChars: page.truth.length, url: page.url });
  }
  const dumpAt = args.includes("--dump") ? args[args.indexOf("--dump") + 1] : undefined;
  if (dumpAt) writeFileSync(dumpAt, JSON.stringify(dump));
  const byType = (rows: (PageScore & { type: string })[]): Summary[] => [summarizeScores(rows), ...PAGE_TYPES.map((t) => summarizeScores(rows.filter((r) => r.type === t)))];
  const cols = ["all", ...PAGE_TYPES.map((t) => (t === "documentation" ? "docs" : t))];
  const line = (name: string, values: number[]) => `${name.padEnd(26)}${values.map((v) => v.toFixed(3).padStart(11)).join("")}`;
  const mine = byType(ours);
  print(`\nWCXB dev: ${pages.length} pages, word F1 (the benchmark's metric) per page type`);
  print(`${"".padEnd(26)}${cols.map((c) => c.padStart(11)).join("")}`);
  print(`${"pages".padEnd(26)}${mine.map((s) => String(s.n).padStart(11)).join("")}`);
  print(line("skim F1", mine.map((s) => s.f)));
  print(line("skim P", mine.map((s) => s.p)));
  print(line("skim R", mine.map((s) => s.r)));
  print(line("skim with-snippets", mine.map((s) => s.with)));
  print(line("skim without-snippets", mine.map((s) => s.without)));
  print(line("skim page type right", [[...detected.values()].reduce((a, b) => a + b, 0) / Math.max(1, pages.length), ...PAGE_TYPES.map((t, i) => (detected.get(t) ?? 0) / Math.max(1, mine[i + 1]!.n))]));
  if (withReadability) print(line("Readability+linkedom F1", byType(theirs).map((s) => s.f)));
  for (const [name, values] of Object.entries(WCXB_ANCHORS)) print(line(name, values));
}

if (only === undefined || only === "extract") evalExtraction();
if (only === undefined || only === "extract" || only === "wcxb") evalWcxb();
if (only === undefined || only === "summarize") {
  const settings = engineSettings();
  const llm = settings === "invalid" ? null : settings;
  await evalSummaries("summaries-dev.jsonl", "CNN/DailyMail dev", llm);
  await evalSummaries("summaries-xsum-dev.jsonl", "BBC XSum dev (one-sentence references)", llm);
  if (settings === null) print("\nengine eval skipped: SKIM_LLM_BASE_URL is not set (set it and SKIM_LLM_MODEL to score the abstractive engine too; --llm-limit N for the first N articles per set)");
}
