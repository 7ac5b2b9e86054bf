import { fail, ok, type Result } from "../result.js";

/**
 * One Chat Completions call to an OpenAI-compatible server (OpenAI, Ollama, llama.cpp's server,
 * vLLM...), over plain `fetch`. The endpoint is the operator's own choice, so it is trusted: it does
 * not go through the article fetcher's address checks (a local model on 127.0.0.1 is the usual
 * case). Never streamed: Skim needs the whole answer to check it before anything reaches a chat.
 */
export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

export type Endpoint = { baseUrl: string; model: string; apiKey: string | null; timeoutMs: number };

export type Completion = { text: string; promptTokens: number; completionTokens: number };

export type EngineFailure =
  | { kind: "timeout" }
  | { kind: "rate-limited"; retryAfterS: number | null }
  | { kind: "http"; status: number; detail: string }
  | { kind: "network"; detail: string }
  | { kind: "malformed"; detail: string };

export type Complete = (messages: readonly ChatMessage[], maxTokens: number) => Promise<Result<Completion, EngineFailure>>;

/** An answer larger than this is not a three-line summary: refused rather than parsed. */
const MAX_RESPONSE_CHARS = 1_000_000;

/** Tokens, roughly, for budgets when the server does not report usage: about 4 characters each. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export function describeEngineFailure(f: EngineFailure): string {
  switch (f.kind) {
    case "timeout":
      return "no answer in time";
    case "rate-limited":
      return `rate limited${f.retryAfterS !== null ? ` (retry after ${f.retryAfterS} s)` : ""}`;
    case "http":
      return `HTTP ${f.status}${f.detail ? `: ${f.detail}` : ""}`;
    case "network":
      return `unreachable (${f.detail})`;
    case "malformed":
      return `malformed answer (${f.detail})`;
  }
}

export function createCompletionClient(endpoint: Endpoint, fetchImpl: typeof fetch = fetch): Complete {
  const url = `${endpoint.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  return async (messages, maxTokens) => {
    let response: Response;
    let body: string;
    try {
      response = await fetchImpl(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
        },
        // A low temperature: a digest should say what the article says, the same way each time.
        body: JSON.stringify({ model: endpoint.model, messages, max_tokens: maxTokens, temperature: 0.2, stream: false }),
        signal: AbortSignal.timeout(endpoint.timeoutMs),
      });
      body = await response.text();
    } catch (err) {
      if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return fail({ kind: "timeout" });
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      return fail({ kind: "network", detail: cause });
    }
    if (response.status === 429) {
      const retry = Number(response.headers.get("retry-after"));
      return fail({ kind: "rate-limited", retryAfterS: Number.isFinite(retry) && retry >= 0 ? retry : null });
    }
    if (!response.ok) return fail({ kind: "http", status: response.status, detail: errorMessage(body) });
    if (body.length > MAX_RESPONSE_CHARS) return fail({ kind: "malformed", detail: "answer too large" });
    return parseCompletion(body, messages);
  };
}

/** The `error.message` of an OpenAI-style error body, short; nothing when the body is something else. */
function errorMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    const message = isRecord(parsed) && isRecord(parsed["error"]) ? parsed["error"]["message"] : null;
    return typeof message === "string" ? message.slice(0, 200) : "";
  } catch {
    return "";
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseCompletion(body: string, sent: readonly ChatMessage[]): Result<Completion, EngineFailure> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return fail({ kind: "malformed", detail: "not JSON" });
  }
  const choices = isRecord(parsed) ? parsed["choices"] : null;
  const first = Array.isArray(choices) ? (choices[0] as unknown) : null;
  const message = isRecord(first) ? first["message"] : null;
  const content = isRecord(message) ? message["content"] : null;
  if (typeof content !== "string" || content.trim() === "") return fail({ kind: "malformed", detail: "no message content" });
  const usage = isRecord(parsed) && isRecord(parsed["usage"]) ? parsed["usage"] : {};
  const count = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.round(v) : fallback);
  return ok({
    text: content,
    promptTokens: count(usage["prompt_tokens"], estimateTokens(sent.map((m) => m.content).join("\n"))),
    completionTokens: count(usage["completion_tokens"], estimateTokens(content)),
  });
}
