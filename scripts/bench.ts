/**
 * `npm run bench`: extraction speed and memory on the shared dev set, Skim beside Mozilla
 * Readability on linkedom in the same run — in process (per page) and as whole processes — then
 * the chat load tests (long polling; webhook mode on PostgreSQL with one and two processes), and last
 * the soak test (10,000 mixed messages to one process: no crash, each answered once, no leak).
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

type Engine = "skim" | "readability";
const engines: Record<Engine, (p: DevPage) => string> = {
  skim: (p) => extractArticle({ body: p.html, url: p.url }).text,
  readability: (p) => readabilityText(p.html, p.url),
};

const ROUNDS = 5;
const PROCESS_RUNS = 7;
const here = fileURLToPath(new URL(".", import.meta.url));

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Runs one engine alone in this process and prints a JSON line: the parent compares them. */
function measure(engine: Engine): void {
  const pages = loadDevSet();
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
  times.sort((a, b) => a - b);
  const f1 = shingleF1(predictions).f1;
  const out = {
    engine,
    f1,
    medianMs: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    pagesPerSecond: (pages.length * ROUNDS) / (total / 1000),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
}

function child(engine: Engine): { engine: Engine; f1: number; medianMs: number; p95Ms: number; pagesPerSecond: number; peakRssMb: number } {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--engine", engine], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench child ${engine} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

type ProcessTiming = { medianMs: number; minMs: number; peakRssMb: number };

/** One timed run of a Node script with `--out-dir`, through the peak-memory wrapper. */
function runOnce(args: string[]): { ms: number; peakRssMb: number } {
  const out = mkdtempSync(join(tmpdir(), "skim-bench-"));
  const t0 = performance.now();
  // /usr/bin/time is not everywhere: measure the child's peak memory through a wrapper instead.
  const r = spawnSync(process.execPath, [join(here, "lib/peakRss.js"), ...args, "--out-dir", out], { encoding: "utf8" });
  const ms = performance.now() - t0;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
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

function main(): void {
  const engineArg = process.argv.indexOf("--engine");
  if (engineArg >= 0) return measure(process.argv[engineArg + 1] as Engine);
  if (process.argv.includes("--summaries")) {
    process.stdout.write(measureSummaries().join("\n") + "\n");
    return;
  }

  const dir = devSetDir();
  const files = readdirSync(join(dir, "html")).filter((f) => f.endsWith(".html.gz")).sort().map((f) => join(dir, "html", f));
  const skim = child("skim");
  const readability = child("readability");
  const row = (r: typeof skim) =>
    `${r.engine.padEnd(22)} F1 ${r.f1.toFixed(3)}  median ${r.medianMs.toFixed(2)} ms  p95 ${r.p95Ms.toFixed(2)} ms  ${r.pagesPerSecond.toFixed(0)} pages/s  peak RSS ${r.peakRssMb.toFixed(0)} MB`;
  const print = (s: string) => process.stdout.write(s + "\n");
  print(`in process, ${files.length} pages x ${ROUNDS} rounds (each engine in its own process):`);
  print(row(skim));
  print(row({ ...readability, engine: "readability+linkedom" as Engine }));
  print(`speed-up: ${(readability.medianMs / skim.medianMs).toFixed(1)}x median, ${(skim.pagesPerSecond / readability.pagesPerSecond).toFixed(1)}x throughput`);
  // In a process of its own, like the engines above: warm code from one part would flatter the next.
  const summaries = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--summaries"], { encoding: "utf8" });
  if (summaries.status !== 0) throw new Error(`summaries benchmark failed: ${summaries.stderr}`);
  process.stdout.write(summaries.stdout);

  const skimBin = resolve(here, "../../bin/skim.js");
  // The dev set is stored gzipped; pages people extract are usually plain .html files.
  const plainDir = mkdtempSync(join(tmpdir(), "skim-bench-html-"));
  const plainFiles = files.map((f) => {
    const out = join(plainDir, basename(f).replace(/\.gz$/, ""));
    writeFileSync(out, gunzipSync(readFileSync(f)));
    return out;
  });
  for (const [label, set] of [[".html", plainFiles], [".html.gz", files]] as const) {
    const [skimProc, readProc] = timeProcesses([[skimBin, "extract", ...set], [join(here, "readabilityBatch.js"), ...set]], PROCESS_RUNS);
    print(`\nwhole process over the ${set.length} ${label} files (${PROCESS_RUNS} runs each, alternated; start-up included):`);
    const line = (name: string, t: ProcessTiming) =>
      `${name.padEnd(26)} median ${t.medianMs.toFixed(0)} ms  min ${t.minMs.toFixed(0)} ms  peak RSS ${t.peakRssMb.toFixed(0)} MB`;
    print(line("skim extract --out-dir", skimProc!));
    print(line("readability batch script", readProc!));
    print(`speed-up: ${(readProc!.medianMs / skimProc!.medianMs).toFixed(1)}x median, ${(readProc!.minMs / skimProc!.minMs).toFixed(1)}x min`);
  }
  const load = spawnSync(process.execPath, [join(here, "loadTelegram.js")], { encoding: "utf8" });
  process.stdout.write(load.stdout);
  if (load.status !== 0) throw new Error(`chat load test failed: ${load.stderr}`);
  // Webhook mode on PostgreSQL, one and two processes; it says so and skips without a database.
  const webhook = spawnSync(process.execPath, [join(here, "loadWebhook.js")], { encoding: "utf8", maxBuffer: 1 << 24 });
  process.stdout.write(webhook.stdout);
  if (webhook.status !== 0) throw new Error(`webhook load test failed: ${webhook.stderr}`);
  const [start, bare] = timeProcesses([[skimBin, "extract", plainFiles[0]!], [join(here, "lib/noop.js")]], 9);
  print(`\nskim extract, one page      median ${start!.medianMs.toFixed(0)} ms (node itself: ${bare!.medianMs.toFixed(0)} ms)`);
  rmSync(plainDir, { recursive: true, force: true });
  // Last, as it takes minutes: a failure there leaves every figure above printed.
  const soak = spawnSync(process.execPath, [join(here, "soak.js")], { encoding: "utf8", maxBuffer: 1 << 24 });
  process.stdout.write(soak.stdout);
  if (soak.status !== 0) throw new Error(`soak test failed (figures above): ${soak.stderr || `exit code ${soak.status}`}`);
}

main();
