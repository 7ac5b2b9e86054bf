/**
 * `npm run eval`: extraction precision/recall/F1 on the shared dev set, beside the figure of a
 * plain "all visible text" baseline computed in the same run.
 */
import { extractArticle } from "../src/extract/index.js";
import { loadDevSet } from "./lib/devset.js";
import { scorePage, summarize } from "./lib/shingleF1.js";

function visibleText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

const verbose = process.argv.includes("--pages");
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
if (verbose) process.stdout.write(rows.sort().join("\n") + "\n\n");
process.stdout.write(`extraction dev set: ${pages.length} pages\n`);
process.stdout.write(fmt("skim extractArticle", summarize(ours)) + "\n");
process.stdout.write(fmt("all visible text", summarize(baseline)) + "\n");
