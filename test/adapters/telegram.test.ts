import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toIncoming } from "../../adapters/telegram/translate.js";
import { startFakeTelegram, telegramFixture, type FakeTelegram } from "../fakes/telegram.js";
import { startArticleServer } from "../support/articles.js";
import { startSkim, type RunningSkim } from "../support/runSkim.js";

const HOSTILE_TITLE = "&lt;b&gt;@everyone&lt;/b&gt; <i>x</i> & *y*";
let pages: Awaited<ReturnType<typeof startArticleServer>>;
let base = "";
beforeAll(async () => {
  pages = await startArticleServer(HOSTILE_TITLE);
  base = pages.base;
});
afterAll(() => pages.close());

describe("Telegram updates as Incoming (recorded payloads from the Bot API docs)", () => {
  it("reads text links, captions, replies, edits, channels and bots", () => {
    expect(toIncoming(telegramFixture("group-text-link"))).toMatchObject({ chatKind: "group", links: ["https://example.org/news/2026/08/city-trams"] });
    expect(toIncoming(telegramFixture("photo-caption-url"))!.text).toMatch(/https?:\/\//);
    expect(toIncoming(telegramFixture("reply-to-link"))!.replyTo?.text ?? "").toMatch(/https?:\/\/|\S/);
    expect(toIncoming(telegramFixture("edited-message"))!.edited).toBe(true);
    expect(toIncoming(telegramFixture("channel-post"))!.chatKind).toBe("channel");
    expect(toIncoming(telegramFixture("bot-message"))!.fromBot).toBe(true);
    expect(toIncoming(telegramFixture("anonymous-admin"))!.fromBot).toBe(false);
    expect(toIncoming(telegramFixture("supergroup-summary-command"))).toMatchObject({ chatKind: "group", text: expect.stringMatching(/^\/summary@skim_test_bot /) });
  });
});

/** A private chat with a reader of its own: each test's requests get their own rate-limit bucket. */
let readers = 0;
function reader(): { chat: { id: number; type: "private"; first_name: string }; from: { id: number; is_bot: false; first_name: string } } {
  const id = 700_000 + ++readers;
  return { chat: { id, type: "private", first_name: `Reader ${id}` }, from: { id, is_bot: false, first_name: `Reader ${id}` } };
}

describe("Skim on Telegram (telegraf against a fake Bot API)", () => {
  let fake: FakeTelegram;
  let skim: RunningSkim;

  beforeAll(async () => {
    fake = await startFakeTelegram();
    skim = startSkim({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, SKIM_ALLOW_PRIVATE_HOSTS: "true", SKIM_LOG_LEVEL: "debug" });
    await fake.waitFor("getUpdates", undefined, 10_000);
  });
  afterAll(async () => {
    expect(await skim.stop()).toBe(0);
    await fake.close();
  });

  it("registers its commands", async () => {
    const call = await fake.waitFor("setMyCommands", undefined, 5_000);
    expect((call.params["commands"] as { command: string }[]).map((c) => c.command)).toEqual(expect.arrayContaining(["summary", "auto", "help"]));
  });

  it("answers a link in a private chat with a digest, as an HTML reply without a link preview, after showing it is typing", async () => {
    const update = fake.pushUpdate(fake.message({ ...reader(), text: `look at ${base}/story/1` }));
    const sent = await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Story /story/1"), 10_000);
    expect(sent.params["parse_mode"]).toBe("HTML");
    expect(sent.params["reply_parameters"]).toMatchObject({ message_id: ("message" in update && update.message.message_id) || -1 });
    expect(sent.params["link_preview_options"]).toMatchObject({ is_disabled: true });
    expect(fake.calls("sendChatAction").some((c) => c.params["action"] === "typing")).toBe(true);
  });

  it("answers /summary@bot in a group, and stays quiet about plain links there", async () => {
    fake.pushUpdate(fake.message({ chat: "supergroup", text: `/summary@${fake.botInfo.username} ${base}/story/2 short` }));
    const sent = await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Story /story/2"), 10_000);
    expect(String(sent.params["text"]).match(/•/g)).toHaveLength(2);
    const before = fake.calls("sendMessage").length;
    fake.pushUpdate(fake.message({ chat: "supergroup", text: `${base}/story/3` }));
    fake.pushUpdate(fake.message({ chat: "supergroup", text: "/help" }));
    await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("/auto on|off"), 10_000);
    expect(fake.calls("sendMessage").slice(before).some((c) => String(c.params["text"]).includes("Story /story/3"))).toBe(false);
  });

  it("summarizes the link of the message replied to", async () => {
    const who = reader();
    const original = fake.message({ ...who, text: `earlier: ${base}/story/4` });
    const replied = "message" in original ? original.message : undefined;
    fake.pushUpdate(fake.message({ ...who, text: "/summary", reply_to_message: replied }));
    await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Story /story/4"), 10_000);
  });

  it("links bullets to their sentences unless the chat turned text fragments off", async () => {
    const who = reader();
    fake.pushUpdate(fake.message({ ...who, text: `${base}/story/frag-on` }));
    const on = await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Story /story/frag-on"), 10_000);
    expect(String(on.params["text"])).toContain("#:~:text=");
    fake.pushUpdate(fake.message({ ...who, text: "/fragments off" }));
    await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("text-fragment links: off"), 10_000);
    fake.pushUpdate(fake.message({ ...who, text: `${base}/story/frag-off` }));
    const off = await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Story /story/frag-off"), 10_000);
    expect(String(off.params["text"])).not.toContain("#:~:text=");
  });

  it("summarizes pasted text after /summary", async () => {
    const text = "The harbour reopened on Monday after the storm. Ferries run every hour again. Repairs to the pier will take a month. The mayor thanked the crews.";
    fake.pushUpdate(fake.message({ ...reader(), text: `/summary ${text}` }));
    const sent = await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("The harbour reopened on Monday"), 10_000);
    expect(String(sent.params["text"]).match(/•/g)).toHaveLength(3);
  });

  it("escapes hostile titles and answers a missing page with a friendly reason", async () => {
    fake.pushUpdate(fake.message({ ...reader(), text: `${base}/hostile` }));
    const sent = await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("@"), 10_000);
    expect(String(sent.params["text"])).toContain("&lt;b&gt;");
    expect(String(sent.params["text"])).not.toContain("<i>x</i>");
    fake.pushUpdate(fake.message({ ...reader(), text: `/summary ${base}/gone` }));
    await fake.waitFor("sendMessage", (c) => /HTTP 404/.test(String(c.params["text"])), 10_000);
  });

  it("waits out a 429 and sends the reply once", async () => {
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    fake.pushUpdate(fake.message({ ...reader(), text: `${base}/story/5` }));
    await fake.waitFor("sendMessage", (c) => c.response?.ok === true && String(c.params["text"]).includes("Story /story/5"), 10_000);
    const attempts = fake.calls("sendMessage").filter((c) => String(c.params["text"]).includes("Story /story/5"));
    expect(attempts.filter((c) => c.response?.ok === true)).toHaveLength(1);
    expect(attempts.length).toBe(2);
  });

  it("ignores edits and other bots", async () => {
    const before = fake.calls("sendMessage").length;
    fake.pushUpdate(fake.message({ ...reader(), update: "edited_message", text: `${base}/story/6` }));
    fake.pushUpdate(fake.message({ chat: "private", from: { id: 42, is_bot: true, first_name: "Other" }, text: `${base}/story/7` }));
    fake.pushUpdate(fake.message({ ...reader(), text: "/help" }));
    await fake.waitFor("sendMessage", (c) => c.seq > (fake.calls("sendMessage")[before - 1]?.seq ?? 0) && String(c.params["text"]).includes("/auto on|off"), 10_000);
    expect(fake.calls("sendMessage").slice(before).some((c) => /Story \/story\/[67]/.test(String(c.params["text"])))).toBe(false);
  });
});

describe("Skim on Telegram, with private addresses refused (the default)", () => {
  it("answers a link to a private address with the friendly refusal", async () => {
    const fake = await startFakeTelegram();
    const skim = startSkim({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
    try {
      await fake.waitFor("getUpdates", undefined, 10_000);
      fake.pushUpdate(fake.message({ ...reader(), text: `/summary ${base}/story/8` }));
      const sent = await fake.waitFor("sendMessage", undefined, 10_000);
      expect(String(sent.params["text"])).toMatch(/private or local address/);
    } finally {
      expect(await skim.stop()).toBe(0);
      await fake.close();
    }
  });
});

describe("daily digests on Telegram", () => {
  it("delivers a due digest once, in a message of its own, and keeps the subscription across ticks", async () => {
    const { startPageServer } = await import("../support/pageServer.js");
    const feeds = await startPageServer({ host: "127.0.0.1" });
    const feedBase = feeds.url("").replace(/\/$/, "");
    feeds.route("/feed.xml", (_q, res) =>
      res.writeHead(200, { "content-type": "application/rss+xml" }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>
        <item><title>Ferries run again</title><guid>f1</guid><link>${feedBase}/a</link><description>The ferries run every hour again after the storm damaged the pier last week, the harbour master said on Monday.</description></item>
      </channel></rss>`),
    );
    const fake = await startFakeTelegram();
    const skim = startSkim({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, SKIM_ALLOW_PRIVATE_HOSTS: "true", SKIM_DIGEST_CHECK_MS: "300" });
    try {
      await fake.waitFor("getUpdates", undefined, 10_000);
      // 00:00 UTC has always passed: the digest is due at once.
      fake.pushUpdate(fake.message({ ...reader(), text: `/subscribe ${feedBase}/feed.xml 00:00 UTC` }));
      await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Subscribed"), 10_000);
      const digest = await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Harbour News"), 10_000);
      expect(String(digest.params["text"])).toContain("Ferries run again");
      expect(digest.params["reply_parameters"]).toBeUndefined();
      await new Promise((r) => setTimeout(r, 1_500)); // several more checks
      expect(fake.calls("sendMessage").filter((c) => String(c.params["text"]).includes("Harbour News"))).toHaveLength(1);
    } finally {
      expect(await skim.stop()).toBe(0);
      await fake.close();
      await feeds.close();
    }
  });
});

describe("leaving a chat", () => {
  it("deletes what Skim stored about a chat when it is removed from it", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { openSqliteStore } = await import("../../src/store/index.js");
    const data = mkdtempSync(join(tmpdir(), "skim-leave-"));
    const fake = await startFakeTelegram();
    const skim = startSkim({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, SKIM_ALLOW_PRIVATE_HOSTS: "true", SKIM_DATA_DIR: data });
    const store = await openSqliteStore(join(data, "skim.sqlite"));
    try {
      await fake.waitFor("getUpdates", undefined, 10_000);
      const who = reader();
      const hour = String((new Date().getUTCHours() + 12) % 24).padStart(2, "0");
      fake.pushUpdate(fake.message({ ...who, text: `/subscribe links ${hour}:00 UTC` }));
      await fake.waitFor("sendMessage", (c) => String(c.params["text"]).includes("Subscribed"), 10_000);
      const key = `telegram:${who.chat.id}`;
      expect(await store.listSubscriptions(key)).toHaveLength(1);
      fake.pushUpdate({
        my_chat_member: {
          chat: who.chat,
          from: who.from,
          date: Math.floor(Date.now() / 1000),
          old_chat_member: { user: { ...fake.botInfo }, status: "member" },
          new_chat_member: { user: { ...fake.botInfo }, status: "kicked", until_date: 0 },
        },
      });
      const deadline = Date.now() + 5_000;
      while ((await store.listSubscriptions(key)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await store.listSubscriptions(key)).toHaveLength(0);
    } finally {
      await store.close();
      expect(await skim.stop()).toBe(0);
      await fake.close();
    }
  });
});
