import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram.js";
import { startArticleServer } from "../support/articles.js";
import { startSkim, type RunningSkim } from "../support/runSkim.js";

let pages: Awaited<ReturnType<typeof startArticleServer>>;
let fake: FakeTelegram;
let skim: RunningSkim;
let ops = "";

beforeAll(async () => {
  pages = await startArticleServer();
  fake = await startFakeTelegram();
  skim = startSkim({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, SKIM_ALLOW_PRIVATE_HOSTS: "true", PORT: "0", SKIM_HTTP_HOST: "127.0.0.1", SKIM_LOG_LEVEL: "info" });
  const deadline = Date.now() + 15_000;
  while (!/listening on (http:\/\/\S+)/.test(skim.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  ops = /listening on (http:\/\/\S+)/.exec(skim.stderr())?.[1] ?? "";
  await fake.waitFor("getUpdates", undefined, 10_000);
});
afterAll(async () => {
  expect(await skim.stop()).toBe(0);
  await fake.close();
  await pages.close();
});

describe("the operator's HTTP endpoints (PORT set)", () => {
  it("answers /healthz and /readyz", async () => {
    expect(ops).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${ops}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok\n");
    const ready = await fetch(`${ops}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: true, adapters: true } });
    expect((await fetch(`${ops}/nothing`)).status).toBe(404);
  });

  it("exposes skim_ metrics in Prometheus format, counting what happened", async () => {
    const id = 812_001;
    const from = { id, is_bot: false as const, first_name: "Metrics" };
    fake.pushUpdate(fake.message({ chat: { id, type: "private", first_name: "Metrics" }, from, text: `${pages.base}/story/metrics` }));
    await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Story /story/metrics"), 10_000);
    const res = await fetch(`${ops}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const body = await res.text();
    expect(body).toMatch(/^skim_requests_total\{platform="telegram",outcome="digest"\} 1$/m);
    expect(body).toMatch(/^skim_fetch_seconds_count\{result="ok"\} 1$/m);
    expect(body).toMatch(/^skim_summarize_seconds_count 1$/m);
    expect(body).toMatch(/^skim_cache_lookups_total\{result="miss"\} 1$/m);
    expect(body).toMatch(/^skim_queue_depth\{platform="telegram"\} 0$/m);
    expect(body).toMatch(/^skim_digests_total\{result="sent"\} 0$/m);
    for (const line of body.split("\n")) if (line && !line.startsWith("#")) expect(line).toMatch(/^skim_/);
  });
});
