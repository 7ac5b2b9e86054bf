import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { WebSocketServer, WebSocket, type RawData } from "ws";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
  PermissionFlagsBits,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIChatInputApplicationCommandInteraction,
  type APIEmbed,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIMessageApplicationCommandInteraction,
  type APIUser,
  type GatewayMessageCreateDispatchData,
} from "discord.js";

/**
 * A fake Discord for tests: one node:http server on 127.0.0.1 serving the REST API under
 * `/api/v10/...` and a WebSocket gateway at `/gateway`, good enough for the real discord.js
 * `Client` to log in with `rest: { api: fake.apiBase }`.
 *
 * Everything the bot sends over REST is recorded (`calls`, `waitFor`); everything it sends over the
 * gateway is recorded too (`gatewayFrames`, `waitForGateway`). Tests drive the bot with `dispatch`,
 * `messageCreate` and `interactionCreate`. Payload shapes follow the Discord API documentation
 * (https://discord.com/developers/docs); nothing here talks to the real Discord.
 */

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type JsonObject = { [key: string]: unknown };

export type RecordedCall = {
  method: string;
  /** Path below `/api/v10`, without the query string, e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; for multipart requests the `payload_json` part; raw text otherwise; null if empty. */
  body: unknown;
  /** Uploaded files of a multipart request (name and size only). */
  files: { field: string; filename: string; size: number }[];
  /** Status the fake answered with. */
  status: number;
  at: number;
};

export type GatewayFrame = {
  /** Which WebSocket connection (1, 2, ...) the frame arrived on. */
  connection: number;
  op: number;
  d: unknown;
  at: number;
};

export type FailOptions = {
  /** Only fail requests with this method (default: any). */
  method?: string;
  /** HTTP status (default 429). */
  status?: number;
  /** Seconds, for 429s (default 0.1). Sent as `retry_after` in the body; see `retryAfterHeader`. */
  retry_after?: number;
  /** A global rate limit (`X-RateLimit-Global: true`, scope `global`). */
  global?: boolean;
  /** `X-RateLimit-Scope` for non-global 429s (default `user`). */
  scope?: "user" | "shared";
  /**
   * How to write the `Retry-After` header. Discord sends whole seconds rounded up (64.57 -> 65);
   * `exact` writes the float, so global limits of a fraction of a second stay fast in tests.
   * Default `ceil`. (Per-route 429s also carry `X-RateLimit-Reset-After` with the exact value,
   * which is what discord.js waits on for them.)
   */
  retryAfterHeader?: "ceil" | "exact";
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Replace the JSON error body. */
  body?: JsonObject;
};

export type FakeDiscordOptions = {
  /** Bot token the fake accepts (default `fake-bot-token`). */
  token?: string;
  /** Sent in HELLO (default 45000; tests that want heartbeats use something small like 100). */
  heartbeatIntervalMs?: number;
  /**
   * Privileged intents "enabled in the developer portal" (bitfield). IDENTIFY asking for other
   * privileged intents is closed with 4014. Default: GuildMembers | GuildPresences | MessageContent.
   */
  privilegedIntents?: number;
  /** Send MESSAGE_CREATE for messages the bot itself posts, as Discord does (default false). */
  echoBotMessages?: boolean;
  /** Interactions not answered within this many ms get 10062 Unknown interaction (default: no deadline; Discord's is 3000). */
  interactionDeadlineMs?: number;
  /** Each line of what the fake does (requests, gateway frames). */
  log?: (line: string) => void;
  /** Shards `GET /gateway/bot` recommends (default 1). */
  shards?: number;
  /** `session_start_limit.max_concurrency`: IDENTIFYs allowed at once (default 1). */
  maxConcurrency?: number;
  /**
   * Guilds the bot is in (default 1). The first is `guildId`; each further one has a text channel of
   * its own and an id that puts consecutive guilds on consecutive shards (Discord routes a guild to
   * shard `(guild_id >> 22) % shard_count`).
   */
  guilds?: number;
};

/** The shard a guild's events go to (https://discord.com/developers/docs/events/gateway#sharding). */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export type MessageInput = {
  id?: string;
  channel_id?: string;
  /** `null` for a DM. Defaults to the fake guild. */
  guild_id?: string | null;
  author?: Partial<APIUser>;
  content?: string;
  mentions?: APIUser[];
  mention_roles?: string[];
  mention_everyone?: boolean;
  embeds?: APIEmbed[];
  message_reference?: { message_id: string; channel_id?: string; guild_id?: string };
  /** The replied-to message; looked up from `message_reference` when omitted. */
  referenced_message?: APIMessage | null;
  type?: MessageType;
  timestamp?: string;
  /** Role ids of the author's member (guild messages). */
  member_roles?: string[];
  flags?: number;
};

type InteractionCommon = {
  id?: string;
  token?: string;
  /** `null` for a DM. Defaults to the fake guild. */
  guild_id?: string | null;
  channel_id?: string;
  user?: Partial<APIUser>;
  /** The invoking member's permissions in the channel (bitfield as string or bigint). */
  permissions?: string | bigint;
  /** Shorthand for member permissions that include Administrator. */
  admin?: boolean;
  /** Member role ids (guild interactions). */
  roles?: string[];
  locale?: Locale;
};

export type SlashCommandInput = InteractionCommon & {
  kind: "slash";
  /** Default `summary`. */
  name?: string;
  /** `{ url: "...", length: "short" }` or ready-made option objects. */
  options?: Record<string, string | number | boolean> | APIApplicationCommandInteractionDataBasicOption[];
};

export type MessageContextMenuInput = InteractionCommon & {
  kind: "messageContextMenu";
  /** Default `Summarize`. */
  name?: string;
  /** The message the command was used on: a full message, or input to build one. */
  target?: APIMessage | MessageInput;
};

export type InteractionInput = SlashCommandInput | MessageContextMenuInput;

export type FakeInteraction = APIChatInputApplicationCommandInteraction | APIMessageApplicationCommandInteraction;

export type StoredCommand = JsonObject & { id: string; name: string; type: number };

export type FakeDiscord = {
  /** `http://127.0.0.1:PORT/api` — give it to discord.js as `rest.api`. */
  readonly apiBase: string;
  /** `ws://127.0.0.1:PORT/gateway` — what `GET /gateway/bot` returns. */
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly botUser: APIUser;
  /** Default author of `messageCreate` and invoker of interactions. */
  readonly humanUser: APIUser;
  /** Another bot in the guild, for "ignore messages from bots" tests. */
  readonly otherBotUser: APIUser;
  readonly guildId: string;
  readonly channelId: string;
  /** Every guild with its text channel, the first being `guildId`/`channelId`. */
  readonly guilds: readonly { id: string; channelId: string }[];
  readonly ownerId: string;
  /** A guild role with Administrator. */
  readonly adminRoleId: string;
  /** Shards with a gateway session, each as IDENTIFY gave it: `[shard_id, shard_count]`. */
  readonly shardsConnected: [number, number][];
  /** Session id of the current gateway session (null before IDENTIFY). */
  readonly sessionId: string | null;
  /** Number of WebSocket connections opened so far. */
  readonly connectionCount: number;
  /** Global commands as stored after PUT/POST. */
  readonly globalCommands: StoredCommand[];
  guildCommands(guildId?: string): StoredCommand[];

  /** Send a dispatch (op 0) with the next sequence number; buffered for RESUME while disconnected. Returns `s`. */
  dispatch(event: string, data: unknown): number;
  /** Build a MESSAGE_CREATE payload, store it and dispatch it. */
  messageCreate(input?: MessageInput): GatewayMessageCreateDispatchData;
  /** Build a message without dispatching it (for `referenced_message`, context-menu targets...). */
  buildMessage(input?: MessageInput): GatewayMessageCreateDispatchData;
  /** Build an INTERACTION_CREATE payload, register its token and dispatch it. */
  interactionCreate(input: InteractionInput): FakeInteraction;
  buildInteraction(input: InteractionInput): FakeInteraction;

  /** Recorded REST calls; `route` is tested against the path (RegExp) or compared with it (string). */
  calls(route?: RegExp | string, method?: string): RecordedCall[];
  clearCalls(): void;
  /** Resolve with the first recorded call (already seen or future) that matches; reject after `timeoutMs` listing every call seen. */
  waitFor(method: string, route: RegExp | string, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Make the next matching request(s) fail (429 by default, with Discord's rate-limit headers and body). */
  failNext(route: RegExp | string, options?: FailOptions): void;

  /** Frames the client sent over the gateway. */
  gatewayFrames(op?: number): GatewayFrame[];
  waitForGateway(op: number, predicate?: (frame: GatewayFrame) => boolean, timeoutMs?: number): Promise<GatewayFrame>;
  /** Close the gateway socket with a resumable code (default 4000 Unknown error); the session stays resumable. */
  dropConnection(code?: number, reason?: string): Promise<void>;
  /** Send op 7 Reconnect; discord.js closes and resumes. */
  requestReconnect(): void;
  /** Send op 9 Invalid Session (`resumable` false forgets the session). */
  invalidateSession(resumable?: boolean): void;

  /** Close sockets and the server; leaves no handles. */
  close(): Promise<void>;
};

// ---------------------------------------------------------------------------------------------
// Constants (ids are shared with test/fixtures/discord/*.json)
// ---------------------------------------------------------------------------------------------

export const FAKE_IDS = {
  application: "1288493729183498240",
  guild: "1288494431544016896",
  channel: "1288494432164909117",
  owner: "1288494980013703229",
  human: "1288495190763929651",
  otherBot: "1288495513268047902",
  adminRole: "1288496021579943978",
  botRole: "1288496022607548457",
} as const;

const DISCORD_EPOCH = 1420070400000n;
const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15); // GuildMembers | GuildPresences | MessageContent
const MESSAGE_FLAG_EPHEMERAL = 1 << 6;
const MESSAGE_FLAG_LOADING = 1 << 7;

const EVERYONE_PERMISSIONS =
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.SendMessagesInThreads;
const BOT_ROLE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory;
const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

let snowflakeCounter = 0n;
/** A snowflake for "now" (Discord's layout: ms since 2015 << 22 | worker/process/increment). */
export function snowflake(): string {
  snowflakeCounter = (snowflakeCounter + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeCounter).toString();
}

function user(id: string, username: string, extra: Partial<APIUser> = {}): APIUser {
  return {
    id,
    username,
    discriminator: "0",
    global_name: extra.bot ? null : username.charAt(0).toUpperCase() + username.slice(1),
    avatar: null,
    ...extra,
  };
}

function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFullMessage(value: APIMessage | MessageInput | undefined): value is APIMessage {
  return value !== undefined && typeof value.id === "string" && "timestamp" in value && "author" in value && "attachments" in value;
}

function routeMatches(route: RegExp | string, path: string): boolean {
  return typeof route === "string" ? route === path : route.test(path);
}

// ---------------------------------------------------------------------------------------------
// Validation of outgoing messages (limits from the Discord API documentation)
// ---------------------------------------------------------------------------------------------

type FieldErrors = Record<string, unknown>;

function fieldError(code: string, message: string): { _errors: { code: string; message: string }[] } {
  return { _errors: [{ code, message }] };
}

function tooLong(max: number): { _errors: { code: string; message: string }[] } {
  return fieldError("BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
}

function embedErrors(embed: unknown): { errors: FieldErrors; chars: number } {
  const errors: FieldErrors = {};
  let chars = 0;
  if (!isRecord(embed)) return { errors: fieldError("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"), chars };
  const text = (value: unknown): string => (typeof value === "string" ? value : "");
  const check = (key: string, value: unknown, max: number): void => {
    const s = text(value);
    chars += s.length;
    if (s.length > max) errors[key] = tooLong(max);
  };
  check("title", embed["title"], 256);
  check("description", embed["description"], 4096);
  const footer = embed["footer"];
  if (isRecord(footer)) {
    const s = text(footer["text"]);
    chars += s.length;
    if (s.length > 2048) errors["footer"] = { text: tooLong(2048) };
  }
  const author = embed["author"];
  if (isRecord(author)) {
    const s = text(author["name"]);
    chars += s.length;
    if (s.length > 256) errors["author"] = { name: tooLong(256) };
  }
  const fields = embed["fields"];
  if (Array.isArray(fields)) {
    if (fields.length > 25) errors["fields"] = tooLong(25);
    const fieldErrs: FieldErrors = {};
    fields.forEach((field: unknown, i) => {
      if (!isRecord(field)) return;
      const name = text(field["name"]);
      const value = text(field["value"]);
      chars += name.length + value.length;
      const e: FieldErrors = {};
      if (name.length === 0) e["name"] = fieldError("BASE_TYPE_REQUIRED", "This field is required");
      if (name.length > 256) e["name"] = tooLong(256);
      if (value.length === 0) e["value"] = fieldError("BASE_TYPE_REQUIRED", "This field is required");
      if (value.length > 1024) e["value"] = tooLong(1024);
      if (Object.keys(e).length > 0) fieldErrs[String(i)] = e;
    });
    if (Object.keys(fieldErrs).length > 0) errors["fields"] = fieldErrs;
  }
  return { errors, chars };
}

/** Returns a Discord error body (400) or null when the message payload is acceptable. */
function validateMessage(body: unknown, opts: { requireContent: boolean; hasFiles: boolean }): JsonObject | null {
  if (!isRecord(body)) {
    return opts.requireContent ? { message: "Cannot send an empty message", code: 50006 } : null;
  }
  const errors: FieldErrors = {};
  const content = body["content"];
  if (content !== undefined && content !== null && typeof content !== "string") {
    errors["content"] = fieldError("BASE_TYPE_BAD_TYPE", "Must be a string.");
  } else if (typeof content === "string" && content.length > 2000) {
    errors["content"] = tooLong(2000);
  }
  const embeds = body["embeds"];
  let embedCount = 0;
  if (Array.isArray(embeds)) {
    embedCount = embeds.length;
    if (embeds.length > 10) errors["embeds"] = tooLong(10);
    let total = 0;
    const perEmbed: FieldErrors = {};
    embeds.forEach((embed: unknown, i) => {
      const { errors: e, chars } = embedErrors(embed);
      total += chars;
      if (Object.keys(e).length > 0) perEmbed[String(i)] = e;
    });
    if (Object.keys(perEmbed).length > 0) errors["embeds"] = perEmbed;
    else if (total > 6000) errors["embeds"] = fieldError("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
  }
  if (Object.keys(errors).length > 0) return { message: "Invalid Form Body", code: 50035, errors };
  if (opts.requireContent) {
    const hasContent = typeof content === "string" && content.length > 0;
    const has = (key: string): boolean => Array.isArray(body[key]) && (body[key] as unknown[]).length > 0;
    if (!hasContent && embedCount === 0 && !opts.hasFiles && !has("attachments") && !has("sticker_ids") && !has("components") && !isRecord(body["poll"])) {
      return { message: "Cannot send an empty message", code: 50006 };
    }
  }
  return null;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateCommands(commands: unknown): JsonObject | null {
  if (!Array.isArray(commands)) return { message: "Invalid Form Body", code: 50035, errors: { _errors: [{ code: "BASE_TYPE_ARRAY", message: "Must be an array." }] } };
  const errors: FieldErrors = {};
  const seen = new Set<string>();
  commands.forEach((command: unknown, i) => {
    const e: FieldErrors = {};
    if (!isRecord(command)) {
      errors[String(i)] = fieldError("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
      return;
    }
    const type = typeof command["type"] === "number" ? command["type"] : 1;
    const name = typeof command["name"] === "string" ? command["name"] : "";
    if (type === 1) {
      if (!COMMAND_NAME.test(name) || name !== name.toLowerCase()) e["name"] = fieldError("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
      const description = typeof command["description"] === "string" ? command["description"] : "";
      if (description.length < 1 || description.length > 100) e["description"] = fieldError("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
      const options = command["options"];
      if (Array.isArray(options)) {
        let optionalSeen = false;
        const optErrs: FieldErrors = {};
        options.forEach((option: unknown, j) => {
          if (!isRecord(option)) return;
          const oe: FieldErrors = {};
          const oname = typeof option["name"] === "string" ? option["name"] : "";
          if (!COMMAND_NAME.test(oname) || oname !== oname.toLowerCase()) oe["name"] = fieldError("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
          const odesc = typeof option["description"] === "string" ? option["description"] : "";
          if (odesc.length < 1 || odesc.length > 100) oe["description"] = fieldError("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
          if (option["required"] === true && optionalSeen) {
            oe["required"] = fieldError("APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options");
          }
          if (option["required"] !== true) optionalSeen = true;
          if (Object.keys(oe).length > 0) optErrs[String(j)] = oe;
        });
        if (Object.keys(optErrs).length > 0) e["options"] = optErrs;
        if (options.length > 25) e["options"] = tooLong(25);
      }
    } else if (name.length < 1 || name.length > 32) {
      e["name"] = fieldError("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.");
    }
    const key = `${type}:${name}`;
    if (seen.has(key)) e["name"] = fieldError("APPLICATION_COMMANDS_DUPLICATE_NAME", `Application command names must be unique`);
    seen.add(key);
    if (Object.keys(e).length > 0) errors[String(i)] = e;
  });
  return Object.keys(errors).length > 0 ? { message: "Invalid Form Body", code: 50035, errors } : null;
}

// ---------------------------------------------------------------------------------------------
// Body parsing
// ---------------------------------------------------------------------------------------------

type ParsedBody = { body: unknown; files: RecordedCall["files"] };

function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  if (raw.length === 0) return { body: null, files: [] };
  const type = contentType ?? "";
  if (type.startsWith("application/json")) {
    try {
      return { body: JSON.parse(raw.toString("utf8")) as unknown, files: [] };
    } catch {
      return { body: raw.toString("utf8"), files: [] };
    }
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (type.startsWith("multipart/form-data") && boundary) {
    const marker = `--${boundary[1] ?? boundary[2] ?? ""}`;
    const files: RecordedCall["files"] = [];
    let body: unknown = null;
    for (const part of raw.toString("latin1").split(marker)) {
      const split = part.indexOf("\r\n\r\n");
      if (split < 0) continue;
      const head = part.slice(0, split);
      const content = part.slice(split + 4).replace(/\r\n$/, "");
      const field = /name="([^"]*)"/i.exec(head)?.[1] ?? "";
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (filename !== undefined) {
        files.push({ field, filename, size: Buffer.byteLength(content, "latin1") });
      } else if (field === "payload_json") {
        try {
          body = JSON.parse(Buffer.from(content, "latin1").toString("utf8")) as unknown;
        } catch {
          body = content;
        }
      }
    }
    return { body, files };
  }
  return { body: raw.toString("utf8"), files: [] };
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

type RouteContext = {
  params: string[];
  body: unknown;
  files: RecordedCall["files"];
  query: Record<string, string>;
};

type Route = {
  method: string;
  pattern: RegExp;
  /** Whether `Authorization: Bot <token>` is required (interaction and webhook-token routes do without). */
  auth: boolean;
  handle: (ctx: RouteContext) => Reply;
};

type InteractionState = {
  id: string;
  token: string;
  createdAt: number;
  channelId: string | undefined;
  guildId: string | undefined;
  user: APIUser;
  acknowledged: boolean;
  responseType: number | null;
  original: JsonObject | null;
  followups: Map<string, JsonObject>;
};

type Session = {
  id: string;
  seq: number;
  buffer: { s: number; t: string; d: unknown }[];
  socket: WebSocket | null;
  intents: number;
  /** `[shard_id, shard_count]` from IDENTIFY. */
  shard: [number, number];
};

type Pending<T> = {
  test: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
};

const notFound = (message: string, code: number): Reply => ({ status: 404, body: { message, code } });

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? "fake-bot-token";
  const heartbeatInterval = options.heartbeatIntervalMs ?? 45_000;
  const privileged = options.privilegedIntents ?? PRIVILEGED_INTENTS;
  const log = options.log ?? ((): void => undefined);

  const applicationId = FAKE_IDS.application;
  const guildId = FAKE_IDS.guild;
  const channelId = FAKE_IDS.channel;
  const botUser = user(applicationId, "skim", { bot: true, global_name: null });
  const humanUser = user(FAKE_IDS.human, "reader");
  const otherBotUser = user(FAKE_IDS.otherBot, "feedbot", { bot: true, global_name: null });
  const ownerUser = user(FAKE_IDS.owner, "owner");
  const joinedAt = new Date(Date.now() - 86_400_000).toISOString();

  const users = new Map<string, APIUser>([botUser, humanUser, otherBotUser, ownerUser].map((u) => [u.id, u]));
  const guildList: { id: string; channelId: string }[] = [{ id: guildId, channelId }];
  for (let k = 1; k < (options.guilds ?? 1); k++) {
    const id = (((BigInt(guildId) >> 22n) + BigInt(k)) << 22n).toString();
    guildList.push({ id, channelId: (BigInt(id) + 1n).toString() });
  }
  const channels = new Map<string, JsonObject>();
  for (const g of guildList.slice(1)) {
    channels.set(g.channelId, {
      id: g.channelId,
      type: ChannelType.GuildText,
      guild_id: g.id,
      name: "general",
      position: 0,
      permission_overwrites: [],
      parent_id: null,
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    });
  }
  channels.set(channelId, {
    id: channelId,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name: "general",
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  });
  const roles: JsonObject[] = [
    {
      id: guildId,
      name: "@everyone",
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 0,
      permissions: EVERYONE_PERMISSIONS.toString(),
      managed: false,
      mentionable: false,
      flags: 0,
    },
    {
      id: FAKE_IDS.adminRole,
      name: "Admins",
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 2,
      permissions: PermissionFlagsBits.Administrator.toString(),
      managed: false,
      mentionable: false,
      flags: 0,
    },
    {
      id: FAKE_IDS.botRole,
      name: "skim",
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 1,
      permissions: BOT_ROLE_PERMISSIONS.toString(),
      managed: true,
      mentionable: false,
      tags: { bot_id: applicationId },
      flags: 0,
    },
  ];
  const member = (u: APIUser, roleIds: string[] = []): JsonObject => ({
    user: u,
    nick: null,
    avatar: null,
    banner: null,
    roles: roleIds,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  });
  const members = new Map<string, JsonObject>([
    [applicationId, member(botUser, [FAKE_IDS.botRole])],
    [humanUser.id, member(humanUser)],
    [otherBotUser.id, member(otherBotUser)],
    [ownerUser.id, member(ownerUser, [FAKE_IDS.adminRole])],
  ]);
  const guild = (id: string = guildId): JsonObject => ({
    id,
    name: "Skim Test Guild",
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: ownerUser.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 2,
    // Each guild's @everyone role has the guild's id.
    roles: roles.map((r) => (r["id"] === guildId ? { ...r, id } : r)),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: guildList.find((g) => g.id === id)?.channelId ?? channelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: Locale.EnglishUS,
    nsfw_level: 0,
    max_members: 500000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    hub_type: null,
    incidents_data: null,
    widget_enabled: false,
    widget_channel_id: null,
  });
  const guildCreate = (id: string = guildId): JsonObject => ({
    ...guild(id),
    joined_at: joinedAt,
    large: false,
    unavailable: false,
    member_count: members.size,
    voice_states: [],
    members: [...members.values()],
    channels: [...channels.values()]
      .filter((c) => c["guild_id"] === id)
      .map(({ guild_id: _omit, ...rest }) => rest),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  });
  const application = (): JsonObject => ({
    id: applicationId,
    name: "Skim",
    icon: null,
    description: "Summarizes links.",
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: "0".repeat(64),
    flags: (1 << 15) | (1 << 19), // GATEWAY_GUILD_MEMBERS_LIMITED | GATEWAY_MESSAGE_CONTENT_LIMITED
    owner: ownerUser,
    team: null,
    summary: "",
    bot: botUser,
    approximate_guild_count: 1,
    integration_types_config: { "0": {}, "1": {} },
  });

  const messages = new Map<string, JsonObject>();
  const interactions = new Map<string, InteractionState>();
  const globalCommands: StoredCommand[] = [];
  const guildCommandStore = new Map<string, StoredCommand[]>();
  const calls: RecordedCall[] = [];
  const frames: GatewayFrame[] = [];
  const failures: (FailOptions & { route: RegExp | string; left: number })[] = [];
  const callWaiters = new Set<Pending<RecordedCall>>();
  const frameWaiters = new Set<Pending<GatewayFrame>>();
  let session: Session | null = null;
  const sessions = new Map<string, Session>();
  /** The live session of each shard id. */
  const shardSessions = new Map<number, Session>();
  let connectionCount = 0;
  let closed = false;

  // ----- messages --------------------------------------------------------------------------

  const botMessage = (channel: string, body: JsonObject, extra: JsonObject = {}): JsonObject => {
    const ref = isRecord(body["message_reference"]) ? body["message_reference"] : undefined;
    const refId = typeof ref?.["message_id"] === "string" ? ref["message_id"] : undefined;
    const message: JsonObject = {
      id: snowflake(),
      type: refId ? MessageType.Reply : MessageType.Default,
      channel_id: channel,
      author: botUser,
      content: typeof body["content"] === "string" ? body["content"] : "",
      embeds: Array.isArray(body["embeds"]) ? body["embeds"] : [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: body["tts"] === true,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: typeof body["flags"] === "number" ? body["flags"] : 0,
      components: Array.isArray(body["components"]) ? body["components"] : [],
      ...extra,
    };
    if (body["nonce"] !== undefined) message["nonce"] = body["nonce"];
    if (refId) {
      const referenced = messages.get(refId);
      message["message_reference"] = {
        type: 0,
        message_id: refId,
        channel_id: typeof ref?.["channel_id"] === "string" ? ref["channel_id"] : channel,
        ...(typeof channels.get(channel)?.["guild_id"] === "string" ? { guild_id: channels.get(channel)?.["guild_id"] } : {}),
      };
      message["referenced_message"] = referenced ?? null;
    }
    return message;
  };

  /** The DM channel between the bot and `recipient` (created on first use, so the bot can answer in it). */
  const dmChannelFor = (recipient: APIUser, wanted?: string): string => {
    const existing = [...channels.values()].find(
      (c) => c["type"] === ChannelType.DM && (wanted === undefined ? (c["recipients"] as APIUser[] | undefined)?.[0]?.id === recipient.id : c["id"] === wanted),
    );
    if (existing) return existing["id"] as string;
    const id = wanted ?? snowflake();
    channels.set(id, { id, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [recipient] });
    return id;
  };

  const buildMessage = (input: MessageInput = {}): GatewayMessageCreateDispatchData => {
    const author: APIUser = input.author
      ? { ...user(input.author.id ?? snowflake(), input.author.username ?? "someone"), ...input.author }
      : humanUser;
    users.set(author.id, { ...users.get(author.id), ...author });
    const guild_id = input.guild_id === undefined ? guildId : input.guild_id;
    const channel_id = guild_id === null ? dmChannelFor(author, input.channel_id) : (input.channel_id ?? channelId);
    const ref = input.message_reference;
    const stored = ref ? ((messages.get(ref.message_id) as APIMessage | undefined) ?? null) : undefined;
    const referenced = input.referenced_message !== undefined ? input.referenced_message : stored;
    const message: GatewayMessageCreateDispatchData = {
      id: input.id ?? snowflake(),
      type: input.type ?? (ref ? MessageType.Reply : MessageType.Default),
      channel_id,
      author,
      content: input.content ?? "",
      timestamp: input.timestamp ?? new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: input.mention_everyone ?? false,
      mentions: input.mentions ?? [],
      mention_roles: input.mention_roles ?? [],
      attachments: [],
      embeds: input.embeds ?? [],
      pinned: false,
      flags: input.flags ?? 0,
      components: [],
    };
    const channelType = channels.get(message.channel_id)?.["type"];
    message.channel_type = guild_id === null ? ChannelType.DM : channelType === ChannelType.GuildAnnouncement ? ChannelType.GuildAnnouncement : ChannelType.GuildText;
    if (guild_id !== null) {
      message.guild_id = guild_id;
      const { user: _u, ...partialMember } = (members.get(author.id) ?? member(author)) as JsonObject & { user?: unknown };
      const roleIds = input.member_roles ?? (partialMember["roles"] as string[]);
      message.member = { ...partialMember, roles: roleIds } as unknown as GatewayMessageCreateDispatchData["member"];
    }
    if (ref) {
      message.message_reference = {
        type: 0,
        message_id: ref.message_id,
        channel_id: ref.channel_id ?? message.channel_id,
        ...(guild_id ? { guild_id: ref.guild_id ?? guild_id } : {}),
      };
    }
    if (referenced !== undefined) message.referenced_message = referenced;
    return message;
  };

  // ----- interactions ----------------------------------------------------------------------

  const commandId = (name: string, type: number, guild: string | undefined): string => {
    const pool = [...globalCommands, ...(guild ? (guildCommandStore.get(guild) ?? []) : [])];
    return pool.find((c) => c.name === name && c.type === type)?.id ?? snowflake();
  };

  const optionType = (commandName: string, optionName: string, value: string | number | boolean): number => {
    const registered = [...globalCommands, ...[...guildCommandStore.values()].flat()].find((c) => c.name === commandName && c.type === 1);
    const options = registered?.["options"];
    if (Array.isArray(options)) {
      const found = options.find((o: unknown) => isRecord(o) && o["name"] === optionName) as JsonObject | undefined;
      if (typeof found?.["type"] === "number") return found["type"];
    }
    if (typeof value === "boolean") return ApplicationCommandOptionType.Boolean;
    if (typeof value === "number") return Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
    return ApplicationCommandOptionType.String;
  };

  const buildInteraction = (input: InteractionInput): FakeInteraction => {
    const invoker: APIUser = input.user ? { ...user(input.user.id ?? snowflake(), input.user.username ?? "someone"), ...input.user } : humanUser;
    users.set(invoker.id, invoker);
    const gid = input.guild_id === undefined ? guildId : input.guild_id;
    const cid = gid === null ? dmChannelFor(invoker, input.channel_id) : (input.channel_id ?? channelId);
    const permissions = input.admin ? ALL_PERMISSIONS : input.permissions !== undefined ? BigInt(input.permissions) : EVERYONE_PERMISSIONS;
    const channel = channels.get(cid);
    const partialChannel =
      gid === null
        ? { id: cid, type: ChannelType.DM as const, flags: 0, last_message_id: null, recipients: [invoker] }
        : {
            id: cid,
            type: ChannelType.GuildText as const,
            guild_id: gid,
            name: typeof channel?.["name"] === "string" ? channel["name"] : "general",
            position: 0,
            flags: 0,
            nsfw: false,
            parent_id: null,
            topic: null,
            rate_limit_per_user: 0,
            last_message_id: null,
            permissions: permissions.toString(),
          };
    // DMs: ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE | USE_EXTERNAL_EMOJIS (per the docs); guilds: @everyone + the bot role.
    const appPermissions =
      gid === null
        ? PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.UseExternalEmojis
        : EVERYONE_PERMISSIONS | BOT_ROLE_PERMISSIONS;
    const base = {
      id: input.id ?? snowflake(),
      application_id: applicationId,
      type: InteractionType.ApplicationCommand as const,
      token: input.token ?? `aW50ZXJhY3Rpb246${randomBytes(24).toString("base64url")}`,
      version: 1 as const,
      locale: input.locale ?? Locale.EnglishUS,
      app_permissions: appPermissions.toString(),
      entitlements: [],
      authorizing_integration_owners: { "0": gid ?? "0" },
      context: gid === null ? InteractionContextType.BotDM : InteractionContextType.Guild,
      attachment_size_limit: 10_485_760,
      channel: partialChannel,
      channel_id: cid,
      ...(gid === null
        ? { user: invoker }
        : {
            guild_id: gid,
            guild: { id: gid, locale: Locale.EnglishUS, features: [] },
            guild_locale: Locale.EnglishUS,
            member: {
              ...(members.get(invoker.id) ?? member(invoker)),
              user: invoker,
              roles: input.roles ?? [],
              permissions: permissions.toString(),
            } as unknown as APIInteractionGuildMember,
          }),
    };
    if (input.kind === "slash") {
      const name = input.name ?? "summary";
      const options: APIApplicationCommandInteractionDataBasicOption[] = Array.isArray(input.options)
        ? input.options
        : Object.entries(input.options ?? {}).map(([key, value]) => ({ name: key, type: optionType(name, key, value), value }) as APIApplicationCommandInteractionDataBasicOption);
      return {
        ...base,
        data: { id: commandId(name, ApplicationCommandType.ChatInput, gid ?? undefined), name, type: ApplicationCommandType.ChatInput, options },
      } as APIChatInputApplicationCommandInteraction;
    }
    const name = input.name ?? "Summarize";
    const given = input.target;
    const target: APIMessage = isFullMessage(given)
      ? given
      : (() => {
          const { guild_id: _g, member: _m, ...plain } = buildMessage({ ...(given ?? {}), channel_id: cid, guild_id: gid });
          return plain;
        })();
    return {
      ...base,
      data: {
        id: commandId(name, ApplicationCommandType.Message, gid ?? undefined),
        name,
        type: ApplicationCommandType.Message,
        target_id: target.id,
        resolved: { messages: { [target.id]: target } },
      },
    } as APIMessageApplicationCommandInteraction;
  };

  const invokerOf = (payload: JsonObject): APIUser | undefined => {
    const memberUser = isRecord(payload["member"]) ? payload["member"]["user"] : undefined;
    const invoker = memberUser ?? payload["user"];
    return isRecord(invoker) && typeof invoker["id"] === "string" ? (invoker as unknown as APIUser) : undefined;
  };

  const registerInteraction = (payload: unknown): void => {
    if (!isRecord(payload) || typeof payload["id"] !== "string" || typeof payload["token"] !== "string") return;
    interactions.set(payload["token"], {
      id: payload["id"],
      token: payload["token"],
      createdAt: Date.now(),
      channelId: typeof payload["channel_id"] === "string" ? payload["channel_id"] : undefined,
      guildId: typeof payload["guild_id"] === "string" ? payload["guild_id"] : undefined,
      user: invokerOf(payload) ?? humanUser,
      acknowledged: false,
      responseType: null,
      original: null,
      followups: new Map(),
    });
  };

  const interactionMetadata = (state: InteractionState): JsonObject => ({
    id: state.id,
    type: InteractionType.ApplicationCommand,
    user: state.user,
    authorizing_integration_owners: { "0": state.guildId ?? "0" },
  });

  // ----- REST routes -----------------------------------------------------------------------

  const ok = (body: unknown): Reply => ({ status: 200, body });
  const noContent: Reply = { status: 204 };
  const invalid = (error: JsonObject): Reply => ({ status: 400, body: error });

  const commandsFor = (guild: string | undefined): StoredCommand[] | null => {
    if (guild === undefined) return globalCommands;
    if (guild !== guildId) return null;
    let list = guildCommandStore.get(guild);
    if (!list) guildCommandStore.set(guild, (list = []));
    return list;
  };

  const storeCommand = (existing: StoredCommand[], raw: JsonObject, guild: string | undefined): StoredCommand => {
    const type = typeof raw["type"] === "number" ? raw["type"] : 1;
    const name = typeof raw["name"] === "string" ? raw["name"] : "";
    const previous = existing.find((c) => c.name === name && c.type === type);
    return {
      default_member_permissions: null,
      dm_permission: true,
      nsfw: false,
      description: "",
      integration_types: [0],
      contexts: null,
      ...raw,
      id: previous?.id ?? snowflake(),
      application_id: applicationId,
      version: snowflake(),
      type,
      name,
      ...(guild ? { guild_id: guild } : {}),
    };
  };

  const appCheck = (app: string | undefined): Reply | null =>
    app === applicationId ? null : { status: 403, body: { message: "Missing Access", code: 50001 } };

  const commandRoutes = (prefix: string, guilded: boolean): Route[] => {
    const guildOf = (params: string[]): string | undefined => (guilded ? params[1] : undefined);
    const base = new RegExp(`^/applications/(\\d+)${prefix}/commands$`);
    const one = new RegExp(`^/applications/(\\d+)${prefix}/commands/(\\d+)$`);
    return [
      {
        method: "GET",
        pattern: base,
        auth: true,
        handle: ({ params }) => {
          const list = commandsFor(guildOf(params));
          return appCheck(params[0]) ?? (list ? ok(list) : notFound("Unknown Guild", 10004));
        },
      },
      {
        method: "PUT",
        pattern: base,
        auth: true,
        handle: ({ params, body }) => {
          const denied = appCheck(params[0]);
          if (denied) return denied;
          const list = commandsFor(guildOf(params));
          if (!list) return notFound("Unknown Guild", 10004);
          const error = validateCommands(body);
          if (error) return invalid(error);
          const next = (body as unknown[]).map((raw) => storeCommand(list, raw as JsonObject, guildOf(params)));
          list.splice(0, list.length, ...next);
          return ok(next);
        },
      },
      {
        method: "POST",
        pattern: base,
        auth: true,
        handle: ({ params, body }) => {
          const denied = appCheck(params[0]);
          if (denied) return denied;
          const list = commandsFor(guildOf(params));
          if (!list) return notFound("Unknown Guild", 10004);
          const error = validateCommands([body]);
          if (error) return invalid(error);
          const command = storeCommand(list, body as JsonObject, guildOf(params));
          const at = list.findIndex((c) => c.id === command.id);
          if (at >= 0) list[at] = command;
          else list.push(command);
          return { status: at >= 0 ? 200 : 201, body: command };
        },
      },
      {
        method: "GET",
        pattern: one,
        auth: true,
        handle: ({ params }) => {
          const list = commandsFor(guilded ? params[1] : undefined) ?? [];
          const id = guilded ? params[2] : params[1];
          const command = list.find((c) => c.id === id);
          return command ? ok(command) : notFound("Unknown application command", 10063);
        },
      },
      {
        method: "DELETE",
        pattern: one,
        auth: true,
        handle: ({ params }) => {
          const list = commandsFor(guilded ? params[1] : undefined) ?? [];
          const id = guilded ? params[2] : params[1];
          const at = list.findIndex((c) => c.id === id);
          if (at < 0) return notFound("Unknown application command", 10063);
          list.splice(at, 1);
          return noContent;
        },
      },
    ];
  };

  const webhookState = (app: string | undefined, tokenParam: string | undefined): InteractionState | Reply => {
    const state = tokenParam === undefined ? undefined : interactions.get(tokenParam);
    if (app !== applicationId || !state) return notFound("Unknown Webhook", 10015);
    return state;
  };

  const routes: Route[] = [
    {
      method: "GET",
      pattern: /^\/gateway\/bot$/,
      auth: true,
      handle: () =>
        ok({
          url: gatewayUrl,
          shards: options.shards ?? 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: options.maxConcurrency ?? 1 },
        }),
    },
    { method: "GET", pattern: /^\/gateway$/, auth: false, handle: () => ok({ url: gatewayUrl }) },
    { method: "GET", pattern: /^\/users\/@me$/, auth: true, handle: () => ok({ ...botUser, verified: true, mfa_enabled: false, flags: 0, public_flags: 0 }) },
    {
      method: "GET",
      pattern: /^\/users\/(\d+)$/,
      auth: true,
      handle: ({ params }) => {
        const found = users.get(params[0] ?? "");
        return found ? ok(found) : notFound("Unknown User", 10013);
      },
    },
    {
      method: "POST",
      pattern: /^\/users\/@me\/channels$/,
      auth: true,
      handle: ({ body }) => {
        const recipient = isRecord(body) && typeof body["recipient_id"] === "string" ? users.get(body["recipient_id"]) : undefined;
        if (!recipient) return invalid({ message: "Invalid Recipient(s)", code: 50033 });
        const existing = [...channels.values()].find((c) => c["type"] === ChannelType.DM && Array.isArray(c["recipients"]) && (c["recipients"] as APIUser[])[0]?.id === recipient.id);
        if (existing) return ok(existing);
        const dm: JsonObject = { id: snowflake(), type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [recipient] };
        channels.set(dm["id"] as string, dm);
        return ok(dm);
      },
    },
    { method: "GET", pattern: /^\/applications\/@me$/, auth: true, handle: () => ok(application()) },
    { method: "GET", pattern: /^\/oauth2\/applications\/@me$/, auth: true, handle: () => ok(application()) },
    ...commandRoutes("", false),
    ...commandRoutes("/guilds/(\\d+)", true),
    {
      method: "GET",
      pattern: /^\/guilds\/(\d+)$/,
      auth: true,
      handle: ({ params }) => (params[0] === guildId ? ok(guild()) : notFound("Unknown Guild", 10004)),
    },
    {
      method: "GET",
      pattern: /^\/guilds\/(\d+)\/channels$/,
      auth: true,
      handle: ({ params }) => (params[0] === guildId ? ok([...channels.values()].filter((c) => c["guild_id"] === guildId)) : notFound("Unknown Guild", 10004)),
    },
    {
      method: "GET",
      pattern: /^\/guilds\/(\d+)\/members\/(\d+)$/,
      auth: true,
      handle: ({ params }) => {
        if (params[0] !== guildId) return notFound("Unknown Guild", 10004);
        const found = members.get(params[1] ?? "");
        return found ? ok(found) : notFound("Unknown Member", 10007);
      },
    },
    {
      method: "GET",
      pattern: /^\/channels\/(\d+)$/,
      auth: true,
      handle: ({ params }) => {
        const found = channels.get(params[0] ?? "");
        return found ? ok(found) : notFound("Unknown Channel", 10003);
      },
    },
    {
      method: "GET",
      pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
      auth: true,
      handle: ({ params }) => {
        if (!channels.has(params[0] ?? "")) return notFound("Unknown Channel", 10003);
        const found = messages.get(params[1] ?? "");
        return found && found["channel_id"] === params[0] ? ok(found) : notFound("Unknown Message", 10008);
      },
    },
    {
      method: "POST",
      pattern: /^\/channels\/(\d+)\/typing$/,
      auth: true,
      handle: ({ params }) => (channels.has(params[0] ?? "") ? noContent : notFound("Unknown Channel", 10003)),
    },
    {
      method: "POST",
      pattern: /^\/channels\/(\d+)\/messages$/,
      auth: true,
      handle: ({ params, body, files }) => {
        const channel = params[0] ?? "";
        if (!channels.has(channel)) return notFound("Unknown Channel", 10003);
        const error = validateMessage(body, { requireContent: true, hasFiles: files.length > 0 });
        if (error) return invalid(error);
        const payload = body as JsonObject;
        const ref = isRecord(payload["message_reference"]) ? payload["message_reference"] : undefined;
        const refId = typeof ref?.["message_id"] === "string" ? ref["message_id"] : undefined;
        if (refId && !messages.has(refId) && ref?.["fail_if_not_exists"] !== false) {
          return invalid({ message: "Invalid Form Body", code: 50035, errors: { message_reference: fieldError("MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message") } });
        }
        const message = botMessage(channel, refId && !messages.has(refId) ? { ...payload, message_reference: undefined } : payload);
        messages.set(message["id"] as string, message);
        const channelObject = channels.get(channel);
        if (channelObject) channelObject["last_message_id"] = message["id"];
        if (options.echoBotMessages) {
          const guild_id = channelObject?.["guild_id"];
          queueMicrotask(() => {
            if (!closed && session) {
              dispatch("MESSAGE_CREATE", {
                ...message,
                channel_type: channelObject?.["type"],
                ...(typeof guild_id === "string" ? { guild_id, member: { ...members.get(applicationId), user: undefined } } : {}),
              });
            }
          });
        }
        return ok(message);
      },
    },
    {
      method: "POST",
      pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
      auth: false,
      handle: ({ params, body, query }) => {
        const state = interactions.get(params[1] ?? "");
        if (!state || state.id !== params[0]) return notFound("Unknown interaction", 10062);
        if (options.interactionDeadlineMs !== undefined && !state.acknowledged && Date.now() - state.createdAt > options.interactionDeadlineMs) {
          return notFound("Unknown interaction", 10062);
        }
        if (state.acknowledged) return invalid({ message: "Interaction has already been acknowledged.", code: 40060 });
        const type = isRecord(body) && typeof body["type"] === "number" ? body["type"] : -1;
        if (![1, 4, 5, 6, 7, 8, 9, 10, 12].includes(type)) {
          return invalid({ message: "Invalid Form Body", code: 50035, errors: { type: fieldError("BASE_TYPE_CHOICES", `Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.`) } });
        }
        const data = isRecord(body) && isRecord(body["data"]) ? body["data"] : {};
        if (type === 4) {
          const error = validateMessage(data, { requireContent: true, hasFiles: false });
          if (error) return invalid(error);
        }
        state.acknowledged = true;
        state.responseType = type;
        const flags = typeof data["flags"] === "number" ? data["flags"] : 0;
        if (type === 4 || type === 5) {
          state.original = botMessage(
            state.channelId ?? channelId,
            type === 4 ? data : { flags: MESSAGE_FLAG_LOADING | (flags & MESSAGE_FLAG_EPHEMERAL) },
            { type: MessageType.ChatInputCommand, application_id: applicationId, webhook_id: applicationId, interaction_metadata: interactionMetadata(state) },
          );
          messages.set(state.original["id"] as string, state.original);
        }
        if (query["with_response"] === "true") {
          return ok({
            interaction: {
              id: state.id,
              type: InteractionType.ApplicationCommand,
              activity_instance_id: null,
              response_message_id: state.original?.["id"] ?? null,
              response_message_loading: type === 5,
              response_message_ephemeral: (flags & MESSAGE_FLAG_EPHEMERAL) !== 0,
            },
            resource: { type, ...(state.original && type === 4 ? { message: state.original } : {}) },
          });
        }
        return noContent;
      },
    },
    {
      method: "GET",
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
      auth: false,
      handle: ({ params }) => {
        const state = webhookState(params[0], params[1]);
        if (!("token" in state)) return state;
        const found = params[2] === "@original" ? state.original : state.followups.get(params[2] ?? "");
        return found ? ok(found) : notFound("Unknown Message", 10008);
      },
    },
    {
      method: "PATCH",
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
      auth: false,
      handle: ({ params, body, files }) => {
        const state = webhookState(params[0], params[1]);
        if (!("token" in state)) return state;
        const found = params[2] === "@original" ? state.original : state.followups.get(params[2] ?? "");
        if (!found) return notFound("Unknown Message", 10008);
        const error = validateMessage(body, { requireContent: false, hasFiles: files.length > 0 });
        if (error) return invalid(error);
        const patch = isRecord(body) ? body : {};
        for (const key of ["content", "embeds", "components", "allowed_mentions", "attachments"]) {
          if (patch[key] !== undefined) found[key] = patch[key] ?? (key === "content" ? "" : []);
        }
        const flags = typeof found["flags"] === "number" ? found["flags"] : 0;
        found["flags"] = flags & ~MESSAGE_FLAG_LOADING;
        found["edited_timestamp"] = new Date().toISOString();
        if (validateMessage(found, { requireContent: true, hasFiles: files.length > 0 })) {
          return invalid({ message: "Cannot send an empty message", code: 50006 });
        }
        return ok(found);
      },
    },
    {
      method: "DELETE",
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
      auth: false,
      handle: ({ params }) => {
        const state = webhookState(params[0], params[1]);
        if (!("token" in state)) return state;
        if (params[2] === "@original") {
          if (!state.original) return notFound("Unknown Message", 10008);
          state.original = null;
        } else if (!state.followups.delete(params[2] ?? "")) {
          return notFound("Unknown Message", 10008);
        }
        return noContent;
      },
    },
    {
      method: "POST",
      pattern: /^\/webhooks\/(\d+)\/([^/]+)$/,
      auth: false,
      handle: ({ params, body, files, query }) => {
        const state = webhookState(params[0], params[1]);
        if (!("token" in state)) return state;
        if (!state.acknowledged) return notFound("Unknown Webhook", 10015);
        const error = validateMessage(body, { requireContent: true, hasFiles: files.length > 0 });
        if (error) return invalid(error);
        const message = botMessage(state.channelId ?? channelId, body as JsonObject, {
          application_id: applicationId,
          webhook_id: applicationId,
          interaction_metadata: interactionMetadata(state),
        });
        state.followups.set(message["id"] as string, message);
        messages.set(message["id"] as string, message);
        return query["wait"] === "false" ? noContent : ok(message);
      },
    },
  ];

  // ----- HTTP plumbing -----------------------------------------------------------------------

  const listCalls = (): string =>
    calls.length === 0 ? "  (none)" : calls.map((c) => `  ${c.method} ${c.path}${Object.keys(c.query).length ? `?${new URLSearchParams(c.query).toString()}` : ""} -> ${c.status}`).join("\n");

  const record = (call: RecordedCall): void => {
    calls.push(call);
    log(`REST ${call.method} ${call.path} -> ${call.status}`);
    for (const waiter of callWaiters) {
      if (waiter.test(call)) {
        callWaiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(call);
      }
    }
  };

  const failureFor = (method: string, path: string): Reply | null => {
    const at = failures.findIndex((f) => (f.method === undefined || f.method.toUpperCase() === method) && routeMatches(f.route, path));
    const failure = failures[at];
    if (!failure) return null;
    failure.left -= 1;
    if (failure.left <= 0) failures.splice(at, 1);
    const status = failure.status ?? 429;
    if (status !== 429) {
      const reason = status >= 500 ? `${status}: ${status === 502 ? "Bad Gateway" : status === 503 ? "Service Unavailable" : "Internal Server Error"}` : `${status}: Error`;
      return { status, body: failure.body ?? { message: reason, code: 0 } };
    }
    const retryAfter = failure.retry_after ?? 0.1;
    const header = failure.retryAfterHeader === "exact" ? String(retryAfter) : String(Math.ceil(retryAfter));
    if (failure.global) {
      return {
        status,
        headers: { "retry-after": header, "x-ratelimit-global": "true", "x-ratelimit-scope": "global" },
        body: failure.body ?? { message: "You are being rate limited.", retry_after: retryAfter, global: true },
      };
    }
    const scope = failure.scope ?? "user";
    return {
      status,
      headers: {
        "retry-after": header,
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": scope === "shared" ? "4" : "0",
        "x-ratelimit-reset": ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
        "x-ratelimit-reset-after": retryAfter.toFixed(3),
        "x-ratelimit-bucket": `fake${randomBytes(8).toString("hex")}`,
        "x-ratelimit-scope": scope,
      },
      body: failure.body ?? { message: scope === "shared" ? "The resource is being rate limited." : "You are being rate limited.", retry_after: retryAfter, global: false },
    };
  };

  const respond = (res: ServerResponse, reply: Reply): void => {
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.status === 204 || reply.body === undefined) {
      // No content-type on empty answers: discord.js would try to parse an empty JSON body.
      res.writeHead(reply.status, headers).end();
      return;
    }
    const text = JSON.stringify(reply.body);
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(text));
    res.writeHead(reply.status, headers).end(text);
  };

  const handleRequest = (req: IncomingMessage, res: ServerResponse, raw: Buffer): void => {
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const prefix = "/api/v10";
    // Recorded and matched decoded: discord.js sends `/messages/%40original`.
    const path = (url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : url.pathname)
      .split("/")
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          return segment;
        }
      })
      .join("/");
    const query = Object.fromEntries(url.searchParams.entries());
    const { body, files } = parseBody(raw, req.headers["content-type"]);
    const finish = (reply: Reply): void => {
      record({ method, path, query, headers: req.headers, body, files, status: reply.status, at: Date.now() });
      respond(res, reply);
    };
    if (!url.pathname.startsWith(`${prefix}/`)) {
      finish(notFound("404: Not Found", 0));
      return;
    }
    for (const route of routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (route.auth && req.headers.authorization !== `Bot ${token}`) {
        finish({ status: 401, body: { message: "401: Unauthorized", code: 0 } });
        return;
      }
      const failure = failureFor(method, path);
      if (failure) {
        finish(failure);
        return;
      }
      let reply: Reply;
      try {
        reply = route.handle({ params: match.slice(1).map((p) => p ?? ""), body, files, query });
      } catch (error) {
        reply = { status: 500, body: { message: `fake discord crashed: ${String(error)}`, code: 0 } };
      }
      finish(reply);
      return;
    }
    finish(notFound("404: Not Found", 0));
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handleRequest(req, res, Buffer.concat(chunks)));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  // ----- gateway ----------------------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true });
  const sockStates = new Map<WebSocket, { connection: number; authed: boolean }>();

  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    if (url.pathname !== "/gateway" && url.pathname !== "/gateway/") {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, url));
  });

  const send = (ws: WebSocket, payload: JsonObject): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(payload));
  };

  const sendDispatch = (target: Session, t: string, d: unknown): number => {
    const s = ++target.seq;
    target.buffer.push({ s, t, d });
    if (target.buffer.length > 1000) target.buffer.shift();
    if (target.socket) send(target.socket, { op: 0, t, s, d });
    log(`GW -> ${t} s=${s}${target.socket ? "" : " (buffered)"}`);
    return s;
  };

  const recordFrame = (frame: GatewayFrame): void => {
    frames.push(frame);
    log(`GW <- op ${frame.op}`);
    for (const waiter of frameWaiters) {
      if (waiter.test(frame)) {
        frameWaiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(frame);
      }
    }
  };

  const onConnection = (ws: WebSocket, url: URL): void => {
    connectionCount += 1;
    const state = { connection: connectionCount, authed: false };
    sockStates.set(ws, state);
    log(`GW connection ${state.connection} (${url.search})`);
    if (url.searchParams.get("encoding") === "etf" || url.searchParams.has("compress")) {
      ws.close(4002, "Only encoding=json without transport compression is supported by the fake");
      return;
    }
    send(ws, { op: 10, d: { heartbeat_interval: heartbeatInterval, _trace: ['["fake-gateway",{"micros":0}]'] }, s: null, t: null });
    ws.on("message", (data: RawData) => onFrame(ws, state, data));
    ws.on("close", (code) => {
      sockStates.delete(ws);
      for (const s of sessions.values()) {
        if (s.socket === ws) {
          s.socket = null;
          // A clean close (1000/1001) ends the session on Discord; anything else stays resumable.
          if (code === 1000 || code === 1001) sessions.delete(s.id);
        }
      }
    });
    ws.on("error", () => undefined);
  };

  const onFrame = (ws: WebSocket, state: { connection: number; authed: boolean }, data: RawData): void => {
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.isBuffer(data) ? data.toString("utf8") : Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data).toString("utf8"));
    } catch {
      ws.close(4002, "Error while decoding payload.");
      return;
    }
    if (!isRecord(payload) || typeof payload["op"] !== "number") {
      ws.close(4002, "Error while decoding payload.");
      return;
    }
    const op = payload["op"];
    const d = payload["d"];
    recordFrame({ connection: state.connection, op, d, at: Date.now() });
    switch (op) {
      case 1:
        send(ws, { op: 11, d: null, s: null, t: null });
        return;
      case 2: {
        if (state.authed) {
          ws.close(4005, "Already authenticated.");
          return;
        }
        const identify = isRecord(d) ? d : {};
        const given = typeof identify["token"] === "string" ? identify["token"].replace(/^Bot /, "") : "";
        if (given !== token) {
          ws.close(4004, "Authentication failed.");
          return;
        }
        const intents = identify["intents"];
        if (typeof intents !== "number" || !Number.isInteger(intents) || intents < 0) {
          ws.close(4013, "Invalid intent(s).");
          return;
        }
        if ((intents & PRIVILEGED_INTENTS & ~privileged) !== 0) {
          ws.close(4014, "Disallowed intent(s).");
          return;
        }
        const given_shard = identify["shard"];
        const shard: [number, number] =
          Array.isArray(given_shard) && given_shard.length === 2 && given_shard.every((n) => Number.isInteger(n)) ? [given_shard[0] as number, given_shard[1] as number] : [0, 1];
        if (shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) {
          ws.close(4010, "Invalid shard.");
          return;
        }
        state.authed = true;
        const next: Session = { id: randomBytes(16).toString("hex"), seq: 0, buffer: [], socket: ws, intents, shard };
        // A new session of the same shard replaces the old one; other shards keep theirs.
        const previous = shardSessions.get(shard[0]);
        if (previous?.socket && previous.socket !== ws) previous.socket.close(4009, "Session timed out.");
        session = next;
        sessions.set(next.id, next);
        shardSessions.set(shard[0], next);
        const mine = guildList.filter((g) => shardOf(g.id, shard[1]) === shard[0]);
        sendDispatch(next, "READY", {
          v: 10,
          user: { ...botUser, verified: true, mfa_enabled: false, flags: 0 },
          guilds: mine.map((g) => ({ id: g.id, unavailable: true })),
          session_id: next.id,
          session_type: "normal",
          resume_gateway_url: gatewayUrl,
          shard,
          application: { id: applicationId, flags: application()["flags"] },
          private_channels: [],
          presences: [],
          relationships: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
          auth: {},
          user_settings: {},
          _trace: ['["fake-gateway",{"micros":0}]'],
        });
        for (const g of mine) sendDispatch(next, "GUILD_CREATE", guildCreate(g.id));
        return;
      }
      case 6: {
        const resume = isRecord(d) ? d : {};
        const given = typeof resume["token"] === "string" ? resume["token"].replace(/^Bot /, "") : "";
        if (given !== token) {
          ws.close(4004, "Authentication failed.");
          return;
        }
        const found = typeof resume["session_id"] === "string" ? sessions.get(resume["session_id"]) : undefined;
        const seq = typeof resume["seq"] === "number" ? resume["seq"] : -1;
        if (!found || seq > found.seq) {
          send(ws, { op: 9, d: false, s: null, t: null });
          return;
        }
        state.authed = true;
        if (found.socket && found.socket !== ws) found.socket.close(4009, "Session timed out.");
        found.socket = ws;
        session = found;
        shardSessions.set(found.shard[0], found);
        for (const missed of found.buffer.filter((e) => e.s > seq)) send(ws, { op: 0, t: missed.t, s: missed.s, d: missed.d });
        sendDispatch(found, "RESUMED", null);
        return;
      }
      case 3:
      case 4:
      case 8:
      case 31:
        if (!state.authed) ws.close(4003, "Not authenticated.");
        return;
      default:
        ws.close(4001, "Unknown opcode.");
    }
  };

  /** With several shards connected, a guild's events go to its shard, and DMs to shard 0. */
  const targetSession = (data: unknown): Session | undefined => {
    const count = session?.shard[1] ?? 1;
    if (count === 1) return undefined;
    const gid = isRecord(data) && typeof data["guild_id"] === "string" ? data["guild_id"] : null;
    return shardSessions.get(gid === null ? 0 : shardOf(gid, count));
  };

  const dispatch = (event: string, data: unknown): number => {
    if (closed) throw new Error("fake discord is closed");
    if (!session) throw new Error(`cannot dispatch ${event}: no gateway session yet (has the client logged in?)`);
    if (event === "MESSAGE_CREATE" && isRecord(data) && typeof data["id"] === "string") {
      messages.set(data["id"], data);
    }
    if (event === "INTERACTION_CREATE") registerInteraction(data);
    return sendDispatch(targetSession(data) ?? session, event, data);
  };

  // ----- start ------------------------------------------------------------------------------

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const apiBase = `http://127.0.0.1:${port}/api`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  const waitOn = <T>(set: Set<Pending<T>>, existing: readonly T[], test: (item: T) => boolean, timeoutMs: number, describe: () => string): Promise<T> => {
    const found = existing.find(test);
    if (found !== undefined) return Promise.resolve(found);
    if (closed) return Promise.reject(new Error(`fake discord is closed; ${describe()}`));
    return new Promise<T>((resolve, reject) => {
      const waiter: Pending<T> = {
        test,
        resolve,
        reject,
        timer: setTimeout(() => {
          set.delete(waiter);
          reject(new Error(describe()));
        }, timeoutMs),
      };
      set.add(waiter);
    });
  };

  const fake: FakeDiscord = {
    apiBase,
    gatewayUrl,
    token,
    applicationId,
    botUserId: botUser.id,
    botUser,
    humanUser,
    otherBotUser,
    guildId,
    channelId,
    guilds: guildList,
    get shardsConnected() {
      return [...shardSessions.values()].filter((s) => s.socket !== null).map((s) => s.shard);
    },
    ownerId: ownerUser.id,
    adminRoleId: FAKE_IDS.adminRole,
    get sessionId() {
      return session?.id ?? null;
    },
    get connectionCount() {
      return connectionCount;
    },
    get globalCommands() {
      return globalCommands;
    },
    guildCommands: (id = guildId) => guildCommandStore.get(id) ?? [],
    dispatch,
    buildMessage,
    messageCreate: (input = {}) => {
      const message = buildMessage(input);
      dispatch("MESSAGE_CREATE", message);
      return message;
    },
    buildInteraction,
    interactionCreate: (input) => {
      const interaction = buildInteraction(input);
      dispatch("INTERACTION_CREATE", interaction);
      return interaction;
    },
    calls: (route, method) => calls.filter((c) => (route === undefined || routeMatches(route, c.path)) && (method === undefined || c.method === method.toUpperCase())),
    clearCalls: () => void calls.splice(0, calls.length),
    waitFor: (method, route, predicate, timeoutMs = 2000) =>
      waitOn(
        callWaiters,
        calls,
        (c) => c.method === method.toUpperCase() && routeMatches(route, c.path) && (predicate === undefined || predicate(c)),
        timeoutMs,
        () => `fake discord: no ${method.toUpperCase()} ${String(route)}${predicate ? " (matching the predicate)" : ""} within ${timeoutMs} ms; calls seen:\n${listCalls()}`,
      ),
    failNext: (route, failOptions = {}) => void failures.push({ ...failOptions, route, left: failOptions.times ?? 1 }),
    gatewayFrames: (op) => frames.filter((f) => op === undefined || f.op === op),
    waitForGateway: (op, predicate, timeoutMs = 2000) =>
      waitOn(
        frameWaiters,
        frames,
        (f) => f.op === op && (predicate === undefined || predicate(f)),
        timeoutMs,
        () => `fake discord: no gateway op ${op} within ${timeoutMs} ms; frames seen: ${frames.map((f) => `#${f.connection}:op${f.op}`).join(", ") || "(none)"}`,
      ),
    dropConnection: async (code = 4000, reason = "Unknown error.") => {
      const ws = session?.socket;
      if (!ws) return;
      const done = new Promise<void>((resolve) => ws.once("close", () => resolve()));
      ws.close(code, reason);
      const timer = setTimeout(() => ws.terminate(), 1000);
      await done;
      clearTimeout(timer);
    },
    requestReconnect: () => {
      if (session?.socket) send(session.socket, { op: 7, d: null, s: null, t: null });
    },
    invalidateSession: (resumable = false) => {
      const current = session;
      if (!current?.socket) return;
      if (!resumable) sessions.delete(current.id);
      send(current.socket, { op: 9, d: resumable, s: null, t: null });
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const waiter of [...callWaiters, ...frameWaiters]) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error("fake discord closed while waiting"));
      }
      callWaiters.clear();
      frameWaiters.clear();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
