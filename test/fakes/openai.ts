import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A fake OpenAI-compatible Chat Completions server for tests: the `POST /v1/chat/completions` that
 * OpenAI, Ollama, llama.cpp's server and vLLM all expose (https://platform.openai.com/docs/api-reference/chat),
 * plus `GET /v1/models`. Point a client at `fake.baseUrl` and it POSTs to `${baseUrl}/chat/completions`.
 *
 * It listens on 127.0.0.1 only, records every request (`calls`, `waitFor`) and answers what the test
 * scripts with `reply`: a completion, an error the way OpenAI sends it (429 with retry-after, 5xx), a
 * body that is not what it should be (`raw`, `json`), a late answer (`delayMs`), or a dropped connection
 * (`hangUp`).
 *
 * What it checks like the real API does: the bearer key (when `apiKey` is set), the content type, that
 * the body is JSON, the request's shape (`model`, `messages` of system/user/assistant roles with string
 * content, `max_tokens`, `max_completion_tokens`, `temperature`, `stream`, no unknown parameters) and the
 * model (when `models` is set). It answers `stream: true` with a 400: Skim must never stream. A completion
 * longer than the request's `max_completion_tokens` / `max_tokens` is cut there with finish_reason "length".
 * Token counts are estimates: ceil(characters / 4).
 */

// ---------------------------------------------------------------------------------------------------
// Tunables

/** The model `GET /v1/models` lists when no `models` option is given (any model is accepted then). */
export const DEFAULT_MODEL = "fake-model";
/** What a completion says when no `reply` was scripted. */
export const DEFAULT_ANSWER = "- First point.\n- Second point.\n- Third point.";
/** How long `waitFor` waits unless told. */
export const DEFAULT_WAIT_MS = 2_000;
/** Roles the fake accepts in `messages` (the real API knows more; Skim sends only these). */
export const ROLES = ["system", "user", "assistant"] as const;

/** Request parameters the real Chat Completions API knows; any other one is refused as OpenAI does. */
const KNOWN_PARAMETERS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stream",
  "stream_options",
  "stop",
  "n",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "user",
  "response_format",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "service_tier",
  "store",
  "metadata",
  "reasoning_effort",
]);

// ---------------------------------------------------------------------------------------------------
// Types

export type Role = (typeof ROLES)[number];
export type ChatMessage = { role: Role; content: string; name?: string };

/** A request that passed validation. Other known parameters (top_p, seed...) stay in `RecordedCall.body`. */
export type ChatRequest = {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  stream?: boolean;
};

export type FinishReason = "stop" | "length" | "content_filter";

export type ChatCompletion = {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: "assistant"; content: string | null; refusal: null };
    logprobs: null;
    finish_reason: FinishReason;
  }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
};

export type OpenAIError = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 422 | 429 | 500 | 502 | 503 | 504;

/**
 * What the fake answers a valid completion request with:
 * - a string: a normal completion with that assistant content (finish_reason "stop");
 * - `{ content, finishReason }`: the same with another finish_reason;
 * - `{ status }`: an OpenAI error body with that status (429 sends `retry-after` when `retryAfter` is
 *   given, in seconds, written as given); `message` / `type` / `code` override the defaults;
 * - `{ raw }`: exactly this body (default status 200, content type application/json);
 * - `{ json }`: this value as JSON (default status 200), e.g. a completion with no choices;
 * - `{ delayMs, then }`: `then`, `delayMs` later (nothing if the client hung up or the fake closed first);
 * - `{ hangUp: true }`: destroy the connection without answering.
 */
export type Answer =
  | string
  | { content: string; finishReason?: FinishReason }
  | { status: ErrorStatus; retryAfter?: number; message?: string; type?: string; code?: string | null }
  | { raw: string; contentType?: string; status?: number }
  | { json: unknown; status?: number }
  | { delayMs: number; then: Answer }
  | { hangUp: true };

export type ReplyInfo = {
  /** 0, 1, 2... among the requests that reached the handler (valid completion requests). */
  index: number;
  call: RecordedCall;
};

export type ReplyHandler = (request: ChatRequest, info: ReplyInfo) => Answer | Promise<Answer>;

export type RecordedCall = {
  /** 0, 1, 2... in arrival order, across all paths. */
  seq: number;
  /** The HTTP method. */
  method: string;
  /** The URL path, e.g. "/v1/chat/completions". */
  path: string;
  /** Request headers, names lower-cased (repeated ones joined with ", "). */
  headers: Record<string, string>;
  rawBody: string;
  /** The parsed JSON body when it is an object, else `{}` (see `rawBody`). */
  body: Record<string, unknown>;
  /** The typed request, when it passed validation. */
  request?: ChatRequest;
  /** Date.now() when the request arrived. */
  at: number;
  /** The HTTP status, once answered (none while a delayed answer is pending, nor when dropped). */
  status?: number;
  /** What was sent: the JSON value, or the string of a `raw` answer. */
  response?: unknown;
  /** The connection was destroyed without an answer (`hangUp`). */
  dropped?: true;
  /** The client went away before the (delayed) answer was sent. */
  aborted?: true;
  /** The reply handler threw (or rejected) with this; the answer was a 500. */
  error?: string;
};

export type FakeOpenAIOptions = {
  /** Require `Authorization: Bearer <apiKey>` (401 otherwise). Default: any or no key is accepted. */
  apiKey?: string;
  /** The models that exist; any other one is a 404 model_not_found. Default: every model exists. */
  models?: readonly string[];
  /** The initial reply (see `FakeOpenAI.reply`). Default: DEFAULT_ANSWER. */
  reply?: ReplyHandler | Answer;
};

export type FakeOpenAI = {
  /** `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  /** Script the answers from now on: a handler called with each valid request, or one fixed answer. */
  reply(handler: ReplyHandler | Answer): void;
  /** Recorded requests in arrival order; with a path relative to /v1 (e.g. "/chat/completions"), only those. */
  calls(path?: string): RecordedCall[];
  /**
   * The first call (past or future) matching `predicate` (default: any); rejects after `timeoutMs` or
   * on close(). The predicate is tried when a request arrives and again when it is answered or dropped.
   */
  waitFor(predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Cancels delayed answers, rejects pending waitFor, closes every connection and the server. */
  close(): Promise<void>;
};

// ---------------------------------------------------------------------------------------------------
// Building answers

/** Estimated tokens of a text, as the fake counts them. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * A completion as the fake sends it for `request`, e.g. as the base of a `{ json }` answer:
 * `{ json: { ...chatCompletion(req, null), choices: [] } }`.
 */
export function chatCompletion(request: ChatRequest, content: string | null, finishReason: FinishReason = "stop"): ChatCompletion {
  const promptTokens = estimateTokens(request.messages.map((m) => m.content).join(""));
  const completionTokens = estimateTokens(content ?? "");
  return {
    id: `chatcmpl-${randomBytes(15).toString("base64url")}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

export function openAIError(message: string, type: string, code: string | null = null, param: string | null = null): OpenAIError {
  return { error: { message, type, param, code } };
}

const DEFAULT_ERRORS: Record<ErrorStatus, { message: string; type: string; code: string | null }> = {
  400: { message: "Bad request.", type: "invalid_request_error", code: null },
  401: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" },
  403: { message: "You are not allowed to sample from this model.", type: "invalid_request_error", code: null },
  404: { message: "The model does not exist or you do not have access to it.", type: "invalid_request_error", code: "model_not_found" },
  408: { message: "Request timed out.", type: "timeout", code: null },
  409: { message: "Conflict.", type: "invalid_request_error", code: null },
  413: { message: "Request too large.", type: "invalid_request_error", code: null },
  422: { message: "Unprocessable entity.", type: "invalid_request_error", code: null },
  429: {
    message: "Rate limit reached on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again later.",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  500: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", code: null },
  502: { message: "Bad gateway.", type: "server_error", code: null },
  503: { message: "The engine is currently overloaded, please try again later.", type: "server_error", code: null },
  504: { message: "Gateway timeout.", type: "server_error", code: null },
};

// ---------------------------------------------------------------------------------------------------
// Validation

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly body: OpenAIError,
  ) {
    super(body.error.message);
  }
}

const invalid = (message: string, code: string | null = null, param: string | null = null, status = 400) =>
  new Refusal(status, openAIError(message, "invalid_request_error", code, param));

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number" && Number.isInteger(value)) return "an integer";
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}

const wrongType = (param: string, expected: string, value: unknown) =>
  invalid(`Invalid type for '${param}': expected ${expected}, but got ${typeName(value)} instead.`, "invalid_type", param);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function validateMessage(value: unknown, index: number): ChatMessage {
  const at = `messages[${index}]`;
  if (!isRecord(value)) throw wrongType(at, "an object", value);
  for (const key of Object.keys(value)) {
    if (key !== "role" && key !== "content" && key !== "name") {
      throw invalid(`Additional properties are not allowed ('${key}' was unexpected) - '${at}'`, null, at);
    }
  }
  const { role, content, name } = value;
  if (role === undefined) throw invalid(`Missing required parameter: '${at}.role'.`, "missing_required_parameter", `${at}.role`);
  if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
    throw invalid(
      `Invalid value: '${typeof role === "string" ? role : JSON.stringify(role)}'. Supported values are: 'system', 'user' and 'assistant'.`,
      "invalid_value",
      `${at}.role`,
    );
  }
  if (content === undefined) throw invalid(`Missing required parameter: '${at}.content'.`, "missing_required_parameter", `${at}.content`);
  if (typeof content !== "string") throw wrongType(`${at}.content`, "a string", content);
  if (name !== undefined && typeof name !== "string") throw wrongType(`${at}.name`, "a string", name);
  const message: ChatMessage = { role: role as Role, content };
  if (name !== undefined) message.name = name;
  return message;
}

function validateTokens(body: Record<string, unknown>, param: "max_tokens" | "max_completion_tokens"): number | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw wrongType(param, "an integer", value);
  if (value < 1) {
    throw invalid(
      `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
      "integer_below_min_value",
      param,
    );
  }
  return value;
}

/** The request as the real API validates it, in its order; the model's existence is checked later. */
export function validateChatRequest(body: unknown): ChatRequest {
  if (!isRecord(body)) throw wrongType("body", "an object", body);
  for (const key of Object.keys(body)) {
    if (!KNOWN_PARAMETERS.has(key)) throw invalid(`Unrecognized request argument supplied: ${key}`);
  }
  const { model, messages, temperature, stream, n } = body;
  if (typeof model !== "string" || model === "") throw invalid("you must provide a model parameter");
  if (messages === undefined) throw invalid("Missing required parameter: 'messages'.", "missing_required_parameter", "messages");
  if (!Array.isArray(messages)) throw wrongType("messages", "an array", messages);
  if (messages.length === 0) {
    throw invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "empty_array",
      "messages",
    );
  }
  const request: ChatRequest = { model, messages: messages.map((m: unknown, i) => validateMessage(m, i)) };
  const maxTokens = validateTokens(body, "max_tokens");
  if (maxTokens !== undefined) request.max_tokens = maxTokens;
  const maxCompletionTokens = validateTokens(body, "max_completion_tokens");
  if (maxCompletionTokens !== undefined) request.max_completion_tokens = maxCompletionTokens;
  if (temperature !== undefined && temperature !== null) {
    if (typeof temperature !== "number" || !Number.isFinite(temperature)) throw wrongType("temperature", "a number", temperature);
    if (temperature < 0 || temperature > 2) {
      const below = temperature < 0;
      throw invalid(
        `Invalid 'temperature': decimal ${below ? "below minimum" : "above maximum"} value. Expected a value ${below ? ">= 0" : "<= 2"}, but got ${temperature} instead.`,
        below ? "decimal_below_min_value" : "decimal_above_max_value",
        "temperature",
      );
    }
    request.temperature = temperature;
  }
  if (stream !== undefined && stream !== null) {
    if (typeof stream !== "boolean") throw wrongType("stream", "a boolean", stream);
    request.stream = stream;
  }
  if (n !== undefined && n !== null && n !== 1) throw invalid("n other than 1 is not supported by this fake", "unsupported_value", "n");
  return request;
}

// ---------------------------------------------------------------------------------------------------
// The server

type Waiter = {
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
  /** Called by close(). */
  cancel: () => void;
};

const BASE_PATH = "/v1";
const COMPLETIONS_PATH = `${BASE_PATH}/chat/completions`;
const MODELS_PATH = `${BASE_PATH}/models`;

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const recorded: RecordedCall[] = [];
  const waiters = new Set<Waiter>();
  const delays = new Set<NodeJS.Timeout>();
  let handler: ReplyHandler = toHandler(options.reply ?? DEFAULT_ANSWER);
  let handled = 0;
  let closed = false;

  function notify(call: RecordedCall): void {
    for (const waiter of [...waiters]) if (waiter.predicate(call)) waiter.resolve(call);
  }

  function send(call: RecordedCall, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.writableEnded || res.destroyed) return;
    call.status = status;
    call.response = body;
    notify(call);
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  }

  function refuse(call: RecordedCall, res: ServerResponse, refusal: Refusal, headers: Record<string, string> = {}): void {
    send(call, res, refusal.status, refusal.body, headers);
  }

  /** Sends `answer`; a delayed one is cancelled if the client hangs up or the fake closes. */
  function deliver(call: RecordedCall, res: ServerResponse, request: ChatRequest, answer: Answer): void {
    if (closed || res.writableEnded || res.destroyed) return;
    if (typeof answer === "string" || "content" in answer) {
      const content = typeof answer === "string" ? answer : answer.content;
      const finish = typeof answer === "string" ? "stop" : (answer.finishReason ?? "stop");
      send(call, res, 200, completionFor(request, content, finish));
    } else if ("raw" in answer) {
      const status = answer.status ?? 200;
      call.status = status;
      call.response = answer.raw;
      notify(call);
      res.writeHead(status, { "content-type": answer.contentType ?? "application/json" }).end(answer.raw);
    } else if ("json" in answer) {
      send(call, res, answer.status ?? 200, answer.json);
    } else if ("hangUp" in answer) {
      call.dropped = true;
      notify(call);
      res.socket?.destroy();
    } else if ("delayMs" in answer) {
      const timer = setTimeout(() => {
        delays.delete(timer);
        res.off("close", onClose);
        deliver(call, res, request, answer.then);
      }, answer.delayMs);
      delays.add(timer);
      const onClose = () => {
        clearTimeout(timer);
        delays.delete(timer);
        if (!res.writableFinished && !closed) {
          call.aborted = true;
          notify(call);
        }
      };
      res.once("close", onClose);
    } else {
      const defaults = DEFAULT_ERRORS[answer.status];
      const headers: Record<string, string> = {};
      if (answer.retryAfter !== undefined) headers["retry-after"] = String(answer.retryAfter);
      const body = openAIError(answer.message ?? defaults.message, answer.type ?? defaults.type, answer.code === undefined ? defaults.code : answer.code);
      send(call, res, answer.status, body, headers);
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const method = req.method ?? "GET";
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch {
      return; // The client went away while sending.
    }
    let parsed: unknown;
    let parses = true;
    try {
      parsed = rawBody === "" ? undefined : JSON.parse(rawBody);
    } catch {
      parses = false;
    }
    const call: RecordedCall = {
      seq: recorded.length,
      method,
      path,
      headers: flattenHeaders(req),
      rawBody,
      body: isRecord(parsed) ? parsed : {},
      at: Date.now(),
    };
    recorded.push(call);
    notify(call);

    if (path !== COMPLETIONS_PATH && path !== MODELS_PATH) {
      refuse(call, res, invalid(`Invalid URL (${method} ${path})`, null, null, 404));
      return;
    }
    const expected = path === COMPLETIONS_PATH ? "POST" : "GET";
    if (method !== expected) {
      refuse(call, res, invalid(`Invalid URL (${method} ${path})`, null, null, 405), { allow: expected });
      return;
    }
    const unauthorized = checkKey(call.headers["authorization"]);
    if (unauthorized !== undefined) {
      refuse(call, res, unauthorized);
      return;
    }
    if (path === MODELS_PATH) {
      const data = (options.models ?? [DEFAULT_MODEL]).map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "skim-fake" }));
      send(call, res, 200, { object: "list", data });
      return;
    }
    const contentType = (call.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (contentType !== "application/json") {
      refuse(call, res, invalid(`Invalid Content-Type header (${call.headers["content-type"] ?? "none"}), expected application/json.`));
      return;
    }
    if (!parses || rawBody === "") {
      refuse(
        call,
        res,
        invalid(
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
            "The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        ),
      );
      return;
    }
    let request: ChatRequest;
    try {
      request = validateChatRequest(parsed);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      refuse(call, res, error);
      return;
    }
    call.request = request;
    if (options.models !== undefined && !options.models.includes(request.model)) {
      refuse(
        call,
        res,
        invalid(`The model \`${request.model}\` does not exist or you do not have access to it.`, "model_not_found", null, 404),
      );
      return;
    }
    if (request.stream === true) {
      refuse(call, res, invalid("streaming is not supported by this fake", "unsupported_value", "stream"));
      return;
    }
    let answer: Answer;
    try {
      answer = await handler(request, { index: handled++, call });
    } catch (error) {
      call.error = error instanceof Error ? error.message : String(error);
      send(call, res, 500, openAIError(`fake OpenAI reply handler failed: ${call.error}`, "server_error"));
      return;
    }
    deliver(call, res, request, answer);
  }

  function checkKey(authorization: string | undefined): Refusal | undefined {
    if (options.apiKey === undefined) return undefined;
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
    const given = match?.[1]?.trim();
    if (given === undefined || given === "") {
      return invalid(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        "invalid_api_key",
        null,
        401,
      );
    }
    if (given !== options.apiKey) {
      return invalid(`Incorrect API key provided: ${maskKey(given)}.`, "invalid_api_key", null, 401);
    }
    return undefined;
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`fake OpenAI failed: ${String(error)}`);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}${BASE_PATH}`,
    reply(next) {
      handler = toHandler(next);
    },
    calls(path?: string): RecordedCall[] {
      return recorded.filter((c) => path === undefined || c.path === `${BASE_PATH}${path}`);
    },
    waitFor(predicate = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedCall> {
      const seen = recorded.find((c) => predicate(c));
      if (seen !== undefined) return Promise.resolve(seen);
      if (closed) return Promise.reject(new Error("waitFor: the fake OpenAI is closed"));
      return new Promise((resolve, reject) => {
        const settle = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        const waiter: Waiter = {
          predicate,
          resolve: (call) => {
            settle();
            resolve(call);
          },
          cancel: () => {
            settle();
            reject(new Error(`waitFor: the fake OpenAI was closed; calls seen:\n${describeCalls(recorded)}`));
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`waitFor timed out after ${timeoutMs} ms; calls seen:\n${describeCalls(recorded)}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      for (const waiter of [...waiters]) waiter.cancel();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Helpers

function toHandler(reply: ReplyHandler | Answer): ReplyHandler {
  return typeof reply === "function" ? reply : () => reply;
}

/** A completion of `content`, cut at the request's token limit as a real server does. */
function completionFor(request: ChatRequest, content: string, finish: FinishReason): ChatCompletion {
  const limit = request.max_completion_tokens ?? request.max_tokens;
  if (limit !== undefined && estimateTokens(content) > limit) return chatCompletion(request, content.slice(0, limit * 4), "length");
  return chatCompletion(request, content, finish);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** As OpenAI shows a wrong key: its start and end only. */
function maskKey(key: string): string {
  return key.length <= 8 ? "*".repeat(key.length) : `${key.slice(0, 3)}${"*".repeat(key.length - 7)}${key.slice(-4)}`;
}

function describeCalls(calls: readonly RecordedCall[]): string {
  if (calls.length === 0) return "  (none)";
  return calls
    .map((c) => {
      const outcome = c.dropped ? "dropped" : c.aborted ? "aborted" : c.status === undefined ? "pending" : String(c.status);
      const body = c.rawBody.length > 160 ? `${c.rawBody.slice(0, 157)}...` : c.rawBody;
      return `  #${c.seq} ${c.method} ${c.path} ${body} -> ${outcome}`;
    })
    .join("\n");
}
