import type { LlmSettings } from "../config/index.js";
import { createCompletionClient, describeEngineFailure, type Complete } from "./llm/client.js";
import { summarizeWithEngine } from "./llm/engine.js";
import type { Logger } from "./log.js";
import type { Store } from "./store/types.js";
import { LENGTH_SENTENCES, summarize, type SummaryInput } from "./summarize/index.js";
import type { Digest, SummaryLength } from "./summarize/types.js";

/**
 * Which engine writes a chat's digest. The extractive summarizer always runs (it is instant, and
 * gives the title, source and keywords); when a language-model engine is configured and the chat
 * has not chosen the extractive one, the model's checked bullets replace its sentences — unless
 * the engine fails, answers with fewer than two grounded bullets, or the chat's daily token
 * budget is spent. Then the extractive digest goes out, so no chat is left unanswered.
 */
export type SummaryRequest = {
  chatKey: string;
  length?: SummaryLength;
  /** Exact number of bullets (daily digest items); overrides `length`. */
  sentences?: number;
};

export type SummarizeFor = (input: SummaryInput, request: SummaryRequest) => Promise<Digest>;

export type SummarizerDeps = {
  llm: LlmSettings | null;
  store: Pick<Store, "getSettings" | "engineUsage" | "addEngineUsage">;
  log: Logger;
  now?: () => number;
  /** The engine call; by default Chat Completions at `llm.baseUrl`. */
  complete?: Complete;
};

/** Bullets the engine must keep for its digest to be used (or all, when fewer are asked). */
const MIN_GROUNDED = 2;

export function createSummarizer(deps: SummarizerDeps): SummarizeFor {
  const { llm, store, log } = deps;
  const now = deps.now ?? Date.now;
  const complete = llm ? (deps.complete ?? createCompletionClient(llm)) : null;

  return async (input, request) => {
    const bullets = request.sentences ?? LENGTH_SENTENCES[request.length ?? "medium"];
    const base = summarize(input, request.sentences ? { sentences: request.sentences } : request.length ? { length: request.length } : {});
    if (!llm || !complete || base.bullets.length === 0) return base;
    const day = new Date(now()).toISOString().slice(0, 10);
    let language: string | null;
    try {
      const settings = await store.getSettings(request.chatKey);
      if (settings.engine === "extractive") return base;
      language = settings.language;
      const used = await store.engineUsage(request.chatKey, day);
      if (used >= llm.dailyTokensPerChat) {
        log.info(`engine: ${request.chatKey} used its ${llm.dailyTokensPerChat} tokens for today; extractive digest`);
        return base;
      }
    } catch (err) {
      // Without the settings and the budget, the engine cannot be chosen responsibly.
      log.warn(`engine: storage unavailable (${err instanceof Error ? err.message : String(err)}); extractive digest`);
      return base;
    }
    const result = await summarizeWithEngine(input, base, complete, {
      bullets,
      minKept: Math.min(MIN_GROUNDED, bullets),
      language,
      maxInputTokens: llm.maxInputTokens,
      maxOutputTokens: llm.maxOutputTokens,
    });
    const tokens = result.ok ? result.value.tokens : result.reason.kind === "ungrounded" ? result.reason.tokens : 0;
    if (tokens > 0) await store.addEngineUsage(request.chatKey, day, tokens).catch((err: unknown) => log.warn(`engine: could not record usage: ${err instanceof Error ? err.message : String(err)}`));
    if (!result.ok) {
      const why =
        result.reason.kind === "engine"
          ? describeEngineFailure(result.reason.failure)
          : `${result.reason.kept} grounded bullet${result.reason.kept === 1 ? "" : "s"} (${result.reason.dropped.map((d) => d.why).join("; ") || "none returned"})`;
      log.warn(`engine: ${why}; extractive digest instead`, { engine: "llm", outcome: result.reason.kind });
      return base;
    }
    for (const d of result.value.dropped) log.info(`engine: bullet dropped: ${d.why}`, { engine: "llm" });
    return result.value.digest;
  };
}
