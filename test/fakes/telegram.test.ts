import { readdirSync } from "node:fs";
import { Input, Telegraf, TelegramError } from "telegraf";
import type { Message, Update } from "telegraf/types";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_BOT,
  DEFAULT_CHATS,
  DEFAULT_USER,
  detectEntities,
  startFakeTelegram,
  telegramFixture,
  type FakeTelegram,
  type FakeTelegramOptions,
  type Params,
} from "./telegram.js";

// Fakes and bots started by a test are torn down after it, bots first (see stopBot).
const fakes: FakeTelegram[] = [];
const bots: RunningBot[] = [];

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
  for (const fake of fakes.splice(0)) await fake.close();
});

async function fakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const fake = await startFakeTelegram(options);
  fakes.push(fake);
  return fake;
}

/** POST a JSON call straight to the fake, as any Bot API client would. */
async function api(fake: FakeTelegram, method: string, params: Params = {}, token = fake.token): Promise<{ status: number; body: Params }> {
  const res = await fetch(`${fake.apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as Params };
}

async function result(fake: FakeTelegram, method: string, params: Params = {}): Promise<unknown> {
  const { body } = await api(fake, method, params);
  if (body["ok"] !== true) throw new Error(`${method}: ${JSON.stringify(body)}`);
  return body["result"];
}

function messageOf(update: Update): Message {
  const value = Object.values(update).find((v): v is Message => typeof v === "object" && v !== null && "message_id" in v);
  if (value === undefined) throw new Error("no message in update");
  return value;
}

type RunningBot = {
  bot: Telegraf;
  /** Settles when launch() does: "stopped", or what it rejected with. */
  done: Promise<unknown>;
  stop(): Promise<unknown>;
};

/**
 * Launch a real telegraf bot against the fake and return once it is long polling. `launch()` itself
 * resolves only when the bot stops; its onLaunch callback fires after getMe, before deleteWebhook and
 * the first getUpdates, so this waits for that first poll too.
 */
async function launchBot(fake: FakeTelegram, setup: (bot: Telegraf) => void, config: Telegraf.LaunchOptions = {}): Promise<RunningBot> {
  const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
  setup(bot);
  const seqBefore = fake.calls().length;
  let onLaunch = () => {};
  const launched = new Promise<void>((resolve) => (onLaunch = resolve));
  const done = bot.launch(config, () => onLaunch()).then(
    () => "stopped",
    (error: unknown) => error,
  );
  await Promise.race([launched, done]);
  await fake.waitFor("getUpdates", (c) => c.seq >= seqBefore);
  let stopped: Promise<unknown> | undefined;
  const running: RunningBot = {
    bot,
    done,
    stop: () => {
      // bot.stop() aborts the held getUpdates; launch() settles after telegraf's last offset sync.
      stopped ??= (async () => {
        try {
          bot.stop("test over");
        } catch {
          // Already stopped by an error: telegraf throws "Bot is not running!" only before launch.
        }
        return await done;
      })();
      return stopped;
    },
  };
  bots.push(running);
  return running;
}

// ---------------------------------------------------------------------------------------------------

describe("the fake Bot API over plain HTTP", () => {
  it("answers getMe with the configured bot, by POST or GET, and refuses a wrong token", async () => {
    const fake = await fakeTelegram({ bot: { first_name: "Skimmer" } });
    expect(fake.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await result(fake, "getMe")).toEqual({ ...DEFAULT_BOT, first_name: "Skimmer" });
    const viaGet = await fetch(`${fake.apiRoot}/bot${fake.token}/getme`);
    expect(await viaGet.json()).toMatchObject({ ok: true, result: { username: "skim_test_bot" } });

    const wrong = await api(fake, "getMe", {}, "123:wrong");
    expect(wrong).toEqual({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
    const nowhere = await fetch(`${fake.apiRoot}/nothing`);
    expect(nowhere.status).toBe(404);
    expect(fake.calls("getMe").map((c) => c.httpMethod)).toEqual(["POST", "GET", "POST"]);
  });

  it("reads form and multipart bodies the way Telegram types their fields", async () => {
    const fake = await fakeTelegram();
    const form = new URLSearchParams({
      chat_id: "123456789",
      text: "42",
      disable_notification: "true",
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "Open", url: "https://example.com/" }]] }),
    });
    await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, { method: "POST", body: form });
    const sent = await fake.waitFor("sendMessage");
    expect(sent.body).toBe("form");
    expect(sent.params).toEqual({
      chat_id: 123456789,
      text: "42",
      disable_notification: true,
      reply_markup: { inline_keyboard: [[{ text: "Open", url: "https://example.com/" }]] },
    });
    expect(sent.raw["chat_id"]).toBe("123456789");
    expect(sent.response).toMatchObject({ ok: true, result: { text: "42", chat: { id: 123456789, type: "private" } } });

    const multipart = new FormData();
    multipart.append("chat_id", "-1001234567890");
    multipart.append("photo", new Blob([Buffer.from("not really a jpeg")], { type: "image/jpeg" }), "chart.jpg");
    multipart.append("caption", "true");
    await fetch(`${fake.apiRoot}/bot${fake.token}/sendPhoto`, { method: "POST", body: multipart });
    const photo = await fake.waitFor("sendPhoto");
    expect(photo.body).toBe("multipart");
    expect(photo.params).toEqual({
      chat_id: -1001234567890,
      caption: "true",
      photo: { file: true, filename: "chart.jpg", type: "image/jpeg", size: 17 },
    });
    expect(photo.response).toEqual({ ok: true, result: true });
  });

  it("long-polls: holds getUpdates until an update is pushed, and honours offset and limit", async () => {
    const fake = await fakeTelegram();
    expect(await result(fake, "getUpdates", { timeout: 0 })).toEqual([]);

    const start = performance.now();
    const held = api(fake, "getUpdates", { timeout: 50 });
    await fake.waitFor("getUpdates", (c) => c.params["timeout"] === 50);
    const first = fake.pushUpdate(fake.message({ text: "hello" }));
    const { body } = await held;
    expect(performance.now() - start).toBeLessThan(1000);
    expect(body).toEqual({ ok: true, result: [first] });

    const second = fake.pushUpdate(fake.message({ text: "two" }));
    const third = fake.pushUpdate(fake.message({ text: "three" }));
    expect(second.update_id).toBe(first.update_id + 1);
    // Without a higher offset nothing is confirmed: the same updates come again.
    expect(await result(fake, "getUpdates", { limit: 2 })).toEqual([first, second]);
    expect(await result(fake, "getUpdates", { offset: second.update_id })).toEqual([second, third]);
    expect(fake.pendingUpdates()).toEqual([second, third]);
    // A negative offset keeps only the last -offset updates and forgets the rest.
    expect(await result(fake, "getUpdates", { offset: -1 })).toEqual([third]);
    expect(await result(fake, "getUpdates", { offset: third.update_id + 1 })).toEqual([]);
    expect(fake.pendingUpdates()).toEqual([]);
  });

  it("ends a held poll after maxPollMs, on close(), and with 409 when another poller comes", async () => {
    const capped = await fakeTelegram({ maxPollMs: 100 });
    const start = performance.now();
    expect(await result(capped, "getUpdates", { timeout: 50 })).toEqual([]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(90);
    expect(performance.now() - start).toBeLessThan(1000);

    const fake = await fakeTelegram();
    const earlier = api(fake, "getUpdates", { timeout: 50 });
    await fake.waitFor("getUpdates");
    const later = api(fake, "getUpdates", { timeout: 50 });
    expect(await earlier).toMatchObject({
      status: 409,
      body: { ok: false, error_code: 409, description: expect.stringMatching(/^Conflict: terminated by other getUpdates request/) },
    });
    const closing = performance.now();
    await fake.close();
    expect(await later).toEqual({ status: 200, body: { ok: true, result: [] } });
    expect(performance.now() - closing).toBeLessThan(500);
  });

  it("filters update types by allowed_updates, remembering the last list, as Telegram does", async () => {
    const fake = await fakeTelegram();
    const callback = fake.pushUpdate({
      callback_query: { id: "4382bfdwdsb323b2d9", from: DEFAULT_USER, chat_instance: "-1234567890", data: "again" },
    });
    const message = fake.pushUpdate(fake.message({ text: "hi" }));
    expect(await result(fake, "getUpdates", { allowed_updates: ["message"] })).toEqual([message]);
    // The callback query was dropped, and the filter stays when allowed_updates is left out.
    const later = fake.pushUpdate({
      callback_query: { id: "4382bfdwdsb323b2d0", from: DEFAULT_USER, chat_instance: "-1234567890", data: "x" },
    });
    expect(await result(fake, "getUpdates", {})).toEqual([message]);
    // An empty list means the default: everything except chat_member and message reactions.
    expect(await result(fake, "getUpdates", { allowed_updates: [] })).toEqual([message]);
    expect(callback.update_id).toBeLessThan(later.update_id);
    const member = fake.pushUpdate({
      chat_member: {
        chat: DEFAULT_CHATS.supergroup,
        from: DEFAULT_USER,
        date: 1786012800,
        old_chat_member: { status: "left", user: DEFAULT_USER },
        new_chat_member: { status: "member", user: DEFAULT_USER },
      },
    });
    expect(await result(fake, "getUpdates", { offset: message.update_id + 1 })).toEqual([]);
    expect(member.update_id).toBeGreaterThan(message.update_id);
  });

  it("drops pending updates on deleteWebhook({ drop_pending_updates }) and refuses getUpdates while a webhook is set", async () => {
    const fake = await fakeTelegram();
    fake.pushUpdate(fake.message({ text: "old" }));
    expect(await result(fake, "deleteWebhook", { drop_pending_updates: true })).toBe(true);
    expect(fake.pendingUpdates()).toEqual([]);
    await result(fake, "setWebhook", { url: "https://example.com/hook" });
    expect((await api(fake, "getUpdates")).body).toMatchObject({ ok: false, error_code: 409 });
    expect(await result(fake, "getWebhookInfo")).toMatchObject({ url: "https://example.com/hook", pending_update_count: 0 });
  });

  it("answers sendMessage with a Message and refuses what Telegram refuses", async () => {
    const fake = await fakeTelegram();
    const incoming = fake.pushUpdate(fake.message({ chat: "supergroup", text: "/summary https://example.com/a" }));
    const replyTo = messageOf(incoming);
    const sent = (await result(fake, "sendMessage", {
      chat_id: DEFAULT_CHATS.supergroup.id,
      text: '<b>Title</b> &amp; <a href="https://example.com/?a=1&b=2">more</a> &lt;3 &#128279; AT&T >',
      parse_mode: "HTML",
      reply_parameters: { message_id: replyTo.message_id },
      link_preview_options: { is_disabled: true },
    })) as Params;
    expect(sent).toMatchObject({
      from: { id: DEFAULT_BOT.id, is_bot: true, username: "skim_test_bot" },
      chat: DEFAULT_CHATS.supergroup,
      text: "Title & more <3 🔗 AT&T >",
      reply_to_message: { message_id: replyTo.message_id, text: "/summary https://example.com/a" },
      link_preview_options: { is_disabled: true },
    });
    expect(sent["message_id"]).toBeGreaterThan(replyTo.message_id);
    expect(sent["date"]).toBeTypeOf("number");

    const chat_id = DEFAULT_CHATS.supergroup.id;
    const refusals: [Params, string][] = [
      [{ chat_id, text: "" }, "Bad Request: message text is empty"],
      [{ text: "hi" }, "Bad Request: chat_id is empty"],
      [{ chat_id, text: "x".repeat(4097) }, "Bad Request: message is too long"],
      [{ chat_id, text: "<div>x</div>", parse_mode: "HTML" }, 'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0'],
      [{ chat_id, text: "é <b>x", parse_mode: "HTML" }, 'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b" at byte offset 7'],
      [{ chat_id, text: "1 < 2", parse_mode: "HTML" }, 'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'],
      [{ chat_id, text: "<<b>x</b>", parse_mode: "HTML" }, 'Bad Request: can\'t parse entities: Unsupported start tag "<b" at byte offset 0'],
      [{ chat_id, text: "x</p>", parse_mode: "HTML" }, "Bad Request: can't parse entities: Unexpected end tag at byte offset 1"],
      [{ chat_id, text: "hi", reply_parameters: { message_id: 999_999 } }, "Bad Request: message to be replied not found"],
      [{ chat_id: "@nobody_here", text: "hi" }, "Bad Request: chat not found"],
    ];
    for (const [params, description] of refusals) {
      expect((await api(fake, "sendMessage", params)).body, description).toEqual({ ok: false, error_code: 400, description });
    }
    expect(await result(fake, "sendMessage", { chat_id, text: "x".repeat(4096) })).toMatchObject({ chat: { id: chat_id } });
    const lenient = (await result(fake, "sendMessage", {
      chat_id: "@skim_test_supergroup",
      text: "hi",
      reply_parameters: { message_id: 999_999, allow_sending_without_reply: true },
    })) as Params;
    expect(lenient["reply_to_message"]).toBeUndefined();
    expect(fake.calls("sendMessage").filter((c) => c.response?.ok === false)).toHaveLength(refusals.length);
  });

  it("edits the bot's own messages and says when nothing changed", async () => {
    const fake = await fakeTelegram();
    const chat_id = DEFAULT_USER.id;
    fake.chat("private");
    const sent = (await result(fake, "sendMessage", { chat_id, text: "Fetching…" })) as Params;
    const edited = (await result(fake, "editMessageText", { chat_id, message_id: sent["message_id"], text: "<i>Done</i>", parse_mode: "HTML" })) as Params;
    expect(edited).toMatchObject({ message_id: sent["message_id"], text: "Done", edit_date: expect.any(Number) });
    expect((await api(fake, "editMessageText", { chat_id, message_id: sent["message_id"], text: "Done" })).body).toMatchObject({
      ok: false,
      error_code: 400,
      description: expect.stringMatching(/^Bad Request: message is not modified/),
    });
    expect((await api(fake, "editMessageText", { chat_id, message_id: 1, text: "x" })).body).toMatchObject({
      description: "Bad Request: message to edit not found",
    });
    const theirs = messageOf(fake.pushUpdate(fake.message({ text: "mine" })));
    expect((await api(fake, "editMessageText", { chat_id, message_id: theirs.message_id, text: "x" })).body).toMatchObject({
      description: "Bad Request: message can't be edited",
    });
  });

  it("answers chat lookups, member status, commands, chat actions and anything else", async () => {
    const fake = await fakeTelegram();
    const group = DEFAULT_CHATS.supergroup.id;
    expect((await api(fake, "getChat", { chat_id: group })).body).toMatchObject({ error_code: 400, description: "Bad Request: chat not found" });
    fake.pushUpdate(telegramFixture("supergroup-summary-command"));
    expect(await result(fake, "getChat", { chat_id: group })).toEqual(DEFAULT_CHATS.supergroup);
    expect((await api(fake, "getChat", { chat_id: DEFAULT_USER.id })).body).toMatchObject({ ok: false, error_code: 400 });
    fake.chat("private");
    expect(await result(fake, "getChat", { chat_id: DEFAULT_USER.id })).toMatchObject({ type: "private", accent_color_id: 0 });

    fake.chatMember(group, DEFAULT_USER.id, "administrator");
    fake.chatMember(group, 42, "creator");
    expect(await result(fake, "getChatMember", { chat_id: group, user_id: DEFAULT_USER.id })).toMatchObject({
      status: "administrator",
      user: { id: DEFAULT_USER.id, first_name: "Alice" },
      can_delete_messages: true,
    });
    expect(await result(fake, "getChatMember", { chat_id: group, user_id: 987654321 })).toMatchObject({ status: "member" });
    expect(await result(fake, "getChatMember", { chat_id: group, user_id: 42 })).toMatchObject({ status: "creator", is_anonymous: false });
    expect(((await result(fake, "getChatAdministrators", { chat_id: group })) as Params[]).map((m) => m["status"])).toEqual([
      "administrator",
      "creator",
    ]);

    const commands = [{ command: "summary", description: "Summarize a link" }];
    expect(await result(fake, "getMyCommands")).toEqual([]);
    expect(await result(fake, "setMyCommands", { commands })).toBe(true);
    expect(await result(fake, "getMyCommands")).toEqual(commands);
    expect(await result(fake, "getMyCommands", { scope: { type: "all_group_chats" } })).toEqual([]);
    expect((await api(fake, "setMyCommands", { commands: [{ command: "Summary!", description: "x" }] })).body).toMatchObject({
      description: "Bad Request: BOT_COMMAND_INVALID",
    });

    expect(await result(fake, "sendChatAction", { chat_id: group, action: "typing" })).toBe(true);
    expect(await result(fake, "answerCallbackQuery", { callback_query_id: "4382bfdwdsb323b2d9", text: "ok" })).toBe(true);
    expect(await result(fake, "setMessageReaction", { chat_id: group, message_id: 1 })).toBe(true);
    expect(fake.calls().map((c) => c.method)).toContain("setMessageReaction");
    expect(fake.calls("setmycommands")).toHaveLength(2);
  });

  it("fails the next N calls of a method as told, then answers normally", async () => {
    const fake = await fakeTelegram();
    fake.failNext("sendMessage", { error_code: 429, retry_after: 7, times: 2 });
    fake.failNext("sendMessage", { error_code: 403 });
    const chat_id = DEFAULT_USER.id;
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push(await api(fake, "sendMessage", { chat_id, text: `try ${i}` }));
    const tooMany = {
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } },
    };
    expect(bodies.slice(0, 3)).toEqual([
      tooMany,
      tooMany,
      { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } },
    ]);
    expect(bodies[3]).toMatchObject({ status: 200, body: { ok: true, result: { text: "try 3" } } });
  });

  it("answers every call 502 during an outage, as Bot API JSON or as a proxy's HTML page, and records them", async () => {
    const fake = await fakeTelegram();
    const chat_id = DEFAULT_USER.id;
    const held = api(fake, "getUpdates", { timeout: 50 });
    await fake.waitFor("getUpdates");
    const over = fake.outage(300);
    const badGateway = { status: 502, body: { ok: false, error_code: 502, description: "Bad Gateway" } };
    expect(await held).toEqual(badGateway);
    expect(await api(fake, "sendMessage", { chat_id, text: "during" })).toEqual(badGateway);
    expect(await api(fake, "getMe", {}, "123:wrong")).toEqual(badGateway);
    await over;
    expect(await api(fake, "sendMessage", { chat_id, text: "after" })).toMatchObject({ status: 200, body: { ok: true } });

    void fake.outage(300, { html: true });
    const page = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id, text: "during html" }),
    });
    expect([page.status, page.statusText, page.headers.get("content-type")]).toEqual([502, "Bad Gateway", "text/html"]);
    expect(await page.text()).toContain("<head><title>502 Bad Gateway</title></head>");
    const outcomes = fake.calls("sendMessage").map((c) => [c.params["text"], c.response?.ok === false ? c.response.error_code : 200]);
    expect(outcomes).toEqual([["during", 502], ["after", 200], ["during html", 502]]);
    await fake.close(); // ends the outage early
  });

  it("fails a call with a proxy's HTML page, or drops its connection, when failNext says so", async () => {
    const fake = await fakeTelegram();
    const chat_id = DEFAULT_USER.id;
    fake.failNext("sendMessage", { error_code: 504, html: true });
    fake.failNext("sendMessage", { error_code: 502, hangUp: true });
    const page = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id, text: "one" }),
    });
    expect(page.status).toBe(504);
    expect(await page.text()).toContain("<title>504 Gateway Timeout</title>");
    await expect(api(fake, "sendMessage", { chat_id, text: "two" })).rejects.toThrow(/fetch failed/);
    expect(await api(fake, "sendMessage", { chat_id, text: "three" })).toMatchObject({ status: 200 });
    const calls = fake.calls("sendMessage");
    expect(calls.map((c) => c.dropped ?? false)).toEqual([false, true, false]);
    expect(calls[0]?.response).toEqual({ ok: false, error_code: 504, description: "Gateway Timeout" });
    expect(calls[1]?.response).toBeUndefined();
  });

  it("waitFor resolves on a later call and rejects with the calls it saw", async () => {
    const fake = await fakeTelegram();
    const waiting = fake.waitFor("sendMessage", (c) => c.params["text"] === "second");
    await api(fake, "sendMessage", { chat_id: DEFAULT_USER.id, text: "first" });
    await api(fake, "sendMessage", { chat_id: DEFAULT_USER.id, text: "second" });
    expect((await waiting).seq).toBe(1);
    await expect(fake.waitFor("editMessageText", undefined, 50)).rejects.toThrow(
      /waitFor\(editMessageText\) timed out after 50 ms; calls seen:\n {2}#0 sendMessage \{"chat_id":123456789,"text":"first"\} -> ok\n/,
    );
    const pending = fake.waitFor("deleteMessage");
    await fake.close();
    await expect(pending).rejects.toThrow(/the fake Telegram was closed/);
  });
});

describe("building updates", () => {
  it("builds messages for each chat kind the way the Bot API shapes them", async () => {
    const fake = await fakeTelegram();
    const priv = messageOf(fake.message({ text: "hi https://example.com" }));
    expect(priv).toMatchObject({ from: DEFAULT_USER, chat: { id: DEFAULT_USER.id, type: "private", first_name: "Alice" } });
    expect("sender_chat" in priv).toBe(false);

    const post = fake.message({ chat: "channel", text: "news" });
    expect(Object.keys(post)).toEqual(["update_id", "channel_post"]);
    expect(post).toMatchObject({ channel_post: { chat: DEFAULT_CHATS.channel, sender_chat: DEFAULT_CHATS.channel } });
    expect("from" in messageOf(post)).toBe(false);

    const edited = fake.message({ update: "edited_message", chat: "group", text: "fixed" });
    expect(edited).toMatchObject({ edited_message: { chat: DEFAULT_CHATS.group, text: "fixed" } });
    const em = messageOf(edited) as Message & { edit_date: number };
    expect(em.edit_date).toBeGreaterThan(em.date);

    const original = fake.message({ chat: "supergroup", text: "look https://example.org/x" });
    const nested = fake.message({ chat: "supergroup", text: "/summary", reply_to_message: fake.message({ chat: "supergroup", text: "a", reply_to_message: original }) });
    const reply = messageOf(nested) as Message.TextMessage;
    expect(reply.reply_to_message).toMatchObject({ text: "a" });
    expect(reply.reply_to_message !== undefined && "reply_to_message" in reply.reply_to_message).toBe(false);

    const photo = messageOf(fake.message({ chat: "group", photo: true, caption: "📈 https://example.com/c" })) as Message.PhotoMessage;
    expect(photo.photo).toHaveLength(3);
    expect(photo.caption_entities).toEqual([{ type: "url", offset: 3, length: 21 }]);
  });

  it("marks commands, URLs and mentions with UTF-16 offsets", () => {
    const text = "👋 /summary@skim_test_bot https://example.com/ü?x=1, and www.example.org. cc @bob_reader";
    const entities = detectEntities(text);
    expect(entities.map((e) => [e.type, text.slice(e.offset, e.offset + e.length)])).toEqual([
      ["bot_command", "/summary@skim_test_bot"],
      ["url", "https://example.com/ü?x=1"],
      ["url", "www.example.org"],
      ["mention", "@bob_reader"],
    ]);
    expect(entities[0]?.offset).toBe(3); // the waving hand is two UTF-16 units
  });

  const fixtureNames = readdirSync(new URL("../fixtures/telegram/", import.meta.url))
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.slice(0, -".json".length));

  it.each(fixtureNames)("fixture %s is an Update whose entities point at what they mark", (name) => {
    const update = telegramFixture(name);
    const message = messageOf(update) as Message & Params;
    expect(Object.keys(update)).toHaveLength(2);
    const check = (text: unknown, entities: unknown) => {
      if (typeof text !== "string" || !Array.isArray(entities)) return;
      for (const e of entities as { type: string; offset: number; length: number; url?: string }[]) {
        const marked = text.slice(e.offset, e.offset + e.length);
        if (e.type === "url") expect(marked).toMatch(/^https?:\/\/\S+[^\s.,!?)]$/);
        if (e.type === "bot_command") expect(marked).toMatch(/^\/[a-z_]+(@skim_test_bot)?$/);
        if (e.type === "text_link") expect(e.url).toMatch(/^https:\/\//);
        expect(marked.trim()).toBe(marked);
      }
    };
    check(message["text"], message["entities"]);
    check(message["caption"], message["caption_entities"]);
    const replied = message["reply_to_message"] as Params | undefined;
    check(replied?.["text"], replied?.["entities"]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("a real telegraf 4.16 bot against the fake", () => {
  it("launches (getMe, deleteWebhook, getUpdates timeout 50) and replies with reply_parameters in a JSON body", async () => {
    const fake = await fakeTelegram();
    const running = await launchBot(fake, (bot) =>
      bot.on("message", (ctx) => {
        const text = "text" in ctx.message ? ctx.message.text : "";
        return ctx.reply(`echo: ${text}`, { reply_parameters: { message_id: ctx.message.message_id } });
      }),
    );
    expect(fake.calls().map((c) => [c.method, c.params])).toEqual([
      ["getMe", {}],
      ["deleteWebhook", {}],
      ["getUpdates", { timeout: 50, offset: 0, allowed_updates: [] }],
    ]);

    const update = fake.pushUpdate(telegramFixture("private-text-url"));
    const sent = await fake.waitFor("sendMessage");
    expect(sent.body).toBe("json");
    // Exactly what telegraf put on the wire: ctx.reply's undefined message_thread_id is dropped.
    expect(sent.params).toEqual({
      chat_id: DEFAULT_USER.id,
      text: "echo: Can you summarize https://example.com/articles/skim-test?utm_source=chat please? 🙏",
      reply_parameters: { message_id: 52 },
    });
    expect(sent.response).toMatchObject({ ok: true, result: { reply_to_message: { message_id: 52 } } });
    // The next poll confirms the update by its offset.
    const next = await fake.waitFor("getUpdates", (c) => c.params["offset"] === update.update_id + 1);
    expect(next.params).toEqual({ timeout: 50, offset: update.update_id + 1, allowed_updates: [] });

    // stop() aborts the held poll; launch() resolves after one last getUpdates syncing the offset.
    expect(await running.stop()).toBe("stopped");
    expect(fake.calls("getUpdates").at(-1)?.params).toEqual({ offset: update.update_id + 1, limit: 1 });
  });

  it("delivers every fixture to the matching telegraf handler", async () => {
    const fake = await fakeTelegram();
    const seen: string[] = [];
    await launchBot(fake, (bot) => {
      bot.on(["message", "edited_message", "channel_post"], (ctx) => {
        const from = ctx.from === undefined ? "-" : `${ctx.from.username ?? ctx.from.id}${ctx.from.is_bot ? "(bot)" : ""}`;
        seen.push(`${ctx.updateType} ${ctx.chat?.type ?? "?"} ${from} ${ctx.text ?? ""}`);
      });
    });
    const names = ["private-text-url", "group-text-link", "supergroup-summary-command", "reply-to-link", "photo-caption-url",
      "edited-message", "channel-post", "bot-message", "anonymous-admin"];
    for (const name of names) fake.pushUpdate(telegramFixture(name));
    const last = fake.pendingUpdates().at(-1)?.update_id ?? 0;
    await fake.waitFor("getUpdates", (c) => c.params["offset"] === last + 1);
    expect(seen).toEqual([
      "message private alice_example Can you summarize https://example.com/articles/skim-test?utm_source=chat please? 🙏",
      "message group bob_reader Worth a read: this long piece on city trams",
      "message supergroup alice_example /summary@skim_test_bot https://example.com/2026/08/09/long-story.html",
      "message supergroup alice_example /summary@skim_test_bot",
      "message private alice_example Look at this chart 📈 https://example.com/charts/rainfall-2026",
      "edited_message private alice_example Fixed link: https://example.com/articles/skim-test-corrected",
      "channel_post channel - Morning read: https://example.org/longform/oceans",
      "message supergroup other_news_bot(bot) New post: https://example.com/feed/item-42",
      "message supergroup GroupAnonymousBot(bot) /summary https://example.com/announcements/rules",
    ]);
  });

  it("does not retry a 429 on sendMessage: the TelegramError reaches bot.catch at once", async () => {
    const fake = await fakeTelegram();
    const caught: unknown[] = [];
    await launchBot(fake, (bot) => {
      bot.on("message", (ctx) => ctx.reply("summary"));
      bot.catch((error) => void caught.push(error));
    });
    fake.failNext("sendMessage", { error_code: 429, retry_after: 3 });
    const start = performance.now();
    const first = fake.pushUpdate(fake.message({ text: "one" }));
    await vi.waitFor(() => expect(caught).toHaveLength(1), { timeout: 2000, interval: 10 });
    expect(performance.now() - start).toBeLessThan(1000);

    const error = caught[0];
    expect(error).toBeInstanceOf(TelegramError);
    if (!(error instanceof TelegramError)) return;
    expect(error.code).toBe(429);
    expect(error.description).toBe("Too Many Requests: retry after 3");
    expect(error.parameters).toEqual({ retry_after: 3 });
    expect(error.on).toMatchObject({ method: "sendMessage", payload: { chat_id: DEFAULT_USER.id, text: "summary" } });
    expect(fake.calls("sendMessage")).toHaveLength(1);

    // With bot.catch in place polling goes on; the failed reply is never re-sent.
    fake.pushUpdate(fake.message({ text: "two" }));
    await fake.waitFor("sendMessage", (c) => c.response?.ok === true);
    expect(fake.calls("sendMessage").map((c) => c.response?.ok)).toEqual([false, true]);
    expect(fake.calls("getUpdates").some((c) => c.params["offset"] === first.update_id + 1)).toBe(true);
  });

  it("without bot.catch, an API error in a handler stops polling and rejects launch()", async () => {
    const fake = await fakeTelegram();
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const exitCode = process.exitCode;
    try {
      const running = await launchBot(fake, (bot) => bot.on("message", (ctx) => ctx.reply("summary")));
      fake.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was kicked from the supergroup chat" });
      const update = fake.pushUpdate(fake.message({ chat: "supergroup", text: "/summary https://example.com/" }));
      const outcome = await running.done;
      expect(outcome).toBeInstanceOf(TelegramError);
      // telegraf's default handler logs the update, sets process.exitCode = 1 and rethrows.
      expect(process.exitCode).toBe(1);
      expect(quiet).toHaveBeenCalledWith("Unhandled error while processing", expect.objectContaining({ update_id: update.update_id }));
      // The failed update is confirmed anyway by telegraf's closing offset sync.
      expect(fake.calls("getUpdates").at(-1)?.params).toEqual({ offset: update.update_id + 1, limit: 1 });
    } finally {
      process.exitCode = exitCode;
      quiet.mockRestore();
    }
  });

  it("turns a 5xx into a TelegramError whatever its body, and a dropped connection into a FetchError", async () => {
    const fake = await fakeTelegram();
    const telegram = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } }).telegram;
    // telegraf reads the status before the body: an HTML page never reaches JSON.parse.
    fake.failNext("sendMessage", { error_code: 502, html: true });
    const html = await telegram.sendMessage(DEFAULT_USER.id, "x").catch((e: unknown) => e);
    expect(html).toBeInstanceOf(TelegramError);
    expect(html).toMatchObject({ code: 502, description: "Bad Gateway", message: "502: Bad Gateway" });
    // No retry_after is read from a 5xx body, so long polling waits its default 5 s after one.
    fake.failNext("sendMessage", { error_code: 503, retry_after: 1 });
    expect(await telegram.sendMessage(DEFAULT_USER.id, "x").catch((e: unknown) => e)).toMatchObject({ code: 503, parameters: undefined });
    fake.failNext("sendMessage", { error_code: 502, hangUp: true });
    const dropped = await telegram.sendMessage(DEFAULT_USER.id, "x").catch((e: unknown) => e);
    expect(dropped).toMatchObject({ name: "FetchError", code: "ECONNRESET" });
    expect(String((dropped as Error).message)).not.toContain(fake.token);
  });

  it("retries getUpdates itself after a 429, waiting retry_after seconds", async () => {
    const fake = await fakeTelegram();
    const running = await launchBot(fake, () => {});
    fake.failNext("getUpdates", { error_code: 429, retry_after: 1 });
    fake.pushUpdate(fake.message({ text: "wake the poll" }));
    const failed = await fake.waitFor("getUpdates", (c) => c.response?.ok === false);
    const retried = await fake.waitFor("getUpdates", (c) => c.seq > failed.seq, 3000);
    expect(retried.at - failed.at).toBeGreaterThanOrEqual(950);
    expect(retried.params["offset"]).toBe(failed.params["offset"]);
    await running.stop();
  });

  it("handles each batch before polling again: a slow handler holds back later updates", async () => {
    const fake = await fakeTelegram();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    await launchBot(fake, (bot) =>
      bot.on("message", async (ctx) => {
        if (ctx.text === "slow") await gate;
        await ctx.reply(`done ${ctx.text ?? ""}`);
      }),
    );
    const slow = fake.pushUpdate(fake.message({ text: "slow" }));
    await fake.waitFor("getUpdates", (c) => c.response?.ok === true && JSON.stringify(c.response.result).includes('"slow"'));
    const polls = fake.calls("getUpdates").length;
    fake.pushUpdate(fake.message({ text: "fast" }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(fake.calls("getUpdates")).toHaveLength(polls);
    expect(fake.calls("sendMessage")).toHaveLength(0);
    release();
    await fake.waitFor("sendMessage", (c) => c.params["text"] === "done fast");
    expect(fake.calls("sendMessage").map((c) => c.params["text"])).toEqual(["done slow", "done fast"]);
    expect(fake.calls("getUpdates")[polls]?.params["offset"]).toBe(slow.update_id + 1);
  });

  it("honours launch({ dropPendingUpdates, allowedUpdates })", async () => {
    const fake = await fakeTelegram();
    fake.pushUpdate(fake.message({ text: "sent while the bot was down" }));
    const seen: string[] = [];
    await launchBot(fake, (bot) => bot.on("message", (ctx) => void seen.push(ctx.text ?? "")), {
      dropPendingUpdates: true,
      allowedUpdates: ["message"],
    });
    expect(fake.calls("deleteWebhook")[0]?.params).toEqual({ drop_pending_updates: true });
    expect(fake.calls("getUpdates")[0]?.params).toEqual({ timeout: 50, offset: 0, allowed_updates: ["message"] });
    fake.pushUpdate(fake.message({ update: "edited_message", text: "edited" }));
    const fresh = fake.pushUpdate(fake.message({ text: "fresh" }));
    await fake.waitFor("getUpdates", (c) => c.params["offset"] === fresh.update_id + 1);
    expect(seen).toEqual(["fresh"]);
  });

  it("sends multipart only for uploads, and then drops reply_parameters (telegraf 4.16.3)", async () => {
    const fake = await fakeTelegram();
    const update = fake.pushUpdate(fake.message({ text: "hi" }));
    const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
    const message_id = messageOf(update).message_id;
    await bot.telegram.sendPhoto(DEFAULT_USER.id, Input.fromBuffer(Buffer.from("jpeg bytes"), "chart.jpg"), {
      caption: "chart",
      reply_parameters: { message_id },
      reply_markup: { inline_keyboard: [[{ text: "Source", url: "https://example.com/" }]] },
    });
    const photo = await fake.waitFor("sendPhoto");
    expect(photo.body).toBe("multipart");
    expect(photo.params).toEqual({
      method: "sendPhoto", // telegraf adds the method name to multipart bodies
      chat_id: DEFAULT_USER.id,
      caption: "chart",
      photo: { file: true, filename: "chart.jpg", type: "text/plain", size: 10 }, // telegraf sends no part content-type
      reply_markup: { inline_keyboard: [[{ text: "Source", url: "https://example.com/" }]] },
      // reply_parameters is missing: telegraf only JSON-encodes reply_markup & co. in forms,
      // and silently skips other object fields.
    });
    // By file_id the same call goes out as JSON, reply_parameters included.
    await bot.telegram.sendPhoto(DEFAULT_USER.id, "AgACAgIAAxkBAAIFakeFileId", { reply_parameters: { message_id } });
    const byId = fake.calls("sendPhoto")[1];
    expect(byId?.body).toBe("json");
    expect(byId?.params).toEqual({ chat_id: DEFAULT_USER.id, photo: "AgACAgIAAxkBAAIFakeFileId", reply_parameters: { message_id } });
  });

  it("leaves no sockets or servers open after bot.stop() and fake.close()", async () => {
    const handles = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap").length;
    const before = handles();
    const fake = await startFakeTelegram();
    const running = await launchBot(fake, (bot) => bot.on("message", (ctx) => ctx.reply("ok")));
    fake.pushUpdate(fake.message({ text: "x" }));
    await fake.waitFor("sendMessage");
    expect(handles()).toBeGreaterThan(before);
    await running.stop();
    await fake.close();
    await vi.waitFor(() => expect(handles()).toBeLessThanOrEqual(before), { timeout: 1000, interval: 10 });
  });
});
