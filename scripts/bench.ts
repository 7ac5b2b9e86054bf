/**
 * `npm run bench`: extraction speed and memory on the shared dev set, Skim beside Mozilla
 * Readability on linkedom in the same run — in process (per page) and as whole processes.
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
import { readabilityText } from "./lib/readability.js";
import { summarize } from "./lib/shingleF1.js";

type Engine = "skim" | "readability";
const engines: Record<Engine, (p: DevPage) => string> = {
  skim: (p) => extractArticle({ body: p.html, url: p.url }).text,
  readability: (p) => readabilityText(p.html, p.url),
};

const ROUNDS = 5;
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
  const f1 = summarize(predictions).f1;
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

function timeProcess(args: string[], runs = 5): { medianMs: number; peakRssMb: number } {
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(join(tmpdir(), "skim-bench-"));
    const t0 = performance.now();
    // /usr/bin/time is not everywhere: measure the child's peak memory through a wrapper instead.
    const r = spawnSync(process.execPath, [join(here, "lib/peakRss.js"), ...args, "--out-dir", out], { encoding: "utf8" });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    peak = Math.max(peak, Number(r.stderr.match(/peakRssKb=(\d+)/)?.[1] ?? 0) / 1024);
    rmSync(out, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return { medianMs: quantile(times, 0.5), peakRssMb: peak };
}

function main(): void {
  const engineArg = process.argv.indexOf("--engine");
  if (engineArg >= 0) return measure(process.argv[engineArg + 1] as Engine);

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

  const skimBin = resolve(here, "../../bin/skim.js");
  // The dev set is stored gzipped; pages people extract are usually plain .html files.
  const plainDir = mkdtempSync(join(tmpdir(), "skim-bench-html-"));
  const plainFiles = files.map((f) => {
    const out = join(plainDir, basename(f).replace(/\.gz$/, ""));
    writeFileSync(out, gunzipSync(readFileSync(f)));
    return out;
  });
  for (const [label, set] of [[".html", plainFiles], [".html.gz", files]] as const) {
    const skimProc = timeProcess([skimBin, "extract", ...set]);
    const readProc = timeProcess([join(here, "readabilityBatch.js"), ...set]);
    print(`\nwhole process over the ${set.length} ${label} files (median of 5 runs, start-up included):`);
    print(`skim extract --out-dir     ${skimProc.medianMs.toFixed(0)} ms  peak RSS ${skimProc.peakRssMb.toFixed(0)} MB`);
    print(`readability batch script   ${readProc.medianMs.toFixed(0)} ms  peak RSS ${readProc.peakRssMb.toFixed(0)} MB`);
    print(`speed-up: ${(readProc.medianMs / skimProc.medianMs).toFixed(1)}x`);
  }
  const start = timeProcess([skimBin, "extract", plainFiles[0]!], 9);
  const bare = timeProcess([join(here, "lib/noop.js")], 9);
  print(`\nskim extract, one page      ${start.medianMs.toFixed(0)} ms (node itself: ${bare.medianMs.toFixed(0)} ms)`);
  rmSync(plainDir, { recursive: true, force: true });
}

main();
