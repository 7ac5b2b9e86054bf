import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/freePort.js";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram.js";
import { startArticleServer } from "../support/articles.js";
import { startSkim, type RunningSkim } from "../support/runSkim.js";


let pages: Awaited<ReturnType<typeof startArticleServer>>;
let fake: FakeTelegram;
let skim: RunningSkim;
let hook = "";
const SECRET = "test-secret_123";

beforeAll(async () => {
  pages = await startArticleServer();
  fake = await startFakeTelegram();
  const port = await freePort();
  hook = `http://127.0.0.1:${port}/telegram/hook`;
  skim = startSkim({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_URL: hook,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PORT: String(port),
    SKIM_HTTP_HOST: "127.0.0.1",
    SKIM_ALLOW_PRIVATE_HOSTS: "true",
  });
  await fake.waitFor("setWebhook", undefined, 15_000);
});
afterAll(async () => {
  expect(await skim.stop()).toBe(0);
  await fake.close();
  await pages.close();
});

const post = (update: unknown, secret = SECRET) =>
  fetch(hook, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret }, body: JSON.stringify(update) });

describe("Telegram webhook mode", () => {
  it("registers the webhook with its secret instead of polling", () => {
    const call = fake.calls("setWebhook")[0]!;
    expect(call.params["url"]).toBe(hook);
    expect(call.params["secret_token"]).toBe(SECRET);
    expect(fake.calls("getUpdates")).toHaveLength(0);
  });

  it("answers an update posted to the webhook, and a retried delivery only once", async () => {
    const id = 830_001;
    const update = fake.message({ chat: { id, type: "private", first_name: "Hook" }, from: { id, is_bot: false, first_name: "Hook" }, text: `${pages.base}/story/hook` });
    const withId = { ...update, update_id: 777_001 };
    expect((await post(withId)).status).toBe(200);
    expect((await post(withId)).status).toBe(200); // Telegram retrying
    await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Story /story/hook"), 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.calls("sendMessage").filter((c) => String(c.params["text"]).includes("Story /story/hook"))).toHaveLength(1);
  });

  it("refuses deliveries without the secret, and bodies that are not updates", async () => {
    expect((await post({ update_id: 1 }, "wrong")).status).toBe(401);
    const bad = await fetch(hook, { method: "POST", headers: { "x-telegram-bot-api-secret-token": SECRET }, body: "not json" });
    expect(bad.status).toBe(400);
  });
});
