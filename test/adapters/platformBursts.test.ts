import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDiscord } from "../fakes/discord.js";
import { startFakeTelegram } from "../fakes/telegram.js";
import { startArticleServer } from "../support/articles.js";
import { startSkim } from "../support/runSkim.js";

/**
 * The platform answers 5xx and 429 in bursts while many replies go out: each is retried with
 * backoff, none is dropped, none is sent twice.
 */
let pages: Awaited<ReturnType<typeof startArticleServer>>;
beforeAll(async () => {
  pages = await startArticleServer();
});
afterAll(() => pages.close());

async function until(what: string, test: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("platform errors in bursts", () => {
  it("Telegram: 20 replies through 429s and 5xx answers arrive once each", async () => {
    const fake = await startFakeTelegram();
    const skim = startSkim({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, SKIM_ALLOW_PRIVATE_HOSTS: "true" });
    try {
      await fake.waitFor("getUpdates", undefined, 10_000);
      fake.failNext("sendMessage", { error_code: 429, retry_after: 1, times: 4 });
      fake.failNext("sendMessage", { error_code: 502, html: true, times: 3 });
      fake.failNext("sendMessage", { error_code: 500, times: 2 });
      fake.failNext("sendMessage", { error_code: 429, retry_after: 1, times: 3 });
      const chats = Array.from({ length: 20 }, (_, i) => 840_000 + i);
      for (const id of chats) {
        fake.pushUpdate(fake.message({ chat: { id, type: "private", first_name: "Burst" }, from: { id, is_bot: false, first_name: "Burst" }, text: `${pages.base}/story/burst${id}` }));
      }
      const delivered = () => fake.calls("sendMessage").filter((c) => c.response && (c.response as { ok?: boolean }).ok === true);
      await until("20 replies", () => delivered().length >= 20, 30_000);
      await new Promise((r) => setTimeout(r, 500));
      const perChat = new Map<number, number>();
      for (const c of delivered()) perChat.set(Number(c.params["chat_id"]), (perChat.get(Number(c.params["chat_id"])) ?? 0) + 1);
      expect([...perChat.keys()].sort()).toEqual(chats);
      expect([...perChat.values()].every((n) => n === 1)).toBe(true);
      expect(fake.calls("sendMessage").length).toBe(20 + 12); // every refusal was retried
    } finally {
      expect(await skim.stop()).toBe(0);
      await fake.close();
    }
  }, 45_000);

  it("Discord: replies through 429s and 5xx answers arrive once each", async () => {
    const fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000 });
    const skim = startSkim({ DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_BASE: fake.apiBase, SKIM_ALLOW_PRIVATE_HOSTS: "true" });
    try {
      await fake.waitFor("PUT", /^\/applications\/\d+\/commands$/, undefined, 15_000);
      fake.failNext(/\/messages\/@original$/, { status: 429, retry_after: 0.3, retryAfterHeader: "exact", times: 3 });
      fake.failNext(/\/messages\/@original$/, { status: 500, times: 2 });
      fake.failNext(/\/messages\/@original$/, { status: 502, times: 1 });
      const stories = Array.from({ length: 8 }, (_, i) => `burst${i}`);
      // A reader each: one reader's eight requests would meet the rate limit instead.
      for (const [i, s] of stories.entries()) fake.interactionCreate({ kind: "slash", user: { id: `12884951907639${String(i).padStart(5, "0")}`, username: `reader${i}` }, options: { url: `${pages.base}/story/${s}` } });
      const edits = () => fake.calls(/\/messages\/@original$/, "PATCH").filter((c) => c.status === 200);
      await until("8 edited replies", () => edits().length >= 8, 30_000);
      await new Promise((r) => setTimeout(r, 500));
      for (const s of stories) {
        expect(edits().filter((c) => ((c.body as { content?: string }).content ?? "").includes(`Story /story/${s}`))).toHaveLength(1);
      }
      expect(fake.calls(/\/messages\/@original$/, "PATCH").length).toBe(8 + 6);
    } finally {
      expect(await skim.stop()).toBe(0);
      await fake.close();
    }
  }, 45_000);
});
