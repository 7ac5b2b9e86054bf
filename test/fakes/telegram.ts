import { readFileSync } from "node:fs";
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type {
  BotCommand,
  Chat,
  ChatMember,
  Message,
  MessageEntity,
  PhotoSize,
  Update,
  User,
  UserFromGetMe,
} from "telegraf/types";

/**
 * A fake Telegram Bot API server for tests (https://core.telegram.org/bots/api), good enough for a
 * real `Telegraf` to run against it: `new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } })`.
 *
 * It listens on 127.0.0.1 only, records every call (`calls`, `waitFor`), queues updates for real long
 * polling (`pushUpdate`, `message`), can refuse calls the way Telegram does (`failNext`), and can be
 * unreachable for a while behind its proxy (`outage`: every call answers 502).
 *
 * What it checks like Telegram does: the token, getUpdates offsets / limit / allowed_updates, one poller
 * at a time (409), sendMessage's text (empty, over 4096 characters, HTML that does not parse) and
 * reply target, editMessageText's target and "message is not modified". What it does not do: entities
 * in results (the result text of an HTML message is the text without tags), Markdown parsing, files,
 * rate limits of its own (use `failNext`), chat permissions (every chat accepts every message).
 */

// ---------------------------------------------------------------------------------------------------
// Tunables

export const DEFAULT_TOKEN = "7000000001:AAFakeTokenForSkimTestsOnly_0123456789";

export const DEFAULT_BOT: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: "Skim Test",
  username: "skim_test_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

/** The human who writes the messages `fake.message()` builds unless told otherwise. */
export const DEFAULT_USER: User = {
  id: 123456789,
  is_bot: false,
  first_name: "Alice",
  last_name: "Example",
  username: "alice_example",
  language_code: "en",
};

/** Chats `fake.message({ chat: "group" })` etc. use. Supergroup and channel ids start with -100. */
export const DEFAULT_CHATS = {
  group: { id: -4012345678, type: "group", title: "Skim Test Group" },
  supergroup: { id: -1001234567890, type: "supergroup", title: "Skim Test Supergroup", username: "skim_test_supergroup" },
  channel: { id: -1009876543210, type: "channel", title: "Skim Test Channel", username: "skim_test_channel" },
} as const satisfies Record<string, Chat>;

/** Who speaks for an anonymous group administrator (`from` of their messages; `sender_chat` is the group). */
export const GROUP_ANONYMOUS_BOT: User = { id: 1087968824, is_bot: true, first_name: "Group", username: "GroupAnonymousBot" };

/** How long `waitFor` waits unless told. */
export const DEFAULT_WAIT_MS = 2_000;
/** Bot API limits (https://core.telegram.org/bots/api#sendmessage, #getupdates). */
export const MAX_MESSAGE_LENGTH = 4096;
export const MAX_UPDATES_LIMIT = 100;
/** With an empty or missing allowed_updates list, Telegram sends every update type except these. */
export const OPT_IN_UPDATE_TYPES: readonly string[] = ["chat_member", "message_reaction", "message_reaction_count"];
/** The first id `pushUpdate` assigns (real ids are large numbers of no meaning). */
const FIRST_UPDATE_ID = 415_000_001;
const FIRST_MESSAGE_ID = 1_001;

// ---------------------------------------------------------------------------------------------------
// Types

export type Params = Record<string, unknown>;

/** A file part of a multipart request (the fake keeps its size, not its bytes). */
export type RecordedFile = { file: true; filename: string; type: string; size: number };

export type ApiSuccess = { ok: true; result: unknown };
export type ApiError = {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
};
export type ApiResponse = ApiSuccess | ApiError;

export type RecordedCall = {
  /** 0, 1, 2... in arrival order, across all methods. */
  seq: number;
  /** As the client spelled it in the URL (Bot API method names are case-insensitive). */
  method: string;
  /** Query string and body merged; form fields decoded to numbers, booleans and JSON as Telegram would. */
  params: Params;
  /** Form and multipart fields as they came on the wire (empty for JSON bodies). */
  raw: Record<string, string>;
  httpMethod: string;
  body: "json" | "form" | "multipart" | "none";
  /** Date.now() when the request arrived. */
  at: number;
  /** The answer, once sent (a held getUpdates has none until it is answered). */
  response?: ApiResponse;
  /** The connection was dropped without an answer (`failNext` with `hangUp`). */
  dropped?: true;
};

export type Failure = {
  error_code: number;
  /** Defaults to Telegram's wording for the code, e.g. "Too Many Requests: retry after 3". */
  description?: string;
  retry_after?: number;
  migrate_to_chat_id?: number;
  /** How many calls in a row fail (default 1). */
  times?: number;
  /** Answer with the HTML page a proxy in front of Telegram sends (nginx's), not Telegram's JSON. */
  html?: boolean;
  /** Drop the connection without answering (the client sees ECONNRESET, "socket hang up"); the call is not carried out. */
  hangUp?: boolean;
};

export type OutageOptions = {
  /** Answer with nginx's HTML "502 Bad Gateway" page, as a real proxy does, instead of Bot API JSON. */
  html?: boolean;
};

export type MemberStatus = ChatMember["status"];
export type ChatKind = "private" | "group" | "supergroup" | "channel";
export type MessageUpdateKind = "message" | "edited_message" | "channel_post" | "edited_channel_post";

/** An Update whose update_id may be left for the fake to assign. */
export type UpdateInput = Update extends infer U ? (U extends Update ? Omit<U, "update_id"> & { update_id?: number } : never) : never;

export type MessageInput = {
  /** Which Update field carries the message; default "message", or "channel_post" in a channel. */
  update?: MessageUpdateKind;
  /** A default chat of that kind, or a chat of your own. Default "private" (the chat of `from`). */
  chat?: ChatKind | Chat;
  /** Merged over DEFAULT_USER. Channel posts have no `from` unless you give one. */
  from?: Partial<User>;
  /** For channel posts and anonymous admins: the chat the message is sent on behalf of. */
  sender_chat?: Chat;
  text?: string;
  /** Default: url, bot_command and mention entities found in `text` as Telegram would mark them. */
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  /** `true` for three made-up sizes. */
  photo?: true | PhotoSize[];
  /** The message replied to (or an update carrying it); its own reply_to_message is dropped as Telegram does. */
  reply_to_message?: Message | Update;
  message_id?: number;
  date?: number;
  edit_date?: number;
  /** Any other Message fields, merged last. */
  extra?: Record<string, unknown>;
};

export type FakeTelegramOptions = {
  token?: string;
  /** Merged over DEFAULT_BOT; getMe answers with it. */
  bot?: Partial<UserFromGetMe>;
  /**
   * Hold a long poll at most this long, whatever `timeout` the client asked for (telegraf always asks
   * for 50 s). Default: honour the request. Pushed updates and close() answer held polls at once anyway.
   */
  maxPollMs?: number;
};

export type FakeTelegram = {
  /** `http://127.0.0.1:PORT`, for `telegram: { apiRoot }`. */
  readonly apiRoot: string;
  readonly token: string;
  /** What getMe answers. */
  readonly botInfo: UserFromGetMe;
  /** Queue an update for getUpdates; returns what was queued (a copy, with its update_id). */
  pushUpdate(update: UpdateInput): Update;
  /** Build (not queue) a realistic message update. */
  message(input?: MessageInput): Update;
  /** Register a chat so getChat and sendMessage know it; returns it. Updates register their chats too. */
  chat(chat: ChatKind | Chat): Chat;
  /** Set what getChatMember answers for that user in that chat (default "member"). */
  chatMember(chatId: number | string, userId: number, status: MemberStatus): void;
  /** Recorded calls in arrival order; with a method, only that one (case-insensitive). */
  calls(method?: string): RecordedCall[];
  /**
   * The first call (past or future) to `method` matching `predicate`; rejects after `timeoutMs`.
   * The predicate is tried when a call arrives and again once it is answered (`call.response`).
   */
  waitFor(method: string, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Make the next `failure.times` (default 1) calls to `method` fail with that error. */
  failNext(method: string, failure: Failure): void;
  /**
   * For `ms` from now every call (any method, any token) answers HTTP 502 Bad Gateway, as the proxy in
   * front of an unreachable Bot API does; a held poll is answered so at once. Calls are still recorded,
   * with that 502 as `response`. Resolves when the outage is over (or on close()).
   */
  outage(ms: number, options?: OutageOptions): Promise<void>;
  /** Updates queued and not yet confirmed by an offset. */
  pendingUpdates(): Update[];
  /** Answers held polls with [], rejects pending waitFor, closes every connection and the server. */
  close(): Promise<void>;
};

/** Read `test/fixtures/telegram/<name>.json`, an Update written from the Bot API documentation. */
export function telegramFixture(name: string): Update {
  const url = new URL(`../fixtures/telegram/${name}.json`, import.meta.url);
  const value: unknown = JSON.parse(readFileSync(url, "utf8"));
  if (!isRecord(value) || typeof value["update_id"] !== "number" || updateType(value) === undefined) {
    throw new Error(`fixture ${name}: not an Update (update_id and one update field expected)`);
  }
  return value as unknown as Update;
}

// ---------------------------------------------------------------------------------------------------
// The server

type HeldPoll = {
  call: RecordedCall;
  res: ServerResponse;
  limit: number;
  allowed: ReadonlySet<string> | undefined;
  timer: NodeJS.Timeout | undefined;
};

type Waiter = {
  method: string;
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
  /** Called by close(). */
  cancel: () => void;
};

class ApiRefusal extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {
    super(description);
  }
}

const badRequest = (what: string) => new ApiRefusal(400, `Bad Request: ${what}`);

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? DEFAULT_TOKEN;
  const botInfo: UserFromGetMe = { ...DEFAULT_BOT, ...options.bot };
  const botUser: User = { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username };

  const recorded: RecordedCall[] = [];
  const waiters = new Set<Waiter>();
  const failures = new Map<string, Failure[]>();
  const queue: Update[] = [];
  let lastUpdateId = FIRST_UPDATE_ID - 1;
  let nextMessageId = FIRST_MESSAGE_ID;
  /** allowed_updates as last given to getUpdates (undefined: the default set). */
  let allowedUpdates: ReadonlySet<string> | undefined;
  let webhookUrl = "";
  let heldPoll: HeldPoll | undefined;
  let closed = false;
  /** Date.now() until which every call answers 502, and in which form. */
  let outageUntil = 0;
  let outageHtml = false;
  const outageEnds = new Set<{ timer: NodeJS.Timeout; end: () => void }>();

  const chats = new Map<string, Chat>();
  const users = new Map<number, User>();
  const messages = new Map<string, Map<number, Message>>();
  const members = new Map<string, MemberStatus>();
  const commands = new Map<string, BotCommand[]>();

  // --- chats, users, messages the fake knows --------------------------------------------------------

  function rememberChat(chat: Chat): Chat {
    const known = chats.get(String(chat.id));
    const merged = { ...known, ...chat } as Chat;
    chats.set(String(chat.id), merged);
    return merged;
  }

  function findChat(chatId: unknown): Chat | undefined {
    if (typeof chatId === "string" && chatId.startsWith("@")) {
      const name = chatId.slice(1).toLowerCase();
      return [...chats.values()].find((c) => "username" in c && c.username?.toLowerCase() === name);
    }
    return chats.get(String(chatId));
  }

  /** sendMessage to a chat the fake never saw: make one up from the id, as lenient as a real known chat. */
  function chatFor(chatId: unknown): Chat {
    const known = findChat(chatId);
    if (known !== undefined) return known;
    if (typeof chatId !== "number" && !(typeof chatId === "string" && /^-?\d+$/.test(chatId))) {
      throw badRequest("chat not found");
    }
    const id = Number(chatId);
    const chat: Chat =
      id > 0
        ? { id, type: "private", first_name: users.get(id)?.first_name ?? `User ${id}` }
        : String(id).startsWith("-100")
          ? { id, type: "supergroup", title: `Chat ${id}` }
          : { id, type: "group", title: `Chat ${id}` };
    return rememberChat(chat);
  }

  function rememberMessage(message: Message): void {
    rememberChat(message.chat);
    if ("from" in message && message.from !== undefined) users.set(message.from.id, message.from);
    if ("sender_chat" in message && message.sender_chat !== undefined) rememberChat(message.sender_chat);
    if ("reply_to_message" in message && message.reply_to_message !== undefined) {
      rememberMessage(message.reply_to_message as Message);
    }
    const key = String(message.chat.id);
    const inChat = messages.get(key) ?? new Map<number, Message>();
    messages.set(key, inChat);
    inChat.set(message.message_id, message);
    if (message.message_id >= nextMessageId) nextMessageId = message.message_id + 1;
  }

  function rememberUpdate(update: Update): void {
    for (const value of Object.values(update)) {
      if (!isRecord(value)) continue;
      if (isMessage(value)) rememberMessage(value as unknown as Message);
      if (isRecord(value["from"]) && typeof value["from"]["id"] === "number") {
        users.set(value["from"]["id"], value["from"] as unknown as User);
      }
      const inner = value["message"]; // callback_query.message
      if (isRecord(inner) && isMessage(inner)) rememberMessage(inner as unknown as Message);
      if (isRecord(value["chat"]) && typeof value["chat"]["id"] === "number") rememberChat(value["chat"] as unknown as Chat);
    }
  }

  function storedMessage(chat: Chat, messageId: unknown): Message | undefined {
    return typeof messageId === "number" ? messages.get(String(chat.id))?.get(messageId) : undefined;
  }

  // --- updates and long polling ---------------------------------------------------------------------

  function pushUpdate(input: UpdateInput): Update {
    const update = structuredClone(input) as Params;
    const given = update["update_id"];
    update["update_id"] = typeof given === "number" && given > lastUpdateId ? given : lastUpdateId + 1;
    lastUpdateId = update["update_id"] as number;
    if (updateType(update) === undefined) throw new Error(`pushUpdate: no update field in ${JSON.stringify(input)}`);
    const queued = update as unknown as Update;
    rememberUpdate(queued);
    queue.push(queued);
    if (heldPoll !== undefined) releaseHeldPoll();
    return structuredClone(queued);
  }

  /** Drop what an offset confirms (or, negative, everything but the last -offset updates). */
  function applyOffset(offset: number): void {
    if (offset > 0) {
      while (queue[0] !== undefined && queue[0].update_id < offset) queue.shift();
    } else if (offset < 0) {
      queue.splice(0, Math.max(0, queue.length + offset));
    }
  }

  /** The updates a poll gets; those of types it does not want are dropped, as Telegram never queues them. */
  function takeFor(limit: number, allowed: ReadonlySet<string> | undefined): Update[] {
    for (let i = queue.length - 1; i >= 0; i--) {
      const type = updateType(queue[i] as unknown as Params) ?? "";
      const wanted = allowed === undefined ? !OPT_IN_UPDATE_TYPES.includes(type) : allowed.has(type);
      if (!wanted) queue.splice(i, 1);
    }
    return structuredClone(queue.slice(0, limit));
  }

  function releaseHeldPoll(): void {
    const poll = heldPoll;
    if (poll === undefined) return;
    const updates = takeFor(poll.limit, poll.allowed);
    if (updates.length === 0 && !closed) return;
    heldPoll = undefined;
    clearTimeout(poll.timer);
    answer(poll.call, poll.res, { ok: true, result: updates });
  }

  function getUpdates(call: RecordedCall, res: ServerResponse): void {
    if (webhookUrl !== "") {
      throw new ApiRefusal(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const p = call.params;
    const offset = intParam(p["offset"], 0);
    const limit = Math.min(MAX_UPDATES_LIMIT, Math.max(1, intParam(p["limit"], MAX_UPDATES_LIMIT)));
    const timeout = Math.max(0, intParam(p["timeout"], 0));
    if (Array.isArray(p["allowed_updates"])) {
      const list = p["allowed_updates"].map(String);
      allowedUpdates = list.length === 0 ? undefined : new Set(list);
    }
    // Telegram lets one poller in at a time: the earlier request is ended with 409.
    if (heldPoll !== undefined) {
      const earlier = heldPoll;
      heldPoll = undefined;
      clearTimeout(earlier.timer);
      answer(earlier.call, earlier.res, refusal(new ApiRefusal(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")));
    }
    applyOffset(offset);
    const updates = takeFor(limit, allowedUpdates);
    if (updates.length > 0 || timeout === 0 || closed) {
      answer(call, res, { ok: true, result: updates });
      return;
    }
    const holdMs = Math.min(timeout * 1000, options.maxPollMs ?? Number.POSITIVE_INFINITY);
    const poll: HeldPoll = { call, res, limit, allowed: allowedUpdates, timer: undefined };
    poll.timer = setTimeout(() => {
      if (heldPoll !== poll) return;
      heldPoll = undefined;
      answer(call, res, { ok: true, result: [] });
    }, holdMs);
    heldPoll = poll;
    // telegraf aborts its poll on stop(): forget it so nothing is written to a dead socket.
    res.once("close", () => {
      if (heldPoll !== poll) return;
      heldPoll = undefined;
      clearTimeout(poll.timer);
    });
  }

  // --- methods ---------------------------------------------------------------------------------------

  function sendMessage(p: Params): Message {
    const chat = chatFor(requireChatId(p));
    const text = typeof p["text"] === "string" ? p["text"] : "";
    const plain = parsedText(text, p["parse_mode"]);
    if (plain.trim() === "") throw badRequest("message text is empty");
    if (plain.length > MAX_MESSAGE_LENGTH) throw badRequest("message is too long");
    const message: Params = {
      message_id: nextMessageId++,
      from: botUser,
      chat,
      date: nowSeconds(),
      text: plain,
    };
    if (chat.type === "channel") {
      delete message["from"];
      message["sender_chat"] = chat;
    }
    if (Array.isArray(p["entities"])) message["entities"] = p["entities"];
    if (isRecord(p["link_preview_options"])) message["link_preview_options"] = p["link_preview_options"];
    if (isRecord(p["reply_markup"]) && "inline_keyboard" in p["reply_markup"]) message["reply_markup"] = p["reply_markup"];
    const target = replyTarget(chat, p);
    if (target !== undefined) message["reply_to_message"] = withoutReply(target);
    const sent = message as unknown as Message;
    rememberMessage(sent);
    return sent;
  }

  function replyTarget(chat: Chat, p: Params): Message | undefined {
    const rp = isRecord(p["reply_parameters"]) ? p["reply_parameters"] : undefined;
    const messageId = rp?.["message_id"] ?? p["reply_to_message_id"];
    if (messageId === undefined) return undefined;
    const inChat = rp?.["chat_id"] === undefined ? chat : findChat(rp["chat_id"]);
    const target = inChat === undefined ? undefined : storedMessage(inChat, messageId);
    const lenient = rp?.["allow_sending_without_reply"] === true || p["allow_sending_without_reply"] === true;
    if (target === undefined && !lenient) throw badRequest("message to be replied not found");
    return target;
  }

  function editMessageText(p: Params): Message | true {
    if (p["inline_message_id"] !== undefined) return true;
    const chat = findChat(requireChatId(p));
    if (chat === undefined) throw badRequest("chat not found");
    const old = storedMessage(chat, p["message_id"]);
    if (old === undefined) throw badRequest("message to edit not found");
    if ("from" in old && old.from !== undefined && old.from.id !== botInfo.id) throw badRequest("message can't be edited");
    const text = typeof p["text"] === "string" ? p["text"] : "";
    const plain = parsedText(text, p["parse_mode"]);
    if (plain.trim() === "") throw badRequest("message text is empty");
    if (plain.length > MAX_MESSAGE_LENGTH) throw badRequest("message is too long");
    const oldMarkup = "reply_markup" in old ? old.reply_markup : undefined;
    if ("text" in old && old.text === plain && JSON.stringify(oldMarkup) === JSON.stringify(p["reply_markup"])) {
      throw badRequest(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    const edited: Params = { ...(old as unknown as Params), text: plain, edit_date: nowSeconds() };
    if (Array.isArray(p["entities"])) edited["entities"] = p["entities"];
    else delete edited["entities"];
    if (isRecord(p["reply_markup"])) edited["reply_markup"] = p["reply_markup"];
    const message = edited as unknown as Message;
    rememberMessage(message);
    return message;
  }

  function chatMemberOf(p: Params): ChatMember {
    const chat = findChat(requireChatId(p));
    if (chat === undefined) throw badRequest("chat not found");
    const userId = p["user_id"];
    if (typeof userId !== "number") throw badRequest("user not found");
    const user = userId === botInfo.id ? botUser : (users.get(userId) ?? { id: userId, is_bot: false, first_name: `User ${userId}` });
    const status = members.get(`${chat.id}:${userId}`) ?? "member";
    return memberRecord(user, status);
  }

  function commandsKey(p: Params): string {
    return `${JSON.stringify(p["scope"] ?? { type: "default" })}|${typeof p["language_code"] === "string" ? p["language_code"] : ""}`;
  }

  function setMyCommands(p: Params): true {
    const list = p["commands"];
    if (!Array.isArray(list)) throw badRequest("parameter \"commands\" is required");
    for (const item of list) {
      if (!isRecord(item) || typeof item["command"] !== "string" || !/^[a-z0-9_]{1,32}$/.test(item["command"])) {
        throw badRequest("BOT_COMMAND_INVALID");
      }
      const description = item["description"];
      if (typeof description !== "string" || description.length < 1 || description.length > 256) {
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
    }
    commands.set(commandsKey(p), list as BotCommand[]);
    return true;
  }

  function handle(method: string, call: RecordedCall, res: ServerResponse): void {
    const p = call.params;
    const reply = (result: unknown) => answer(call, res, { ok: true, result });
    switch (method.toLowerCase()) {
      case "getupdates":
        return getUpdates(call, res);
      case "getme":
        return reply(botInfo);
      case "deletewebhook":
        webhookUrl = "";
        if (p["drop_pending_updates"] === true) queue.splice(0);
        return reply(true);
      case "setwebhook":
        webhookUrl = typeof p["url"] === "string" ? p["url"] : "";
        if (p["drop_pending_updates"] === true) queue.splice(0);
        return reply(true);
      case "getwebhookinfo":
        return reply({ url: webhookUrl, has_custom_certificate: false, pending_update_count: queue.length });
      case "setmycommands":
        return reply(setMyCommands(p));
      case "getmycommands":
        return reply(commands.get(commandsKey(p)) ?? []);
      case "deletemycommands":
        commands.delete(commandsKey(p));
        return reply(true);
      case "sendmessage":
        return reply(sendMessage(p));
      case "editmessagetext":
        return reply(editMessageText(p));
      case "sendchataction":
        if (typeof p["action"] !== "string") throw badRequest("action is empty");
        chatFor(requireChatId(p));
        return reply(true);
      case "getchat": {
        const chat = findChat(requireChatId(p));
        if (chat === undefined) throw badRequest("chat not found");
        return reply(chat.type === "private" || chat.type === "channel" ? { accent_color_id: 0, ...chat } : chat);
      }
      case "getchatmember":
        return reply(chatMemberOf(p));
      case "getchatadministrators": {
        const chat = findChat(requireChatId(p));
        if (chat === undefined) throw badRequest("chat not found");
        const admins: ChatMember[] = [];
        for (const [key, status] of members) {
          const [chatId, userId] = key.split(":");
          if (chatId !== String(chat.id) || (status !== "creator" && status !== "administrator")) continue;
          const id = Number(userId);
          admins.push(memberRecord(users.get(id) ?? { id, is_bot: false, first_name: `User ${id}` }, status));
        }
        return reply(admins);
      }
      case "answercallbackquery":
        if (typeof p["callback_query_id"] !== "string") throw badRequest("query_id is empty");
        return reply(true);
      case "deletemessage": {
        const chat = findChat(requireChatId(p));
        if (chat === undefined || storedMessage(chat, p["message_id"]) === undefined) throw badRequest("message to delete not found");
        messages.get(String(chat.id))?.delete(p["message_id"] as number);
        return reply(true);
      }
      default:
        return reply(true);
    }
  }

  // --- HTTP ------------------------------------------------------------------------------------------

  /** With `html`, an error goes out as a proxy's page; `call.response` records it as JSON all the same. */
  function answer(call: RecordedCall, res: ServerResponse, response: ApiResponse, html = false): void {
    call.response = response;
    notify(call); // predicates may look at the response
    if (res.writableEnded || res.destroyed) return;
    const status = response.ok ? 200 : response.error_code;
    if (html && !response.ok) res.writeHead(status, { "content-type": "text/html" }).end(proxyPage(status));
    else res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(response));
  }

  function record(call: RecordedCall): void {
    recorded.push(call);
    notify(call);
  }

  function notify(call: RecordedCall): void {
    for (const waiter of [...waiters]) {
      if (sameMethod(call.method, waiter.method) && waiter.predicate(call)) waiter.resolve(call);
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (match === null || (req.method !== "GET" && req.method !== "POST")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
      return;
    }
    const [, pathToken = "", method = ""] = match;
    const body = await readBody(req);
    const { params, raw, kind } = await decodeParams(url, req.headers["content-type"] ?? "", body);
    const call: RecordedCall = { seq: recorded.length, method, params, raw, httpMethod: req.method, body: kind, at: Date.now() };
    record(call);
    // The proxy answers before Telegram sees the token.
    if (Date.now() < outageUntil) {
      answer(call, res, badGateway(), outageHtml);
      return;
    }
    if (pathToken !== token) {
      answer(call, res, { ok: false, error_code: 401, description: "Unauthorized" });
      return;
    }
    const failure = takeFailure(method);
    if (failure?.hangUp === true) {
      call.dropped = true;
      notify(call);
      res.socket?.destroy();
      return;
    }
    if (failure !== undefined) {
      answer(call, res, failureResponse(failure), failure.html === true);
      return;
    }
    try {
      handle(method, call, res);
    } catch (error) {
      if (!(error instanceof ApiRefusal)) throw error;
      answer(call, res, refusal(error));
    }
  }

  function takeFailure(method: string): Failure | undefined {
    const key = method.toLowerCase();
    const pending = failures.get(key);
    const next = pending?.[0];
    if (pending === undefined || next === undefined) return undefined;
    const left = (next.times ?? 1) - 1;
    if (left > 0) pending[0] = { ...next, times: left };
    else pending.shift();
    if (pending.length === 0) failures.delete(key);
    return next;
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`fake Telegram failed: ${String(error)}`);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botInfo,
    pushUpdate,
    message(input: MessageInput = {}): Update {
      return buildMessageUpdate(input, nextMessageId++, lastUpdateId + 1);
    },
    chat(chat: ChatKind | Chat): Chat {
      return rememberChat(typeof chat === "string" ? defaultChat(chat, DEFAULT_USER) : chat);
    },
    chatMember(chatId, userId, status) {
      members.set(`${findChat(chatId)?.id ?? chatId}:${userId}`, status);
    },
    calls(method?: string): RecordedCall[] {
      return recorded.filter((c) => method === undefined || sameMethod(c.method, method));
    },
    waitFor(method, predicate = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedCall> {
      const seen = recorded.find((c) => sameMethod(c.method, method) && predicate(c));
      if (seen !== undefined) return Promise.resolve(seen);
      if (closed) return Promise.reject(new Error(`waitFor(${method}): the fake Telegram is closed`));
      return new Promise((resolve, reject) => {
        const settle = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        const waiter: Waiter = {
          method,
          predicate,
          resolve: (call) => {
            settle();
            resolve(call);
          },
          cancel: () => {
            settle();
            reject(new Error(`waitFor(${method}): the fake Telegram was closed; calls seen:\n${describeCalls(recorded)}`));
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`waitFor(${method}) timed out after ${timeoutMs} ms; calls seen:\n${describeCalls(recorded)}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    failNext(method, failure) {
      const key = method.toLowerCase();
      failures.set(key, [...(failures.get(key) ?? []), failure]);
    },
    outage(ms, outageOptions = {}) {
      outageUntil = Math.max(outageUntil, Date.now() + ms);
      outageHtml = outageOptions.html === true;
      // Long polls in progress go through the same proxy: they fail now rather than at their timeout.
      const poll = heldPoll;
      if (poll !== undefined) {
        heldPoll = undefined;
        clearTimeout(poll.timer);
        answer(poll.call, poll.res, badGateway(), outageHtml);
      }
      return new Promise<void>((resolve) => {
        const entry = {
          timer: setTimeout(() => entry.end(), ms),
          end: () => {
            clearTimeout(entry.timer);
            outageEnds.delete(entry);
            resolve();
          },
        };
        outageEnds.add(entry);
      });
    },
    pendingUpdates: () => structuredClone(queue),
    async close() {
      if (closed) return;
      closed = true;
      for (const entry of [...outageEnds]) entry.end();
      releaseHeldPoll();
      for (const waiter of [...waiters]) waiter.cancel();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Building updates

function defaultChat(kind: ChatKind, from: User): Chat {
  if (kind !== "private") return { ...DEFAULT_CHATS[kind] };
  const chat: Chat.PrivateChat = { id: from.id, type: "private", first_name: from.first_name };
  if (from.last_name !== undefined) chat.last_name = from.last_name;
  if (from.username !== undefined) chat.username = from.username;
  return chat;
}

function buildMessageUpdate(input: MessageInput, messageId: number, updateId: number): Update {
  const chatInput = input.chat ?? "private";
  const from: User = { ...DEFAULT_USER, ...input.from };
  const chat = typeof chatInput === "string" ? defaultChat(chatInput, from) : chatInput;
  const kind: MessageUpdateKind = input.update ?? (chat.type === "channel" ? "channel_post" : "message");
  const edited = kind === "edited_message" || kind === "edited_channel_post";
  const now = nowSeconds();
  const message: Params = { message_id: input.message_id ?? messageId };
  if (chat.type !== "channel" || input.from !== undefined) message["from"] = from;
  if (input.sender_chat !== undefined) message["sender_chat"] = input.sender_chat;
  else if (chat.type === "channel") message["sender_chat"] = chat;
  message["chat"] = chat;
  message["date"] = input.date ?? (edited ? now - 60 : now);
  if (edited) message["edit_date"] = input.edit_date ?? now;
  if (input.reply_to_message !== undefined) message["reply_to_message"] = withoutReply(messageOf(input.reply_to_message));
  if (input.text !== undefined) {
    message["text"] = input.text;
    const entities = input.entities ?? detectEntities(input.text);
    if (entities.length > 0) message["entities"] = entities;
  }
  if (input.photo !== undefined) message["photo"] = input.photo === true ? madeUpPhoto(message["message_id"] as number) : input.photo;
  if (input.caption !== undefined) {
    message["caption"] = input.caption;
    const entities = input.caption_entities ?? detectEntities(input.caption);
    if (entities.length > 0) message["caption_entities"] = entities;
  }
  Object.assign(message, input.extra);
  return { update_id: updateId, [kind]: message } as unknown as Update;
}

function madeUpPhoto(seed: number): PhotoSize[] {
  const sizes: [number, number, number][] = [
    [90, 60, 1_234],
    [320, 213, 15_678],
    [1280, 853, 123_456],
  ];
  return sizes.map(([width, height, file_size], i) => ({
    file_id: `AgACAgIAAxkBAAI${seed}${"abc"[i] ?? ""}FakePhotoFileId`,
    file_unique_id: `AQAD${seed}${"xyz"[i] ?? ""}`,
    width,
    height,
    file_size,
  }));
}

function messageOf(value: Message | Update): Message {
  if (!("update_id" in value)) return value;
  for (const v of Object.values(value)) if (isRecord(v) && isMessage(v)) return v as unknown as Message;
  throw new Error("reply_to_message: that update carries no message");
}

/** Telegram never nests replies: "will not contain further reply_to_message fields". */
function withoutReply(message: Message): Message {
  const copy = { ...(message as unknown as Params) };
  delete copy["reply_to_message"];
  return copy as unknown as Message;
}

/**
 * Entities as Telegram marks them in plain text: bot commands, URLs and @mentions. Offsets and
 * lengths are in UTF-16 code units, as the Bot API counts them, which is also how JS strings index.
 */
export function detectEntities(text: string): MessageEntity[] {
  const found: MessageEntity[] = [];
  const pattern = /(?<=^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?=$|\s)|\b((?:https?:\/\/|www\.)[^\s<>"]+)|(?<=^|\s)(@[A-Za-z0-9_]{5,32})\b/g;
  for (const m of text.matchAll(pattern)) {
    const offset = m.index;
    if (m[1] !== undefined) {
      // A command addressed to another bot (/summary@other_bot) is still a bot_command entity.
      found.push({ type: "bot_command", offset, length: m[1].length });
    } else if (m[2] !== undefined) {
      const url = m[2].replace(/[.,;:!?'")\]]+$/, "");
      found.push({ type: "url", offset, length: url.length });
    } else if (m[3] !== undefined) {
      found.push({ type: "mention", offset, length: m[3].length });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Decoding requests

/** Form fields that stay strings even when they look like numbers, booleans or JSON. */
const TEXT_FIELDS = new Set([
  "text", "caption", "description", "short_description", "title", "name", "query", "url", "callback_query_id",
  "inline_message_id", "parse_mode", "action", "language_code", "quote", "emoji", "custom_title", "secret_token",
  "ip_address", "next_offset", "switch_pm_text", "switch_pm_parameter", "address", "phone_number", "first_name",
  "last_name", "vcard", "question", "explanation", "payload", "currency", "start_parameter", "file_id", "method",
]);

function coerceField(name: string, value: string): unknown {
  if (TEXT_FIELDS.has(name)) return value;
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^-?\d{1,16}$/.test(value)) return Number(value);
  if (value.startsWith("{") || value.startsWith("[")) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

async function decodeParams(
  url: URL,
  contentType: string,
  body: Buffer,
): Promise<{ params: Params; raw: Record<string, string>; kind: RecordedCall["body"] }> {
  const params: Params = {};
  const raw: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    raw[name] = value;
    params[name] = coerceField(name, value);
  }
  const type = contentType.toLowerCase();
  if (body.length === 0) return { params, raw, kind: "none" };
  if (type.startsWith("application/json")) {
    const value: unknown = JSON.parse(body.toString("utf8"));
    if (isRecord(value)) Object.assign(params, value);
    return { params, raw, kind: "json" };
  }
  const multipart = type.startsWith("multipart/form-data");
  if (multipart || type.startsWith("application/x-www-form-urlencoded")) {
    const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    for (const [name, value] of form) {
      if (typeof value === "string") {
        raw[name] = value;
        params[name] = coerceField(name, value);
      } else {
        const file: RecordedFile = { file: true, filename: value.name, type: value.type, size: value.size };
        params[name] = file;
      }
    }
    return { params, raw, kind: multipart ? "multipart" : "form" };
  }
  return { params, raw, kind: "none" };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// ---------------------------------------------------------------------------------------------------
// Telegram HTML (https://core.telegram.org/bots/api#html-style)

const HTML_TAGS = new Set([
  "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji",
]);
const HTML_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/**
 * The text Telegram stores for an HTML message (tags removed, entities decoded), refusing what its
 * parser refuses. The wording follows errors reported from the real API: `"<<b>"` gives
 * `Unsupported start tag "<b"`, a stray `</p>` gives `Unexpected end tag`. Every `<` must start a
 * supported tag; a bare `>` or `&` is let through (the docs ask for escapes, Telegram tolerates them).
 */
function parsedText(text: string, parseMode: unknown): string {
  if (typeof parseMode !== "string" || parseMode.toLowerCase() !== "html") return text;
  const fail = (why: string, index: number) =>
    badRequest(`can't parse entities: ${why} at byte offset ${Buffer.byteLength(text.slice(0, index))}`);
  const open: string[] = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch === "&") {
      const entity = /^&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/.exec(text.slice(i));
      const name = entity?.[1];
      if (entity === null || name === undefined) {
        out += "&";
        i += 1;
      } else if (name.startsWith("#")) {
        out += String.fromCodePoint(name[1] === "x" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)));
        i += entity[0].length;
      } else if (HTML_ENTITIES[name] !== undefined) {
        out += HTML_ENTITIES[name];
        i += entity[0].length;
      } else {
        throw fail(`Unsupported HTML entity "&${name};"`, i);
      }
      continue;
    }
    if (ch !== "<") {
      out += ch;
      i += 1;
      continue;
    }
    const close = text.indexOf(">", i);
    if (text[i + 1] === "/") {
      const name = text.slice(i + 2, close === -1 ? undefined : close).trim().toLowerCase();
      if (close === -1 || open.at(-1) !== name) throw fail("Unexpected end tag", i);
      open.pop();
      i = close + 1;
      continue;
    }
    const name = (/^[^\s>/]*/.exec(text.slice(i + 1))?.[0] ?? "").toLowerCase();
    if (!HTML_TAGS.has(name)) throw fail(`Unsupported start tag "${name}"`, i);
    if (close === -1) throw fail("Unclosed start tag", i);
    if (text[close - 1] !== "/") open.push(name);
    i = close + 1;
  }
  const unclosed = open.at(-1);
  if (unclosed !== undefined) throw fail(`Can't find end tag corresponding to start tag "${unclosed}"`, text.length);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isMessage(value: Record<string, unknown>): boolean {
  return typeof value["message_id"] === "number" && isRecord(value["chat"]);
}

function updateType(update: Params): string | undefined {
  return Object.keys(update).find((key) => key !== "update_id" && isRecord(update[key]));
}

function sameMethod(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function intParam(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) ? value : fallback;
}

function requireChatId(p: Params): unknown {
  const chatId = p["chat_id"];
  if (chatId === undefined || chatId === "") throw badRequest("chat_id is empty");
  return chatId;
}

function memberRecord(user: User, status: MemberStatus): ChatMember {
  switch (status) {
    case "creator":
      return { status, user, is_anonymous: false };
    case "administrator":
      return {
        status, user, can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true,
        can_manage_video_chats: true, can_restrict_members: true, can_promote_members: false, can_change_info: true,
        can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false,
      };
    case "restricted":
      return {
        status, user, is_member: true, can_send_messages: false, can_send_audios: false, can_send_documents: false,
        can_send_photos: false, can_send_videos: false, can_send_video_notes: false, can_send_voice_notes: false,
        can_send_polls: false, can_send_other_messages: false, can_add_web_page_previews: false, can_change_info: false,
        can_invite_users: false, can_pin_messages: false, can_manage_topics: false, until_date: 0,
      };
    case "kicked":
      return { status, user, until_date: 0 };
    case "left":
    case "member":
      return { status, user };
  }
}

function failureResponse(failure: Failure): ApiError {
  const code = failure.error_code;
  const description =
    failure.description ??
    (code === 429
      ? `Too Many Requests: retry after ${failure.retry_after ?? 5}`
      : code === 403
        ? "Forbidden: bot was blocked by the user"
        : code === 400
          ? "Bad Request"
          : code === 401
            ? "Unauthorized"
            : code === 409
              ? "Conflict"
              : (STATUS_CODES[code] ?? "Internal Server Error"));
  const response: ApiError = { ok: false, error_code: code, description };
  const parameters: NonNullable<ApiError["parameters"]> = {};
  if (failure.retry_after !== undefined) parameters.retry_after = failure.retry_after;
  else if (code === 429) parameters.retry_after = 5;
  if (failure.migrate_to_chat_id !== undefined) parameters.migrate_to_chat_id = failure.migrate_to_chat_id;
  if (Object.keys(parameters).length > 0) response.parameters = parameters;
  return response;
}

/** What the proxy in front of the Bot API answers while Telegram cannot be reached. */
function badGateway(): ApiError {
  return { ok: false, error_code: 502, description: "Bad Gateway" };
}

/** nginx's error page, the body a real proxy sends instead of Bot API JSON. */
function proxyPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? "Error"}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function refusal(error: ApiRefusal): ApiError {
  return { ok: false, error_code: error.code, description: error.description };
}

function describeCalls(calls: readonly RecordedCall[]): string {
  if (calls.length === 0) return "  (none)";
  return calls
    .map((c) => {
      const params = JSON.stringify(c.params);
      const outcome = c.dropped ? "dropped" : c.response === undefined ? "pending" : c.response.ok ? "ok" : `${c.response.error_code}`;
      return `  #${c.seq} ${c.method} ${params.length > 160 ? `${params.slice(0, 157)}...` : params} -> ${outcome}`;
    })
    .join("\n");
}
