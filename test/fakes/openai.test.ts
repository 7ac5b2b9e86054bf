import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_ANSWER,
  DEFAULT_MODEL,
  chatCompletion,
  startFakeOpenAI,
  type ChatRequest,
  type FakeOpenAI,
  type FakeOpenAIOptions,
} from "./openai.js";

// Fakes started by a test are closed after it.
const fakes: FakeOpenAI[] = [];

afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

async function fakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const fake = await startFakeOpenAI(options);
  fakes.push(fake);
  return fake;
}

type Json = Record<string, unknown>;

const MESSAGES = [
  { role: "system", content: "Summarize the article in three bullets." },
  { role: "user", content: "A long article about tides, moons and the sea." },
];

function request(extra: Json = {}): Json {
  return { model: DEFAULT_MODEL, messages: MESSAGES, max_tokens: 400, temperature: 0.2, ...extra };
}

/** POST to `<baseUrl>/chat/completions` as any OpenAI client does. */
async function complete(
  fake: FakeOpenAI,
  body: Json | string = request(),
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<{ status: number; headers: Headers; text: string; json: Json | undefined }> {
  const res = await fetch(`${fake.baseUrl}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  const text = await res.text();
  let json: Json | undefined;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

describe("the fake OpenAI Chat Completions server", () => {
  it("answers a valid request with a normal completion and records the call", async () => {
    const fake = await fakeOpenAI();
    expect(fake.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const { status, headers, json } = await complete(fake, request(), { headers: { authorization: "Bearer anything" } });
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("application/json");
    const promptChars = MESSAGES.map((m) => m.content).join("").length;
    const promptTokens = Math.ceil(promptChars / 4);
    const completionTokens = Math.ceil(DEFAULT_ANSWER.length / 4);
    expect(json).toEqual({
      id: expect.stringMatching(/^chatcmpl-/) as unknown,
      object: "chat.completion",
      created: expect.any(Number) as unknown,
      model: DEFAULT_MODEL,
      choices: [{ index: 0, message: { role: "assistant", content: DEFAULT_ANSWER, refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
    expect(Math.abs((json?.["created"] as number) - Date.now() / 1000)).toBeLessThan(5);

    const calls = fake.calls();
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call).toMatchObject({ seq: 0, method: "POST", path: "/v1/chat/completions", status: 200, body: request() });
    expect(call?.headers["authorization"]).toBe("Bearer anything");
    expect(call?.request?.messages).toEqual(MESSAGES);
    expect(call?.body["stream"]).toBeUndefined();
    expect(call?.response).toEqual(json);
    expect(Math.abs((call?.at ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(fake.calls("/chat/completions")).toHaveLength(1);
    expect(fake.calls("/models")).toHaveLength(0);
  });

  it("answers what the reply handler makes of the request, and cuts answers at max_tokens", async () => {
    const fake = await fakeOpenAI();
    const seen: ChatRequest[] = [];
    fake.reply((req, { index }) => {
      seen.push(req);
      const article = req.messages.find((m) => m.role === "user")?.content ?? "";
      return index === 0 ? `- About: ${article}` : { content: "Filtered.", finishReason: "content_filter" };
    });
    const first = await complete(fake);
    expect(first.json).toMatchObject({ choices: [{ message: { content: `- About: ${MESSAGES[1]?.content}` }, finish_reason: "stop" }] });
    const second = await complete(fake);
    expect(second.json).toMatchObject({ choices: [{ message: { content: "Filtered." }, finish_reason: "content_filter" }] });
    expect(seen.map((r) => r.max_tokens)).toEqual([400, 400]);

    fake.reply("x".repeat(100));
    const cut = await complete(fake, request({ max_tokens: undefined, max_completion_tokens: 5 }));
    expect(cut.json).toMatchObject({
      choices: [{ message: { content: "x".repeat(20) }, finish_reason: "length" }],
      usage: { completion_tokens: 5 },
    });
  });

  it("refuses a missing or wrong API key with OpenAI's 401 and accepts the right one", async () => {
    const fake = await fakeOpenAI({ apiKey: "sk-test-0123456789abcdef" });
    const none = await complete(fake);
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_api_key", message: expect.stringContaining("didn't provide") as unknown } });
    const wrong = await complete(fake, request(), { headers: { authorization: "Bearer sk-wrong-key-000000" } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({
      error: { message: expect.stringContaining("Incorrect API key provided: sk-") as unknown, type: "invalid_request_error", param: null, code: "invalid_api_key" },
    });
    expect(wrong.text).not.toContain("sk-wrong-key-000000");
    const right = await complete(fake, request(), { headers: { authorization: "Bearer sk-test-0123456789abcdef" } });
    expect(right.status).toBe(200);
    expect(fake.calls().map((c) => [c.status, c.request === undefined])).toEqual([
      [401, true],
      [401, true],
      [200, false],
    ]);
  });

  it("knows its models: 404 model_not_found for others, and lists them at GET /models", async () => {
    const fake = await fakeOpenAI({ models: ["llama3.2:3b", "qwen2.5:7b"] });
    const unknown = await complete(fake, request({ model: "gpt-9" }));
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({
      error: { message: expect.stringMatching(/^The model `gpt-9` does not exist/) as unknown, type: "invalid_request_error", code: "model_not_found" },
    });
    expect((await complete(fake, request({ model: "qwen2.5:7b" }))).json).toMatchObject({ model: "qwen2.5:7b" });
    const models = await fetch(`${fake.baseUrl}/models`);
    expect(await models.json()).toMatchObject({ object: "list", data: [{ id: "llama3.2:3b", object: "model" }, { id: "qwen2.5:7b" }] });
  });

  it("answers 429 with retry-after and OpenAI's rate-limit body, and 5xx with server errors", async () => {
    const fake = await fakeOpenAI();
    fake.reply({ status: 429, retryAfter: 7 });
    const limited = await complete(fake);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.json).toMatchObject({ error: { type: "requests", code: "rate_limit_exceeded", param: null, message: expect.any(String) as unknown } });

    const outcomes: [number, unknown][] = [];
    for (const status of [500, 502, 503] as const) {
      fake.reply({ status });
      const res = await complete(fake);
      outcomes.push([res.status, (res.json?.["error"] as Json | undefined)?.["type"]]);
      expect(res.headers.get("retry-after")).toBeNull();
    }
    expect(outcomes).toEqual([
      [500, "server_error"],
      [502, "server_error"],
      [503, "server_error"],
    ]);
  });

  it("sends raw bodies as given: malformed JSON, or a proxy's HTML page", async () => {
    const fake = await fakeOpenAI();
    fake.reply({ raw: '{"id":"chatcmpl-1","choices":[{"message":' });
    const broken = await complete(fake);
    expect([broken.status, broken.headers.get("content-type"), broken.text, broken.json]).toEqual([
      200,
      "application/json",
      '{"id":"chatcmpl-1","choices":[{"message":',
      undefined,
    ]);
    fake.reply({ raw: "<html><body><h1>502 Bad Gateway</h1></body></html>", contentType: "text/html", status: 502 });
    const page = await complete(fake);
    expect([page.status, page.headers.get("content-type")]).toEqual([502, "text/html"]);
    expect(page.text).toContain("<h1>502 Bad Gateway</h1>");
    expect(fake.calls().map((c) => c.status)).toEqual([200, 502]);
  });

  it("sends arbitrary JSON: a completion with no choices, or with null content", async () => {
    const fake = await fakeOpenAI();
    fake.reply((req) => ({ json: { ...chatCompletion(req, "unused"), choices: [] } }));
    expect((await complete(fake)).json).toMatchObject({ object: "chat.completion", choices: [] });
    fake.reply((req) => ({ json: chatCompletion(req, null) }));
    expect((await complete(fake)).json).toMatchObject({ choices: [{ message: { role: "assistant", content: null } }] });
  });

  it("answers late after delayMs, and stays healthy when the client gives up first", async () => {
    const fake = await fakeOpenAI();
    fake.reply({ delayMs: 150, then: "late but fine" });
    const started = Date.now();
    const late = await complete(fake);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(late.json).toMatchObject({ choices: [{ message: { content: "late but fine" } }] });

    fake.reply({ delayMs: 400, then: "too late" });
    const timedOut = await complete(fake, request(), { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(Error);
    expect((timedOut as Error).name).toBe("TimeoutError");
    const aborted = await fake.waitFor((c) => c.aborted === true);
    expect(aborted.seq).toBe(1);
    expect(aborted.status).toBeUndefined();

    fake.reply("healthy");
    expect((await complete(fake)).json).toMatchObject({ choices: [{ message: { content: "healthy" } }] });
    // The abandoned answer's time passes without it being sent anywhere.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(fake.calls().map((c) => c.status)).toEqual([200, undefined, 200]);
  });

  it("closes promptly with a delayed answer pending; the client sees the connection end", async () => {
    const fake = await startFakeOpenAI({ reply: { delayMs: 60_000, then: "never" } });
    const pending = complete(fake).catch((e: unknown) => e);
    await fake.waitFor();
    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
    await fake.close(); // twice is fine
  });

  it("hangs up when told: the client sees a network error", async () => {
    const fake = await fakeOpenAI({ reply: { hangUp: true } });
    const error = await complete(fake).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError); // fetch failed
    expect(fake.calls()[0]).toMatchObject({ dropped: true });
    expect(fake.calls()[0]?.status).toBeUndefined();
  });

  it("refuses stream: true (Skim must never stream)", async () => {
    const fake = await fakeOpenAI();
    let asked = 0;
    fake.reply(() => {
      asked++;
      return "unused";
    });
    const res = await complete(fake, request({ stream: true }));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { message: "streaming is not supported by this fake", type: "invalid_request_error", param: "stream" } });
    expect(asked).toBe(0);
    expect((await complete(fake, request({ stream: false }))).status).toBe(200);
    expect(fake.calls().map((c) => c.body["stream"])).toEqual([true, false]);
  });

  it("validates requests like the real API", async () => {
    const fake = await fakeOpenAI();
    const malformed = await complete(fake, '{"model": "fake-model", "messages": [');
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ error: { type: "invalid_request_error", message: expect.stringContaining("could not parse the JSON body") as unknown } });
    expect(fake.calls()[0]).toMatchObject({ rawBody: '{"model": "fake-model", "messages": [', body: {}, status: 400 });

    const cases: [Json | string, Record<string, string> | undefined, number, string][] = [
      [request({ model: undefined }), undefined, 400, "you must provide a model parameter"],
      [request({ messages: undefined }), undefined, 400, "Missing required parameter: 'messages'."],
      [request({ messages: [] }), undefined, 400, "Invalid 'messages': empty array"],
      [request({ messages: [{ role: "tool", content: "x" }] }), undefined, 400, "Invalid value: 'tool'"],
      [request({ messages: [{ role: "user", content: [{ type: "text", text: "x" }] }] }), undefined, 400, "'messages[0].content': expected a string, but got an array"],
      [request({ messages: [{ role: "user" }] }), undefined, 400, "Missing required parameter: 'messages[0].content'."],
      [request({ max_tokens: 0 }), undefined, 400, "Invalid 'max_tokens': integer below minimum value"],
      [request({ max_tokens: "400" }), undefined, 400, "'max_tokens': expected an integer, but got a string"],
      [request({ temperature: 3 }), undefined, 400, "Invalid 'temperature': decimal above maximum value"],
      [request({ stream: "no" }), undefined, 400, "'stream': expected a boolean"],
      [request({ maxTokens: 400 }), undefined, 400, "Unrecognized request argument supplied: maxTokens"],
      ["[1, 2]", undefined, 400, "'body': expected an object, but got an array"],
      [request(), { "content-type": "text/plain" }, 400, "Invalid Content-Type header (text/plain)"],
    ];
    const outcomes: [number, string][] = [];
    for (const [body, headers] of cases) {
      const res = await complete(fake, body, headers === undefined ? {} : { headers });
      outcomes.push([res.status, String((res.json?.["error"] as Json | undefined)?.["message"])]);
    }
    cases.forEach(([, , status, message], i) => {
      expect(outcomes[i]?.[0], message).toBe(status);
      expect(outcomes[i]?.[1]).toContain(message);
    });
    expect((await complete(fake, request({ top_p: 0.9, seed: 1, max_completion_tokens: 300 }))).status).toBe(200);
    expect((await complete(fake, request(), { headers: { "content-type": "application/json; charset=utf-8" } })).status).toBe(200);

    const get = await fetch(`${fake.baseUrl}/chat/completions`);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    const nowhere = await fetch(`${fake.baseUrl}/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toMatchObject({ error: { message: "Invalid URL (POST /v1/completions)" } });
  });

  it("waitFor finds past and future calls, times out, and is rejected by close()", async () => {
    const fake = await startFakeOpenAI();
    const future = fake.waitFor((c) => c.request?.messages.some((m) => m.content === "second") === true && c.status === 200);
    await complete(fake, request({ messages: [{ role: "user", content: "first" }] }));
    await complete(fake, request({ messages: [{ role: "user", content: "second" }] }));
    expect((await future).seq).toBe(1);
    expect((await fake.waitFor((c) => c.seq === 0)).request?.messages[0]?.content).toBe("first");
    await expect(fake.waitFor((c) => c.seq === 5, 50)).rejects.toThrow(/timed out after 50 ms; calls seen:\n {2}#0 POST/);
    const pending = fake.waitFor((c) => c.seq === 9);
    await fake.close();
    await expect(pending).rejects.toThrow(/closed/);
  });

  it("answers 500 and records the error when the reply handler throws", async () => {
    const fake = await fakeOpenAI({
      reply: async () => {
        await Promise.resolve();
        throw new Error("script bug");
      },
    });
    const res = await complete(fake);
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ error: { type: "server_error", message: expect.stringContaining("script bug") as unknown } });
    expect(fake.calls()[0]?.error).toBe("script bug");
  });
});
