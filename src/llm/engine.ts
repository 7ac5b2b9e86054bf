import { fail, ok, type Result } from "../result.js";
import { capBullet, type SummaryInput } from "../summarize/index.js";
import { baseLanguage, detectLanguage, languageFor } from "../summarize/language.js";
import { rankSentences } from "../summarize/score.js";
import { splitSentences } from "../summarize/segment.js";
import type { Digest } from "../summarize/types.js";
import { parseBullets } from "./bullets.js";
import { estimateTokens, type Complete, type EngineFailure } from "./client.js";
import { groundBullets, isInstruction, type Grounding } from "./ground.js";
import { buildPrompt } from "./prompt.js";

/**
 * A digest written by a language model and checked against the article. The model sees the
 * extracted text (never HTML), cut to the input budget by the extractive ranker, which keeps the
 * most central sentences in article order. Each bullet it returns is grounded (ground.ts); those
 * that fail are dropped, and with fewer than `minKept` left the caller falls back to the
 * extractive digest. `base` is that extractive digest: title, source and keywords come from it.
 */
export type EngineOptions = {
  bullets: number;
  minKept: number;
  /** Reply language (BCP 47); null: the article's. */
  language: string | null;
  maxInputTokens: number;
  maxOutputTokens: number;
};

export type EngineDigest = { digest: Digest; tokens: number; dropped: Extract<Grounding, { ok: false }>[] };

export type EngineRefusal =
  | { kind: "engine"; failure: EngineFailure }
  | { kind: "ungrounded"; tokens: number; kept: number; dropped: Extract<Grounding, { ok: false }>[] };

export async function summarizeWithEngine(input: SummaryInput, base: Digest, complete: Complete, options: EngineOptions): Promise<Result<EngineDigest, EngineRefusal>> {
  const lang = input.lang ? baseLanguage(input.lang) : detectLanguage(input.text);
  const language = languageFor(lang);
  // Sentences written to steer a model are not the article: they are neither sent nor grounds.
  const sentences = splitSentences(input.text, lang).filter((s) => !isInstruction(s));
  const text = withinBudget(sentences, input.title ?? null, lang, options.maxInputTokens);
  const messages = buildPrompt({ title: input.title ?? null, text, bullets: options.bullets, language: options.language });
  const answer = await complete(messages, options.maxOutputTokens);
  if (!answer.ok) return fail({ kind: "engine", failure: answer.reason });
  const tokens = answer.value.promptTokens + answer.value.completionTokens;

  const sameLanguage = options.language === null || baseLanguage(options.language) === lang || lang === "";
  const checked = groundBullets(parseBullets(answer.value.text).slice(0, options.bullets), sentences, { language, sameLanguage });
  const kept = checked.filter((c): c is Extract<Grounding, { ok: true }> => c.ok);
  const dropped = checked.filter((c): c is Extract<Grounding, { ok: false }> => !c.ok);
  if (kept.length < options.minKept) return fail({ kind: "ungrounded", tokens, kept: kept.length, dropped });
  return ok({
    digest: {
      ...base,
      lang: options.language ?? base.lang,
      bullets: kept.map((k) => capBullet(k.bullet)),
      sources: kept.map((k) => k.source),
      engine: "llm",
    },
    tokens,
    dropped,
  });
}

/** The article as sent: whole when it fits, else its most central sentences, in article order. */
function withinBudget(sentences: readonly string[], title: string | null, lang: string, maxTokens: number): string {
  const whole = sentences.join(" ");
  if (estimateTokens(whole) <= maxTokens) return whole;
  const order = rankSentences({ sentences, language: languageFor(lang), title });
  const keep: number[] = [];
  let used = 0;
  for (const i of order) {
    const cost = estimateTokens(sentences[i]!) + 1;
    if (used + cost > maxTokens) continue;
    keep.push(i);
    used += cost;
  }
  return keep
    .sort((a, b) => a - b)
    .map((i) => sentences[i]!)
    .join(" ");
}
