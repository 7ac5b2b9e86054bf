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
 * in reply to the message that asked, without link previews. Sending honours 429 `retry_after` and
 * rides out 5xx answers and lost connections with backoff; telegraf's polling retries those by itself
 * (a fixed 5 s wait after each, whatever the body: it reads the status before parsing any JSON).
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
/**
 * A 5xx or a lost connection is retried for this long in all, the wait doubling from the first to the
 * longest: an outage of half a minute costs a late reply, not a lost one; a longer one gives up.
 */
const TRANSIENT_BUDGET_MS = 30_000;
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** Updates handled at once; polling goes on while pages are being read. */
const MAX_CONCURRENT = 64;

/** Errors that will not pass: the bot was blocked or removed, or the chat no longer exists. */
function isChatGone(err: unknown): boolean {
  if (!(err instanceof TelegramError)) return false;
  return err.code === 403 || (err.code === 400 && /chat not found|bot was kicked|not a member|user is deactivated|have no rights/i.test(err.description));
}

/**
 * Faults that pass: a 5xx from Telegram or the proxy in front of it, and node-fetch's FetchError (a
 * refused or reset connection, or a body that is not JSON, such as a proxy's HTML page).
 */
function isTransient(err: unknown): boolean {
  if (err instanceof TelegramError) return err.code >= 500;
  return err instanceof Error && err.name === "FetchError";
}

/** A token Telegram does not know: 401 for a wrong one, 404 for one not shaped like a token. */
function isBadToken(err: unknown): err is TelegramError {
  return err instanceof TelegramError && (err.code === 401 || err.code === 404);
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

  /** An error for the log: node-fetch names the request URL, token included, in some of its messages. */
  const why = (err: unknown): string => {
    if (err instanceof Error && err.name === "FetchError") {
      const { code, type } = err as Error & { code?: string; type?: string };
      return code ?? (type === "invalid-json" ? "an answer that is not JSON" : (type ?? "fetch failed"));
    }
    return (err instanceof Error ? err.message : String(err)).replaceAll(config.token, "<token>");
  };

  /**
   * One Bot API call through passing faults: a 429 waits `retry_after` (SEND_ATTEMPTS in all), a 5xx or
   * network error backs off within TRANSIENT_BUDGET_MS. Only the call that failed is repeated, never the
   * reply parts already sent; yet the Bot API has no idempotency key, so if Telegram took a message and
   * its answer was lost on the way back, the retry shows it twice: rare, and better than no reply.
   */
  const retrying = async <T>(method: string, call: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    let limited = 0;
    for (let failures = 0; ; ) {
      try {
        return await call();
      } catch (err) {
        if (err instanceof TelegramError && err.code === 429) {
          if (++limited >= SEND_ATTEMPTS) throw err;
          const retryAfter = err.parameters?.retry_after ?? 1;
          core.log.warn(`telegram: 429 on ${method}, retrying in ${retryAfter} s`);
          await sleep(Math.min(retryAfter, MAX_RETRY_AFTER_S) * 1000);
          continue;
        }
        const wait = Math.min(FIRST_BACKOFF_MS * 2 ** failures++, MAX_BACKOFF_MS);
        if (!isTransient(err) || Date.now() + wait - started > TRANSIENT_BUDGET_MS) throw err;
        core.log.warn(`telegram: ${method} failed (${why(err)}), retrying in ${wait / 1000} s`);
        await sleep(wait);
      }
    }
  };

  const send = (chatId: string, text: string, replyTo: number | null) =>
    retrying("sendMessage", () =>
      bot.telegram.sendMessage(chatId, text, {
        parse_mode: "HTML",
        ...(replyTo !== null ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
        link_preview_options: { is_disabled: true },
      }),
    );

  /** Checks the token (a bad one fails the start in one sentence that does not show it) and fills botInfo. */
  const getMe = async () => {
    try {
      bot.botInfo = await retrying("getMe", () => bot.telegram.getMe());
    } catch (err) {
      if (isBadToken(err)) {
        throw new Error(`Telegram rejected TELEGRAM_BOT_TOKEN (${err.code} ${err.description}): check the token from @BotFather`);
      }
      throw new Error(`telegram: getMe failed: ${why(err)}`);
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
      core.log.warn(`telegram: getChatMember failed: ${why(err)}`);
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
      core.log.error(`telegram: update ${update.update_id}: ${why(err)}`);
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
  bot.catch((err) => core.log.error(`telegram: ${why(err)}`));

  return {
    name: "telegram",
    start: async () => {
      await getMe();
      if (config.receive === false) return;
      if (webhook) {
        await bot.telegram.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: ALLOWED_UPDATES });
        await bot.telegram.setMyCommands(telegramCommands()).catch((err: unknown) => core.log.warn(`telegram: setMyCommands failed: ${why(err)}`));
        return;
      }
      // botInfo is known, so launch() skips getMe and goes on to deleteWebhook and polling; it settles
      // when polling ends: on stop(), or on what telegraf does not retry (401 token revoked, 409 another
      // poller, a failed deleteWebhook). Said out loud, or the bot would go deaf in silence.
      const polling = bot.launch({ allowedUpdates: ALLOWED_UPDATES });
      polling.catch((err: unknown) => core.log.error(`telegram: long polling stopped: ${why(err)}`));
      launched = polling;
      try {
        await bot.telegram.setMyCommands(telegramCommands());
      } catch (err) {
        core.log.warn(`telegram: setMyCommands failed: ${why(err)}`);
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
        return { ok: false, permanent: isChatGone(err), detail: why(err) };
      }
    },
    finished: new Promise<void>(() => {}),
  };
}
