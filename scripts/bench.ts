/**
 * `npm run bench`: extraction speed and memory on the shared news dev set and on the WCXB dev
 * pages, Skim beside Mozilla Readability on linkedom in the same run — in process (per page) and as
 * whole processes — then the chat load tests (long polling; webhook mode on PostgreSQL with one and
 * two processes), and last the soak test (10,000 mixed messages to one process: no crash, each
 * answered once, no leak). `--only extraction` runs the extraction parts alone: some 17 minutes on
 * two cores, two thirds of it Readability over the WCXB pages.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { extractArticle } from "../src/extract/index.js";
import { devSetDir, loadDevSet, type DevPage } from "./lib/devset.js";
import { summarize } from "../src/summarize/index.js";
import { readabilityText } from "./lib/readability.js";
import { summarize as shingleF1 } from "./lib/shingleF1.js";
import { loadSummaries } from "./lib/summaries.js";
import { loadWcxb, scoreWcxb, summarizeScores, wcxbDir, type WcxbPage } from "./lib/wcxb.js";

type Engine = "skim" | "readability";
const engines: Record<Engine, (p: DevPage) => string> = {
  skim: (p) => extractArticle({ body: p.html, url: p.url }).text,
  readability: (p) => readabilityText(p.html, p.url),
};

/** WCXB pages come as bytes: Skim decodes them by their declared charset, Readability is given UTF-8. */
const wcxbEngines: Record<Engine, (bytes: Uint8Array, url: string) => string> = {
  skim: (bytes, url) => extractArticle({ body: bytes, url }).text,
  // Decoding is timed on both sides: it is inside extractArticle, so here it is inside this call too.
  readability: (bytes, url) => readabilityText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"), url),
};

type PageSet = "news" | "wcxb";

const ROUNDS = 5;
const PROCESS_RUNS = 7;
// Readability takes some 75 ms a WCXB page on average (2 minutes a whole-process run): fewer rounds there.
const WCXB_ROUNDS = 2;
const WCXB_PROCESS_RUNS = 3;
const here = fileURLToPath(new URL(".", import.meta.url));

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

type EngineResult = {
  engine: Engine;
  pages: number;
  f1: number;
  medianMs: number;
  p95Ms: number;
  pagesPerSecond: number;
  peakRssMb: number;
  /** Peak RSS with the pages loaded, before the first extraction: the part of peakRssMb that is data. */
  loadedRssMb: number;
};

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** Prints one engine's figures as a JSON line, for the parent to compare. */
function report(engine: Engine, pages: number, f1: number, times: number[], seconds: number, loadedRssMb: number): void {
  times.sort((a, b) => a - b);
  const out: EngineResult = {
    engine,
    pages,
    f1,
    medianMs: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    pagesPerSecond: times.length / seconds,
    peakRssMb: peakRssMb(),
    loadedRssMb,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
}

/** Runs one engine alone in this process over the news dev set. */
function measureNews(engine: Engine): void {
  const pages = loadDevSet();
  const loadedRssMb = peakRssMb();
  const run = engines[engine];
  const predictions = pages.map((p) => ({ truth: p.truth, predicted: run(p) })); // warm-up, and the F1
  const times: number[] = [];
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    for (const p of pages) {
      const t0 = performance.now();
      run(p);
      times.push(performance.now() - t0);
    }
  }
  const total = performance.now() - start;
  report(engine, pages.length, shingleF1(predictions).f1, times, total / 1000, loadedRssMb);
}

type PackedPage = Omit<WcxbPage, "bytes"> & { gz: Uint8Array };

/**
 * The WCXB pages with their HTML kept gzipped. Ungzipped, the dev split is some 400 MB: held whole
 * it would be most of either engine's peak RSS. loadWcxb ungzips all it loads at once, so it is
 * asked for a hundred pages at a time and the bytes it returns are let go.
 */
function loadWcxbPacked(dir: string): PackedPage[] {
  const ids = readdirSync(join(dir, "ground-truth")).filter((n) => n.endsWith(".json")).map((n) => n.replace(/\.json$/, "")).sort();
  const out: PackedPage[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const batch = new Set(ids.slice(i, i + 100));
    for (const p of loadWcxb(dir, (id) => batch.has(id))) {
      const gz = readFileSync(join(dir, "html", `${p.id}.html.gz`));
      out.push({ id: p.id, url: p.url, type: p.type, truth: p.truth, with: p.with, without: p.without, gz });
    }
  }
  return out;
}

/**
 * Runs one engine alone in this process over the WCXB dev pages: one pass for the word F1 (which
 * warms it up), then the timed rounds. Each page is ungzipped just before its timed call, so the
 * throughput is pages over the summed extraction times, not over the wall clock, which would
 * count the ungzipping.
 */
function measureWcxb(engine: Engine): void {
  const dir = wcxbDir();
  if (!dir) throw new Error("WCXB dev set not found (../shared/data/wcxb-dev or SKIM_WCXB_DIR)");
  const pages = loadWcxbPacked(dir);
  const loadedRssMb = peakRssMb();
  const run = wcxbEngines[engine];
  const scores = pages.map((p) => scoreWcxb(p, run(gunzipSync(p.gz), p.url)));
  const times: number[] = [];
  for (let r = 0; r < WCXB_ROUNDS; r++) {
    for (const p of pages) {
      const bytes = gunzipSync(p.gz);
      const t0 = performance.now();
      run(bytes, p.url);
      times.push(performance.now() - t0);
    }
  }
  const total = times.reduce((a, b) => a + b, 0);
  report(engine, pages.length, summarizeScores(scores).f, times, total / 1000, loadedRssMb);
}

function child(engine: Engine, set: PageSet, env: NodeJS.ProcessEnv = process.env): EngineResult {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--engine", engine, "--set", set], { encoding: "utf8", maxBuffer: 1 << 24, env });
  if (r.status !== 0) throw new Error(`bench child ${engine} (${set}) failed: ${r.stderr || r.error?.message || `exit code ${r.status}`}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as EngineResult;
}

type ProcessTiming = { medianMs: number; minMs: number; peakRssMb: number };

/** One timed run of a Node script with `--out-dir`, through the peak-memory wrapper. */
function runOnce(args: string[]): { ms: number; peakRssMb: number } {
  const out = mkdtempSync(join(tmpdir(), "skim-bench-"));
  const t0 = performance.now();
  // /usr/bin/time is not everywhere: measure the child's peak memory through a wrapper instead.
  // skim warns on stderr of each page with little text: a WCXB batch writes some 70 KB there.
  const r = spawnSync(process.execPath, [join(here, "lib/peakRss.js"), ...args, "--out-dir", out], { encoding: "utf8", maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  rmSync(out, { recursive: true, force: true });
  // r.error carries a spawn that never ran, such as E2BIG for an argument list over the system's limit.
  if (r.status !== 0) throw new Error(`${args.slice(0, 3).join(" ")} ... (${args.length} args) failed: ${r.stderr || r.error?.message || `exit code ${r.status}`}`);
  return { ms, peakRssMb: Number(r.stderr.match(/peakRssKb=(\d+)/)?.[1] ?? 0) / 1024 };
}

/**
 * Times several commands, alternating them run by run so that a machine slowing down or
 * speeding up during the benchmark weighs on all of them alike.
 */
function timeProcesses(commands: string[][], runs: number): ProcessTiming[] {
  const times = commands.map(() => [] as number[]);
  const peaks = commands.map(() => 0);
  for (let i = 0; i < runs; i++) {
    commands.forEach((args, k) => {
      const r = runOnce(args);
      times[k]!.push(r.ms);
      peaks[k] = Math.max(peaks[k]!, r.peakRssMb);
    });
  }
  return times.map((t, k) => {
    t.sort((a, b) => a - b);
    return { medianMs: quantile(t, 0.5), minMs: t[0]!, peakRssMb: peaks[k]! };
  });
}

/** Summarization alone (news dev set texts) and extract + summarize end to end (dev pages). */
function measureSummaries(): string[] {
  const texts = loadSummaries().map((item) => item.text);
  const pages = loadDevSet();
  const time = <T>(items: readonly T[], run: (item: T) => unknown): number[] => {
    for (const item of items) run(item); // warm-up
    const out: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const item of items) {
        const t0 = performance.now();
        run(item);
        out.push(performance.now() - t0);
      }
    }
    return out.sort((a, b) => a - b);
  };
  const summaries = time(texts, (text) => summarize({ text, lang: "en" }));
  const endToEnd = time(pages, (page) => summarize(extractArticle({ body: page.html, url: page.url })));
  const row = (name: string, t: number[]) => `${name.padEnd(30)} median ${quantile(t, 0.5).toFixed(2)} ms  p95 ${quantile(t, 0.95).toFixed(2)} ms`;
  return [
    `\nsummarization, ${texts.length} news articles x ${ROUNDS} rounds, and extract + summarize over the ${pages.length} dev pages:`,
    row("summarize (3 bullets)", summaries),
    row("extract + summarize, per page", endToEnd),
  ];
}

const print = (s: string) => process.stdout.write(s + "\n");
/** Progress on the slow parts, on stderr: stdout carries the figures alone. */
const note = (s: string) => process.stderr.write(`bench: ${s}\n`);

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Each engine in a child of its own over one page set, printed as rows and a speed-up. */
function inProcess(header: (pages: number) => string, set: PageSet, env?: NodeJS.ProcessEnv): EngineResult[] {
  const skim = child("skim", set, env);
  const readability = child("readability", set, env);
  const row = (r: EngineResult) =>
    `${r.engine.padEnd(22)} F1 ${r.f1.toFixed(3)}  median ${r.medianMs.toFixed(2)} ms  p95 ${r.p95Ms.toFixed(2)} ms  ${r.pagesPerSecond.toFixed(0)} pages/s  peak RSS ${r.peakRssMb.toFixed(0)} MB`;
  print(header(skim.pages));
  print(row(skim));
  print(row({ ...readability, engine: "readability+linkedom" as Engine }));
  print(`speed-up: ${(readability.medianMs / skim.medianMs).toFixed(1)}x median, ${(skim.pagesPerSecond / readability.pagesPerSecond).toFixed(1)}x throughput`);
  return [skim, readability];
}

/** `skim extract --out-dir` against the Readability batch script over the same files. */
function wholeProcess(skimBin: string, label: string, set: readonly string[], runs: number): void {
  const [skimProc, readProc] = timeProcesses([[skimBin, "extract", ...set], [join(here, "readabilityBatch.js"), ...set]], runs);
  print(`\nwhole process over the ${set.length} ${label} files (${runs} runs each, alternated; start-up included):`);
  const line = (name: string, t: ProcessTiming) =>
    `${name.padEnd(26)} median ${t.medianMs.toFixed(0)} ms  min ${t.minMs.toFixed(0)} ms  peak RSS ${t.peakRssMb.toFixed(0)} MB`;
  print(line("skim extract --out-dir", skimProc!));
  print(line("readability batch script", readProc!));
  print(`speed-up: ${(readProc!.medianMs / skimProc!.medianMs).toFixed(1)}x median, ${(readProc!.minMs / skimProc!.minMs).toFixed(1)}x min`);
}

const gzFiles = (dir: string): string[] =>
  readdirSync(join(dir, "html")).filter((f) => f.endsWith(".html.gz")).sort().map((f) => join(dir, "html", f));

function main(): void {
  const engine = option("--engine");
  if (engine !== undefined) return option("--set") === "wcxb" ? measureWcxb(engine as Engine) : measureNews(engine as Engine);
  if (process.argv.includes("--summaries")) {
    process.stdout.write(measureSummaries().join("\n") + "\n");
    return;
  }
  const only = option("--only");
  if (only !== undefined && only !== "extraction") throw new Error(`--only: "${only}" is not a part (known: extraction)`);
  const extractionOnly = only === "extraction";

  const files = gzFiles(devSetDir());
  note(`news set in process (${ROUNDS} rounds per engine)`);
  inProcess(() => `in process, ${files.length} pages x ${ROUNDS} rounds (each engine in its own process):`, "news");
  const wcxb = wcxbDir();
  if (wcxb) {
    note(`WCXB dev in process (${WCXB_ROUNDS} rounds per engine after a warm-up pass; minutes for Readability)`);
    // The children look for the set themselves: told where it is, they measure the very same pages.
    const results = inProcess(
      (n) => `\nin process, WCXB dev, ${n} pages x ${WCXB_ROUNDS} rounds after a warm-up pass (each engine in its own process; word F1):`,
      "wcxb",
      { ...process.env, SKIM_WCXB_DIR: wcxb },
    );
    // Unlike the news set's few pages, the set itself weighs here: say how much of the peak is data.
    const loaded = Math.max(...results.map((r) => r.loadedRssMb));
    print(`(peak RSS counts the pages, held gzipped, and their ground truth: ${loaded.toFixed(0)} MB before the first extraction)`);
  } else {
    print("\nWCXB dev set not found (../shared/data/wcxb-dev or SKIM_WCXB_DIR): WCXB figures skipped");
  }
  if (!extractionOnly) {
    // In a process of its own, like the engines above: warm code from one part would flatter the next.
    const summaries = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--summaries"], { encoding: "utf8" });
    if (summaries.status !== 0) throw new Error(`summaries benchmark failed: ${summaries.stderr}`);
    process.stdout.write(summaries.stdout);
  }

  const skimBin = resolve(here, "../../bin/skim.js");
  // The dev set is stored gzipped; pages people extract are usually plain .html files.
  const plainDir = mkdtempSync(join(tmpdir(), "skim-bench-html-"));
  const plainFiles = files.map((f) => {
    const out = join(plainDir, basename(f).replace(/\.gz$/, ""));
    writeFileSync(out, gunzipSync(readFileSync(f)));
    return out;
  });
  note(`news set as whole processes (${PROCESS_RUNS} runs each)`);
  for (const [label, set] of [[".html", plainFiles], [".html.gz", files]] as const) wholeProcess(skimBin, label, set, PROCESS_RUNS);
  if (wcxb) {
    // 1,497 paths are some 70 KB of arguments, far below Linux's limit (2 MB, 128 KB for one string).
    note(`WCXB dev as whole processes (${WCXB_PROCESS_RUNS} runs each; some 2 minutes a Readability run)`);
    wholeProcess(skimBin, "WCXB dev .html.gz", gzFiles(wcxb), WCXB_PROCESS_RUNS);
  }
  if (!extractionOnly) {
    const load = spawnSync(process.execPath, [join(here, "loadTelegram.js")], { encoding: "utf8" });
    process.stdout.write(load.stdout);
    if (load.status !== 0) throw new Error(`chat load test failed: ${load.stderr}`);
    // Webhook mode on PostgreSQL, one and two processes; it says so and skips without a database.
    const webhook = spawnSync(process.execPath, [join(here, "loadWebhook.js")], { encoding: "utf8", maxBuffer: 1 << 24 });
    process.stdout.write(webhook.stdout);
    if (webhook.status !== 0) throw new Error(`webhook load test failed: ${webhook.stderr}`);
  }
  const [start, bare] = timeProcesses([[skimBin, "extract", plainFiles[0]!], [join(here, "lib/noop.js")]], 9);
  print(`\nskim extract, one page      median ${start!.medianMs.toFixed(0)} ms (node itself: ${bare!.medianMs.toFixed(0)} ms)`);
  rmSync(plainDir, { recursive: true, force: true });
  if (extractionOnly) return;
  // Last, as it takes minutes: a failure there leaves every figure above printed.
  const soak = spawnSync(process.execPath, [join(here, "soak.js")], { encoding: "utf8", maxBuffer: 1 << 24 });
  process.stdout.write(soak.stdout);
  if (soak.status !== 0) throw new Error(`soak test failed (figures above): ${soak.stderr || `exit code ${soak.status}`}`);
}

main();
