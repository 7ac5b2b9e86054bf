import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai.js";
import { startArticleServer } from "../support/articles.js";
import { runSkim, startSkim, type RunningSkim } from "../support/runSkim.js";

/**
 * `skim run` with SKIM_LLM_BASE_URL pointing at a fake OpenAI-compatible server: the engine writes
 * the digest by default, its bullets checked against the article; the chat can switch engines and
 * languages; a broken engine never leaves the chat without an answer.
 */
let pages: Awaited<ReturnType<typeof startArticleServer>>;
let fake: FakeOpenAI;
let skim: RunningSkim;

async function say(line: string, expected: RegExp, ms = 10_000): Promise<string> {
  const from = skim.stdout().length;
  skim.write(`${line}\n`);
  const deadline = Date.now() + ms;
  for (;;) {
    const out = skim.stdout().slice(from);
    if (expected.test(out)) return out;
    if (Date.now() > deadline) throw new Error(`no ${expected} after "${line}": ${out}\nstderr: ${skim.stderr()}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

beforeAll(async () => {
  pages = await startArticleServer();
  fake = await startFakeOpenAI({ apiKey: "sk-e2e-secret-key" });
  skim = startSkim(
    {
      SKIM_ADAPTERS: "console",
      SKIM_ALLOW_PRIVATE_HOSTS: "true",
      SKIM_LLM_BASE_URL: fake.baseUrl,
      SKIM_LLM_MODEL: "fake-model",
      SKIM_LLM_API_KEY: "sk-e2e-secret-key",
      SKIM_LLM_TIMEOUT_MS: "1000",
      SKIM_LOG_FORMAT: "json",
    },
    [],
    { stdin: true },
  );
});
afterAll(async () => {
  expect(await skim.stop()).toBe(0);
  await fake.close();
  await pages.close();
});

describe("the language-model engine in a chat", () => {
  it("writes the digest by default, without the bullet that the article does not back", async () => {
    fake.reply(
      "Summary:\n1. Councillors approved the budget on Tuesday after debating school funding.\n2. The budget cuts road repairs by a fifth, saving 40 million dollars.\n3. Spending on schools goes up by five percent.",
    );
    const out = await say(`${pages.base}/story/engine`, /Story \/story\/engine[\s\S]*five percent/);
    expect(out).toContain("• Councillors approved the budget on Tuesday after debating school funding.");
    expect(out).not.toContain("40 million");
    const sent = fake.calls("/chat/completions").at(-1)!;
    expect(sent.request?.stream).toBe(false);
    expect(sent.request!.messages[1]!.content).toContain("<article>\nThe city council approved the budget");
    expect(skim.stderr()).toContain("number not in the article: 40");
    expect(skim.stderr()).not.toContain("sk-e2e-secret-key");
  });

  it("answers with the extractive digest when the engine times out", async () => {
    fake.reply({ delayMs: 3_000, then: "- too late" });
    const out = await say(`${pages.base}/story/slow`, /Story \/story\/slow/, 8_000);
    expect(out).toContain("• The city council approved the budget on Tuesday after a long debate about school funding.");
    expect(skim.stderr()).toMatch(/engine: no answer in time; extractive digest instead/);
  });

  it("switches per chat: /engine extractive stops calling the model; /language needs the llm engine", async () => {
    const before = fake.calls("/chat/completions").length;
    expect(await say("/engine extractive", /engine: extractive/)).not.toContain("reply language");
    expect(await say("/language de", /\/language auto is the only choice/)).toBeTruthy();
    await say(`${pages.base}/story/plain`, /Story \/story\/plain/);
    expect(fake.calls("/chat/completions")).toHaveLength(before);
    expect(await say("/engine llm", /engine: llm/)).toContain("reply language: auto");
    expect(await say("/language pt-br", /reply language: pt-BR/)).toBeTruthy();
    fake.reply("- A câmara aprovou o orçamento na terça-feira.\n- As escolas recebem mais cinco por cento.");
    await say(`${pages.base}/story/portuguese`, /Story \/story\/portuguese[\s\S]*câmara/);
    expect(fake.calls("/chat/completions").at(-1)!.request!.messages[0]!.content).toContain("Write in Brazilian Portuguese");
    expect(await say("/language auto", /reply language: auto/)).toBeTruthy();
  });
});

describe("without an engine", () => {
  it("/engine llm says none is configured; /settings shows the extractive engine", async () => {
    const r = await runSkim(["run"], { input: "/engine llm\n/settings\n" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No language-model engine is configured/);
    expect(r.stdout).toMatch(/engine: extractive/);
  });
});
