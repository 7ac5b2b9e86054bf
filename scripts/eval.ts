/**
 * `npm run eval`: extraction precision/recall/F1 on the shared extraction dev set beside a plain
 * "all visible text" baseline, and summarization ROUGE on the news summaries dev set beside
 * Lead-3 (the first three sentences), each baseline computed in the same run.
 * `--pages` adds per-page extraction scores; `--only extract|summarize` runs one part.
 */
import { extractArticle } from "../src/extract/index.js";
import { summarize } from "../src/summarize/index.js";
import { splitSentences } from "../src/summarize/segment.js";
import { loadDevSet } from "./lib/devset.js";
import { meanRouge, rouge, type Rouge } from "./lib/rouge.js";
import { scorePage, summarize as summarizeF1 } from "./lib/shingleF1.js";
import { loadSummaries } from "./lib/summaries.js";

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const print = (s: string) => process.stdout.write(s + "\n");

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

function evalSummaries(file: string, label: string): void {
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
}

if (only === undefined || only === "extract") evalExtraction();
if (only === undefined || only === "summarize") {
  evalSummaries("summaries-dev.jsonl", "CNN/DailyMail dev");
  evalSummaries("summaries-xsum-dev.jsonl", "BBC XSum dev (one-sentence references)");
}
