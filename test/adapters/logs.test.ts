import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram.js";
import { startArticleServer } from "../support/articles.js";
import { startSkim, type RunningSkim } from "../support/runSkim.js";

/**
 * The bot's logs as an operator's collector reads them: one JSON object per stderr line, a request
 * id shared by every line written for one message, and neither the token nor what people wrote.
 */
type Line = { level: string; msg: string; req?: string; platform?: string; outcome?: string; time: string; pid: number };

let pages: Awaited<ReturnType<typeof startArticleServer>>;
let fake: FakeTelegram;
let skim: RunningSkim;

beforeAll(async () => {
  pages = await startArticleServer();
  fake = await startFakeTelegram();
  skim = startSkim({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, SKIM_ALLOW_PRIVATE_HOSTS: "true" });
  await fake.waitFor("getUpdates", undefined, 10_000);
});
afterAll(async () => {
  expect(await skim.stop()).toBe(0);
  await fake.close();
  await pages.close();
});

const lines = (): Line[] =>
  skim
    .stderr()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Line);

describe("structured logs", () => {
  it("are JSON lines with a request id per message, and no token or message text", async () => {
    const secretWords = "my neighbour's door code is 4711";
    for (const [i, path] of ["/story/logged", "/missing-page"].entries()) {
      const id = 810_000 + i;
      fake.pushUpdate(fake.message({ chat: { id, type: "private", first_name: "Log" }, from: { id, is_bot: false, first_name: "Log" }, text: `${secretWords} ${pages.base}${path}` }));
    }
    await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("HTTP 404"), 10_000);
    await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Story /story/logged"), 10_000);
    await new Promise((r) => setTimeout(r, 200));

    const all = lines(); // throws unless every line is JSON
    expect(all.every((l) => typeof l.time === "string" && typeof l.level === "string" && l.pid > 0)).toBe(true);
    const handled = all.filter((l) => l.msg === "message handled");
    expect(handled).toHaveLength(2);
    expect(handled.every((l) => l.platform === "telegram" && /^[0-9a-f]{12}$/.test(l.req ?? ""))).toBe(true);
    expect(new Set(handled.map((l) => l.req)).size).toBe(2);
    // The failed fetch was logged deep in the reader, under the id of the message that asked.
    const failed = all.find((l) => l.msg.includes("/missing-page"));
    expect(failed?.req).toBeDefined();
    expect(handled.find((l) => l.outcome === "failure")?.req).toBe(failed?.req);

    const raw = skim.stderr();
    expect(raw).not.toContain(fake.token);
    expect(raw).not.toContain(fake.token.split(":")[1]);
    expect(raw).not.toContain("door code");
  });
});
