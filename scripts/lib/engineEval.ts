import type { LlmSettings } from "../../config/index.js";
import { createCompletionClient, type Complete, type EngineFailure } from "../../src/llm/client.js";
import { summarizeWithEngine, type EngineDigest, type EngineRefusal } from "../../src/llm/engine.js";
import type { Result } from "../../src/result.js";
import { summarize } from "../../src/summarize/index.js";
import { splitSentences } from "../../src/summarize/segment.js";
import { meanRouge, rouge, rougeTokens, type Rouge } from "./rouge.js";
import type { SummaryItem } from "./summaries.js";

/**
 * The abstractive engine on a summaries dev set, scored as users would meet it. Each article goes
 * through `summarizeWithEngine` with the extractive digest as `base` and the options
 * `createSummarizer` uses for a default reply (3 bullets, at least 2 grounded, the article's
 * language): no store, so no per-chat budget or chat settings come into it. The final digest is the
 * engine's when it is accepted, else the extractive one — exactly what `createSummarizer` sends.
 */
export type EngineEvalOptions = {
  llm: LlmSettings;
  /** Articles scored, from the start of the file; null: all. */
  limit: number | null;
  concurrency: number;
  label: string;
  print: (line: string) => void;
  /** The engine call; by default Chat Completions at `llm.baseUrl`. */
  complete?: Complete;
};

const BULLETS = 3;
/** As `MIN_GROUNDED` in src/engine.ts: fewer grounded bullets and the extractive digest goes out. */
const MIN_KEPT = 2;

type Row = {
  base: Rouge;
  lead: Rouge;
  final: Rouge;
  /** Set when the engine's digest was used. */
  engine: Rouge | null;
  result: Result<EngineDigest, EngineRefusal> | null;
  promptTokens: number;
  completionTokens: number;
  ms: number;
  words: { base: number; final: number; reference: number };
};

export async function evalEngine(items: readonly SummaryItem[], options: EngineEvalOptions): Promise<void> {
  const { llm, print } = options;
  const chosen = options.limit === null ? items : items.slice(0, options.limit);
  const complete = options.complete ?? createCompletionClient(llm);
  const rows: Row[] = new Array<Row>(chosen.length);
  const progress = createProgress(options.label, chosen.length);
  const started = Date.now();

  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < chosen.length; i = next++) {
      rows[i] = await scoreOne(chosen[i]!, complete, llm);
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, chosen.length)) }, worker));
  progress.done((Date.now() - started) / 1000);

  const written = rows.filter((r) => r.engine !== null);
  const fmt = (name: string, r: Rouge | null) => `  ${name.padEnd(28)} ${r ? `R1 ${r.r1.toFixed(2)}  R2 ${r.r2.toFixed(2)}  RL ${r.rl.toFixed(2)}` : "n/a (none written)"}`;
  const subset = options.limit !== null && chosen.length < items.length ? `first ${chosen.length} of ${items.length} articles` : `${chosen.length} articles`;
  print(`engine ${llm.model}: ${subset}, concurrency ${options.concurrency}`);
  print(fmt(`engine digests (${written.length})`, written.length === 0 ? null : meanRouge(written.map((r) => r.engine!))));
  print(fmt(`final digests (${rows.length})`, meanRouge(rows.map((r) => r.final))));
  print(fmt(`skim summarize, same ${rows.length}`, meanRouge(rows.map((r) => r.base))));
  print(fmt(`Lead-3, same ${rows.length}`, meanRouge(rows.map((r) => r.lead))));
  print(`  paired R1, final − skim summarize:  ${paired(rows.map((r) => r.final.r1 - r.base.r1))}`);
  print(`  paired R1, engine − skim summarize: ${paired(written.map((r) => r.engine!.r1 - r.base.r1))}`);
  const meanWords = (k: keyof Row["words"], of: readonly Row[]) => (of.length === 0 ? 0 : of.reduce((s, r) => s + r.words[k], 0) / of.length).toFixed(0);
  print(`  words per digest: final ${meanWords("final", rows)}, skim summarize ${meanWords("base", rows)}, reference ${meanWords("reference", rows)}`);

  // Fallbacks and why.
  const failures = new Map<string, number>();
  const ungrounded = new Map<string, number>();
  let noBase = 0;
  for (const r of rows) {
    if (r.result === null) noBase++;
    else if (!r.result.ok && r.result.reason.kind === "engine") bump(failures, failureKind(r.result.reason.failure));
    else if (!r.result.ok && r.result.reason.kind === "ungrounded") {
      const { kept, dropped } = r.result.reason;
      bump(ungrounded, kept === 0 && dropped.length === 0 ? "no bullets in the answer" : `${kept} grounded`);
    }
  }
  const fellBack = rows.length - written.length;
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const parts: string[] = [];
  if (failures.size > 0) parts.push(`engine failed ${total(failures)} (${top(failures)})`);
  if (ungrounded.size > 0) parts.push(`fewer than ${MIN_KEPT} grounded ${total(ungrounded)} (${top(ungrounded)})`);
  if (noBase > 0) parts.push(`no extractive bullets, engine not asked ${noBase}`);
  print(`  fell back to extractive: ${fellBack} of ${rows.length} (${pct(fellBack, rows.length)})${parts.length > 0 ? `: ${parts.join("; ")}` : ""}`);

  // Grounding: every bullet the engine answered with (up to the number asked) is checked.
  const whys = new Map<string, number>();
  let checked = 0;
  for (const r of rows) {
    if (r.result === null) continue;
    const dropped = r.result.ok ? r.result.value.dropped : r.result.reason.kind === "ungrounded" ? r.result.reason.dropped : null;
    if (dropped === null) continue;
    const kept = r.result.ok ? r.result.value.digest.bullets.length : r.result.reason.kind === "ungrounded" ? r.result.reason.kept : 0;
    checked += kept + dropped.length;
    for (const d of dropped) bump(whys, whyPrefix(d.why));
  }
  const droppedCount = total(whys);
  print(`  bullets dropped by grounding: ${droppedCount} of ${checked} (${pct(droppedCount, checked)})${whys.size > 0 ? `: ${top(whys, 5)}` : ""}`);

  // Cost and speed.
  const prompt = rows.reduce((s, r) => s + r.promptTokens, 0);
  const completion = rows.reduce((s, r) => s + r.completionTokens, 0);
  const answered = rows.filter((r) => r.promptTokens + r.completionTokens > 0).length;
  print(
    `  tokens: ${(prompt + completion).toLocaleString("en")} (prompt ${prompt.toLocaleString("en")}, completion ${completion.toLocaleString("en")}), ` +
      `${answered === 0 ? 0 : Math.round((prompt + completion) / answered).toLocaleString("en")} per answered article`,
  );
  const ms = rows.filter((r) => r.result !== null).map((r) => r.ms).sort((a, b) => a - b);
  print(`  latency per article: p50 ${seconds(quantile(ms, 0.5))}  p95 ${seconds(quantile(ms, 0.95))}  max ${seconds(ms.at(-1) ?? 0)}`);
}

async function scoreOne(item: SummaryItem, complete: Complete, llm: LlmSettings): Promise<Row> {
  const input = { text: item.text, lang: "en" };
  const base = summarize(input);
  const baseText = base.bullets.join(" ");
  const baseScore = rouge(baseText, item.summary);
  const lead = rouge(splitSentences(item.text, "en").slice(0, 3).join(" "), item.summary);
  let promptTokens = 0;
  let completionTokens = 0;
  const counted: Complete = async (messages, maxTokens) => {
    const answer = await complete(messages, maxTokens);
    if (answer.ok) {
      promptTokens += answer.value.promptTokens;
      completionTokens += answer.value.completionTokens;
    }
    return answer;
  };
  const words = (text: string) => rougeTokens(text).length;
  // createSummarizer sends the extractive digest without asking the engine when it has no bullets.
  if (base.bullets.length === 0) {
    return { base: baseScore, lead, final: baseScore, engine: null, result: null, promptTokens, completionTokens, ms: 0, words: { base: 0, final: 0, reference: words(item.summary) } };
  }
  const t0 = performance.now();
  const result = await summarizeWithEngine(input, base, counted, {
    bullets: BULLETS,
    minKept: MIN_KEPT,
    language: null,
    maxInputTokens: llm.maxInputTokens,
    maxOutputTokens: llm.maxOutputTokens,
  });
  const ms = performance.now() - t0;
  const finalText = result.ok ? result.value.digest.bullets.join(" ") : baseText;
  const engine = result.ok ? rouge(finalText, item.summary) : null;
  return {
    base: baseScore,
    lead,
    final: engine ?? baseScore,
    engine,
    result,
    promptTokens,
    completionTokens,
    ms,
    words: { base: words(baseText), final: words(finalText), reference: words(item.summary) },
  };
}

/** Mean of per-article differences (ROUGE points) with a 95% interval and wins/ties/losses. */
function paired(diffs: readonly number[]): string {
  if (diffs.length === 0) return "n/a (no articles)";
  const n = diffs.length;
  const mean = diffs.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? 0 : Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1));
  const half = (1.96 * sd) / Math.sqrt(n);
  const eps = 1e-9;
  const wins = diffs.filter((d) => d > eps).length;
  const losses = diffs.filter((d) => d < -eps).length;
  const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(2)}`;
  return `${signed(mean)} ± ${(100 * half).toFixed(2)} (95%, n=${n}; better ${wins}, same ${n - wins - losses}, worse ${losses})`;
}

function failureKind(f: EngineFailure): string {
  return f.kind === "http" ? `HTTP ${f.status}` : f.kind;
}

/** "number not in the article: 42" → "number not in the article"; "only 31% of…" → "only N% of…". */
export function whyPrefix(why: string): string {
  return (why.split(":")[0] ?? why).replace(/\d+/g, "N").trim();
}

const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

const top = (m: Map<string, number>, n = Infinity): string =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([k, c]) => `${k} ×${c}`)
    .join(", ");

const pct = (part: number, whole: number): string => `${whole === 0 ? "0.0" : ((100 * part) / whole).toFixed(1)}%`;

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const seconds = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

/** Progress on stderr: one updating line on a terminal, a line every 10 articles otherwise. */
function createProgress(label: string, total: number) {
  const tty = process.stderr.isTTY === true;
  let done = 0;
  return {
    tick() {
      done++;
      if (tty) process.stderr.write(`\rengine eval, ${label}: ${done}/${total}`);
      else if (done % 10 === 0 || done === total) process.stderr.write(`engine eval, ${label}: ${done}/${total}\n`);
    },
    done(s: number) {
      if (tty) process.stderr.write(`\rengine eval, ${label}: ${done}/${total} in ${s.toFixed(1)} s\n`);
      else process.stderr.write(`engine eval, ${label}: done in ${s.toFixed(1)} s\n`);
    },
  };
}
