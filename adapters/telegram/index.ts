import { Telegraf, TelegramError } from "telegraf";
import type { Update } from "telegraf/types";
import type { IncomingMessage } from "node:http";
import type { Adapter, Core } from "../../src/core.js";
import type { Route } from "../../src/http/server.js";
import { renderReply } from "../../src/render/reply.js";
import { telegramCommands } from "./register.js";
import { GROUP_ANONYMOUS_BOT_ID, toIncoming } from "./translate.js";

/**
 * Telegram through telegraf's long polling: updates become `Incoming`s, replies are sent as HTML
 * in reply to the message that asked, without link previews. Sending honours 429 `retry_after`.
 */
export type TelegramConfig = {
  token: string;
  apiRoot: string;
  /** Webhook mode: Telegram posts updates to `url` with `secret`; served on Skim's HTTP server. */
  webhook?: { url: string; secret: string } | null;
  /** False: send only (digests); another process takes the updates. */
  receive?: boolean;
};

/** Attempts per message before giving up on a send (each 429 waits as long as Telegram asks). */
const SEND_ATTEMPTS = 4;
/** Longest wait accepted from one `retry_after`, so a stuck chat cannot hold a reply forever. */
const MAX_RETRY_AFTER_S = 60;
/** Updates handled at once; polling goes on while pages are being read. */
const MAX_CONCURRENT = 64;

/** Errors that will not pass: the bot was blocked or removed, or the chat no longer exists. */
function isChatGone(err: unknown): boolean {
  if (!(err instanceof TelegramError)) return false;
  return err.code === 403 || (err.code === 400 && /chat not found|bot was kicked|not a member|user is deactivated|have no rights/i.test(err.description));
}

const ALLOWED_UPDATES: ("message" | "edited_message" | "channel_post" | "edited_channel_post" | "my_chat_member")[] = [
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "my_chat_member",
];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Largest webhook body read: an update is a few kilobytes. */
const MAX_UPDATE_BYTES = 1_000_000;

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_UPDATE_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function createTelegramAdapter(core: Core, config: TelegramConfig, http?: { mount(route: Route): void }): Adapter {
  const bot = new Telegraf(config.token, { telegram: { apiRoot: config.apiRoot } });
  const inFlight = new Set<Promise<void>>();
  let launched: Promise<void> | null = null;
  const queue: Update[] = [];

  const send = async (chatId: string, text: string, replyTo: number | null) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await bot.telegram.sendMessage(chatId, text, {
          parse_mode: "HTML",
          ...(replyTo !== null ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
          link_preview_options: { is_disabled: true },
        });
        return;
      } catch (err) {
        const retryAfter = err instanceof TelegramError && err.code === 429 ? (err.parameters?.retry_after ?? 1) : null;
        if (retryAfter === null || attempt >= SEND_ATTEMPTS) throw err;
        core.log.warn(`telegram: 429 on sendMessage, retrying in ${retryAfter} s`);
        await sleep(Math.min(retryAfter, MAX_RETRY_AFTER_S) * 1000);
      }
    }
  };

  const isAdmin = async (chatId: string, userId: string, raw: Update): Promise<boolean> => {
    const message = "message" in raw ? raw.message : null;
    // Anonymous admins write as the group itself.
    if (message?.from?.id === GROUP_ANONYMOUS_BOT_ID && message.sender_chat?.id === message.chat.id) return true;
    try {
      const member = await bot.telegram.getChatMember(chatId, Number(userId));
      return member.status === "creator" || member.status === "administrator";
    } catch (err) {
      core.log.warn(`telegram: getChatMember failed: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  };

  const handleUpdate = async (update: Update) => {
    if ("my_chat_member" in update) {
      const status = update.my_chat_member.new_chat_member.status;
      if (status === "left" || status === "kicked") await core.forgetChat(`telegram:${update.my_chat_member.chat.id}`);
      return;
    }
    const msg = toIncoming(update);
    if (!msg) return;
    let typing = false;
    try {
      const reply = await core.handle(msg, {
        isAdmin: () => isAdmin(msg.chatId, msg.userId, update),
        botUsername: bot.botInfo?.username,
        working: () => {
          if (typing) return;
          typing = true;
          bot.telegram.sendChatAction(msg.chatId, "typing").catch(() => {});
        },
      });
      for (const text of renderReply(reply, "telegram", core.render)) await send(msg.chatId, text, Number(msg.messageId));
    } catch (err) {
      core.log.error(`telegram: update ${update.update_id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const pump = () => {
    while (inFlight.size < MAX_CONCURRENT && queue.length > 0) {
      const task = handleUpdate(queue.shift()!).finally(() => {
        inFlight.delete(task);
        pump();
      });
      inFlight.add(task);
    }
  };

  core.metrics.queueDepth("telegram", () => queue.length + inFlight.size);

  const enqueue = (update: Update) => {
    queue.push(update);
    pump();
  };

  const webhook = config.webhook ?? null;
  if (webhook && config.receive !== false) {
    if (!http) throw new Error("the Telegram webhook needs the HTTP server (set PORT)");
    const path = new URL(webhook.url).pathname;
    http.mount(async (req, res) => {
      if (new URL(req.url ?? "/", "http://x").pathname !== path) return false;
      if (req.method !== "POST") return void res.writeHead(405).end(), true;
      if (req.headers["x-telegram-bot-api-secret-token"] !== webhook.secret) return void res.writeHead(401).end(), true;
      const body = await readBody(req);
      let update: Update;
      try {
        update = JSON.parse(body ?? "") as Update;
      } catch {
        return void res.writeHead(400).end(), true;
      }
      if (typeof update?.update_id !== "number") return void res.writeHead(400).end(), true;
      // Telegram retries a delivery it thinks was lost, to any process behind the balancer: answer it once.
      if (await core.firstDelivery(`telegram:update:${update.update_id}`)) enqueue(update);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      return true;
    });
  }

  // Handled outside telegraf's middleware so a slow page does not hold up the next getUpdates.
  bot.use((ctx) => enqueue(ctx.update));
  bot.catch((err) => core.log.error(`telegram: ${err instanceof Error ? err.message : String(err)}`));

  return {
    name: "telegram",
    start: async () => {
      if (config.receive === false || webhook) {
        bot.botInfo = await bot.telegram.getMe(); // checks the token: a bad one fails the start
        if (config.receive === false) return;
        await bot.telegram.setWebhook(webhook!.url, { secret_token: webhook!.secret, allowed_updates: ALLOWED_UPDATES });
        await bot.telegram.setMyCommands(telegramCommands()).catch((err: unknown) => core.log.warn(`telegram: setMyCommands failed: ${err instanceof Error ? err.message : String(err)}`));
        return;
      }
      await new Promise<void>((resolve, reject) => {
        launched = bot.launch({ allowedUpdates: ALLOWED_UPDATES }, () => resolve());
        launched.catch(reject);
      });
      try {
        await bot.telegram.setMyCommands(telegramCommands());
      } catch (err) {
        core.log.warn(`telegram: setMyCommands failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    stop: async () => {
      try {
        if (launched) bot.stop("stop");
      } catch {
        // Never launched: nothing to stop.
      }
      // launch() settles once telegraf has confirmed the updates it took; replies in progress finish.
      await Promise.allSettled([launched ?? Promise.resolve(), ...inFlight]);
    },
    send: async (chatId, reply) => {
      try {
        for (const text of renderReply(reply, "telegram", core.render)) await send(chatId, text, null);
        return { ok: true };
      } catch (err) {
        return { ok: false, permanent: isChatGone(err), detail: err instanceof Error ? err.message : String(err) };
      }
    },
    finished: new Promise<void>(() => {}),
  };
}
