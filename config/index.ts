import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

/**
 * Every setting Skim reads, parsed once from the environment (and an optional `.env` file)
 * into one typed object. Nothing else in the code base reads `process.env`.
 */
export type Config = {
  logLevel: LogLevel;
  /** How `skim run` writes its logs; "auto": text on a terminal, JSON otherwise. */
  logFormat: LogFormat;
  fetch: FetchConfig;
  render: RenderConfig;
  /** Worker threads for the extractor; 0: in the main thread. */
  extract: { workers: number };
  /** Adapters to run; null means "those with tokens, else the console". */
  adapters: AdapterName[] | null;
  telegram: { token: string; apiRoot: string; webhook: { url: string; secret: string } | null } | null;
  /** `sqlite:<path>` or `postgres://…`; null: SQLite in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  /** The operator's HTTP server (/healthz, /readyz, /metrics): only when PORT is set. */
  http: { port: number; host: string } | null;
  digests: { defaultTimezone: string; defaultTime: string; maxItems: number; linkRetentionDays: number; checkIntervalMs: number };
  discord: DiscordSettings | null;
  /** The optional abstractive engine; null: extractive summaries only. */
  llm: LlmSettings | null;
};

export type LlmSettings = {
  /** Including the version path (`http://localhost:11434/v1`): Skim POSTs to `<baseUrl>/chat/completions`. */
  baseUrl: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
  /** Tokens of article sent at most (estimated); the extractive ranker chooses what stays. */
  maxInputTokens: number;
  maxOutputTokens: number;
  /** Tokens a chat may spend a day (replies and daily digests); past it, extractive digests. */
  dailyTokensPerChat: number;
};

export type DiscordSettings = {
  token: string;
  applicationId: string;
  apiBase: string | null;
  guildId: string | null;
  /** Run the gateway as this many shard processes (discord.js's ShardingManager); null: one connection in this process. */
  shards: "auto" | number | null;
  /**
   * Set in a shard process that a ShardingManager started (it passes SHARDING_MANAGER, SHARDS and
   * SHARD_COUNT): this process runs that shard's gateway connection and nothing else.
   */
  shardProcess: { ids: number[]; count: number } | null;
};

export type AdapterName = "console" | "telegram" | "discord";

export type RenderConfig = {
  /** Link each bullet to its place in the article with a text fragment (`#:~:text=`). */
  textFragments: boolean;
};

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFormat = "auto" | "json" | "text";

export type FetchConfig = {
  /** Allow loopback/private/link-local targets: for tests and self-hosted intranets only. */
  allowPrivateHosts: boolean;
  userAgent: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Deadline for the whole fetch, redirects and body included. */
  totalTimeoutMs: number;
  /** Cap on the body after decompression. */
  maxBytes: number;
  maxRedirects: number;
  /** Page fetches one process runs at once; more wait their turn (within the request deadline). */
  concurrency: number;
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

type Spec<T> = {
  doc: string;
  example: string;
  parse: (raw: string, name: string) => T;
  fallback: T;
};

const bool = (raw: string, name: string): boolean => {
  const v = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off", ""].includes(v)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
};

const int =
  (min: number, max: number) =>
  (raw: string, name: string): number => {
    const v = raw.trim().replace(/_/g, "");
    if (!/^\d+$/.test(v)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
    const n = Number(v);
    if (n < min || n > max) throw new ConfigError(name, `expected a number from ${min} to ${max}, got ${n}`);
    return n;
  };

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (raw: string, name: string): T => {
    const v = raw.trim().toLowerCase();
    if ((values as readonly string[]).includes(v)) return v as T;
    throw new ConfigError(name, `expected one of ${values.join(", ")}, got "${raw}"`);
  };

const list =
  <T extends string>(values: readonly T[]) =>
  (raw: string, name: string): T[] | null => {
    const items = raw.split(",").map((x) => x.trim().toLowerCase()).filter((x) => x !== "");
    if (items.length === 0) return null;
    for (const item of items) if (!(values as readonly string[]).includes(item)) throw new ConfigError(name, `unknown "${item}" (expected some of ${values.join(", ")})`);
    return [...new Set(items)] as T[];
  };

const optionalText = (raw: string, name: string): string | null => (raw.trim() === "" ? null : text(raw, name));

const httpBase = (raw: string, name: string): string | null => {
  const v = raw.trim();
  if (v === "") return null;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(name, `expected an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(name, `expected an http(s) URL, got "${raw}"`);
  return v.replace(/\/+$/, "");
};

const databaseUrl = (raw: string, name: string): string | null => {
  const v = raw.trim();
  if (v === "") return null;
  if (!/^(sqlite:|file:|postgres(ql)?:\/\/)/i.test(v)) throw new ConfigError(name, `expected sqlite:<path> or postgres://..., got "${v.split(":")[0]}:..."`);
  return v;
};

const timeZone = (raw: string, name: string): string => {
  const v = raw.trim();
  try {
    return new Intl.DateTimeFormat("en", { timeZone: v }).resolvedOptions().timeZone;
  } catch {
    throw new ConfigError(name, `"${v}" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
  }
};

const timeOfDay = (raw: string, name: string): string => {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(raw.trim());
  if (!m) throw new ConfigError(name, `expected HH:MM, got "${raw}"`);
  return `${m[1]!.padStart(2, "0")}:${m[2]}`;
};

const snowflake = (raw: string, name: string): string | null => {
  const v = raw.trim();
  if (v === "") return null;
  if (!/^\d{15,22}$/.test(v)) throw new ConfigError(name, "expected a Discord id (a long number)");
  return v;
};

const shardCount = (raw: string, name: string): "auto" | number | null => {
  const v = raw.trim().toLowerCase();
  if (v === "") return null;
  if (v === "auto") return "auto";
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 4096) throw new ConfigError(name, `expected auto or a number of shards from 1 to 4096, got "${raw}"`);
  return Number(v);
};

const text = (raw: string, name: string): string => {
  const v = raw.trim();
  if (v === "" || /[\r\n]/.test(v)) throw new ConfigError(name, "expected a non-empty single line");
  return v;
};

export const DEFAULT_USER_AGENT = "Skim/0.1 (link summarizer bot; fetches pages that chat users share)";

/** The single table of variables: `.env.example` and the README are checked against it in tests. */
export const variables = {
  SKIM_LOG_LEVEL: {
    doc: "Diagnostics on stderr: debug, info, warn, error or silent.",
    example: "info",
    parse: oneOf(["debug", "info", "warn", "error", "silent"] as const),
    fallback: "info" as LogLevel,
  },
  SKIM_LOG_FORMAT: {
    doc: "Logs of skim run: json (one object per line, with a request id per message), text, or auto (text on a terminal, else json).",
    example: "auto",
    parse: oneOf(["auto", "json", "text"] as const),
    fallback: "auto" as LogFormat,
  },
  SKIM_ALLOW_PRIVATE_HOSTS: {
    doc: "Allow fetching loopback, private and link-local addresses. Off by default; only for tests and intranets you trust.",
    example: "false",
    parse: bool,
    fallback: false,
  },
  SKIM_USER_AGENT: {
    doc: "User-Agent header sent with every fetch.",
    example: DEFAULT_USER_AGENT,
    parse: text,
    fallback: DEFAULT_USER_AGENT,
  },
  SKIM_FETCH_CONNECT_TIMEOUT_MS: {
    doc: "Time allowed to open the TCP/TLS connection, in milliseconds.",
    example: "5000",
    parse: int(100, 120_000),
    fallback: 5_000,
  },
  SKIM_FETCH_HEADERS_TIMEOUT_MS: {
    doc: "Time allowed for the response headers once connected, in milliseconds.",
    example: "8000",
    parse: int(100, 120_000),
    fallback: 8_000,
  },
  SKIM_FETCH_TIMEOUT_MS: {
    doc: "Deadline for a whole fetch (redirects and body included), in milliseconds.",
    example: "15000",
    parse: int(100, 300_000),
    fallback: 15_000,
  },
  SKIM_FETCH_CONCURRENCY: {
    doc: "Page fetches one process runs at once; the rest wait their turn.",
    example: "16",
    parse: int(1, 1_000),
    fallback: 16,
  },
  SKIM_FETCH_MAX_BYTES: {
    doc: "Largest page body accepted, counted after decompression, in bytes.",
    example: "5000000",
    parse: int(1_024, 100_000_000),
    fallback: 5_000_000,
  },
  SKIM_FETCH_MAX_REDIRECTS: {
    doc: "Redirects followed per fetch (each hop is re-checked), from 0 to 5.",
    example: "5",
    parse: int(0, 5),
    fallback: 5,
  },
  SKIM_EXTRACT_WORKERS: {
    doc: "Worker threads that extract articles, off the chat's event loop, each page within 10 s and 768 MB; 0 extracts in the main thread.",
    example: "1",
    parse: int(0, 16),
    fallback: 1,
  },
  SKIM_TEXT_FRAGMENTS: {
    doc: "Link each digest bullet to its sentence in the article with a text-fragment URL (#:~:text=).",
    example: "true",
    parse: bool,
    fallback: true,
  },
  SKIM_LLM_BASE_URL: {
    doc: "Optional abstractive engine: an OpenAI-compatible API base including the version path (Ollama: http://localhost:11434/v1). Skim POSTs to <base>/chat/completions. Unset: extractive only.",
    example: "",
    parse: httpBase,
    fallback: null,
  },
  SKIM_LLM_MODEL: {
    doc: "Model name for the abstractive engine (e.g. llama3.1:8b, gpt-4o-mini); required with SKIM_LLM_BASE_URL.",
    example: "",
    parse: optionalText,
    fallback: null,
  },
  SKIM_LLM_API_KEY: {
    doc: "API key for the abstractive engine, sent as a Bearer token; not needed for a local server.",
    example: "",
    parse: optionalText,
    fallback: null,
  },
  SKIM_LLM_TIMEOUT_MS: {
    doc: "Time allowed for one answer of the abstractive engine; past it, the extractive digest is sent.",
    example: "20000",
    parse: int(1_000, 300_000),
    fallback: 20_000,
  },
  SKIM_LLM_MAX_INPUT_TOKENS: {
    doc: "Article tokens sent to the engine at most (the most central sentences are kept).",
    example: "3000",
    parse: int(200, 200_000),
    fallback: 3_000,
  },
  SKIM_LLM_MAX_OUTPUT_TOKENS: {
    doc: "Tokens the engine may write per answer.",
    example: "400",
    parse: int(50, 8_000),
    fallback: 400,
  },
  SKIM_LLM_DAILY_TOKENS: {
    doc: "Engine tokens (sent and received) one chat may use a day, replies and daily digests together; past it, extractive digests.",
    example: "100000",
    parse: int(1_000, 100_000_000),
    fallback: 100_000,
  },
  DATABASE_URL: {
    doc: "Where Skim keeps settings, subscriptions and its cache: sqlite:<path> or postgres://user@host/db. Default: SQLite in SKIM_DATA_DIR.",
    example: "sqlite:./data/skim.sqlite",
    parse: databaseUrl,
    fallback: null,
  },
  SKIM_DATA_DIR: {
    doc: "Directory for the default SQLite database.",
    example: "./data",
    parse: text,
    fallback: "./data",
  },
  SKIM_DEFAULT_TIMEZONE: {
    doc: "Time zone of new subscriptions when the chat has not set one (IANA name, e.g. Europe/Berlin).",
    example: "UTC",
    parse: timeZone,
    fallback: "UTC",
  },
  SKIM_DIGEST_TIME: {
    doc: "Delivery time of new subscriptions when /subscribe gives none, HH:MM.",
    example: "09:00",
    parse: timeOfDay,
    fallback: "09:00",
  },
  SKIM_DIGEST_MAX_ITEMS: {
    doc: "Items per digest; more are announced as 'and N more'.",
    example: "10",
    parse: int(1, 50),
    fallback: 10,
  },
  SKIM_LINK_RETENTION_DAYS: {
    doc: "How long links shared in a chat are kept for its daily recap, in days.",
    example: "2",
    parse: int(1, 30),
    fallback: 2,
  },
  SKIM_DIGEST_CHECK_MS: {
    doc: "How often due digests are looked for, in milliseconds.",
    example: "30000",
    parse: int(200, 3_600_000),
    fallback: 30_000,
  },
  PORT: {
    doc: "Start the HTTP server (/healthz, /readyz, /metrics) on this port; unset: no server. 0 picks a free port (logged).",
    example: "8080",
    parse: (raw: string, name: string) => (raw.trim() === "" ? null : int(0, 65_535)(raw, name)),
    fallback: null,
  },
  SKIM_HTTP_HOST: {
    doc: "Address the HTTP server listens on.",
    example: "0.0.0.0",
    parse: text,
    fallback: "0.0.0.0",
  },
  SKIM_ADAPTERS: {
    doc: "Chat adapters to run, comma-separated: console, telegram, discord. Default: those with a token set, else the console.",
    example: "console",
    parse: list(["console", "telegram", "discord"] as const),
    fallback: null,
  },
  TELEGRAM_BOT_TOKEN: {
    doc: "Telegram bot token from @BotFather; enables the Telegram adapter.",
    example: "",
    parse: optionalText,
    fallback: null,
  },
  TELEGRAM_WEBHOOK_URL: {
    doc: "Public https URL Telegram posts updates to (webhook mode, for several processes behind a load balancer); needs PORT. Default: long polling.",
    example: "",
    parse: httpBase,
    fallback: null,
  },
  TELEGRAM_WEBHOOK_SECRET: {
    doc: "Secret Telegram sends with every webhook update (X-Telegram-Bot-Api-Secret-Token): A-Z, a-z, 0-9, _ and -. Default: derived from the token.",
    example: "",
    parse: (raw: string, name: string) => {
      const v = raw.trim();
      if (v === "") return null;
      if (!/^[A-Za-z0-9_-]{1,256}$/.test(v)) throw new ConfigError(name, "use 1 to 256 of A-Z, a-z, 0-9, _ and -");
      return v;
    },
    fallback: null,
  },
  TELEGRAM_API_ROOT: {
    doc: "Bot API server to talk to (a local Bot API server, or a test fake). Default: the official API.",
    example: "https://api.telegram.org",
    parse: httpBase,
    fallback: null,
  },
  DISCORD_TOKEN: {
    doc: "Discord bot token (Developer Portal, Bot page); with DISCORD_APPLICATION_ID enables the Discord adapter.",
    example: "",
    parse: optionalText,
    fallback: null,
  },
  DISCORD_APPLICATION_ID: {
    doc: "Discord application id (Developer Portal, General Information).",
    example: "",
    parse: snowflake,
    fallback: null,
  },
  DISCORD_GUILD_ID: {
    doc: "Register the slash commands in this one server only (instant updates while testing); default: globally.",
    example: "",
    parse: snowflake,
    fallback: null,
  },
  DISCORD_SHARDS: {
    doc: "Run the Discord gateway as shard processes (discord.js ShardingManager): auto (as many as Discord recommends) or a number. Default: one connection, in this process.",
    example: "auto",
    parse: shardCount,
    fallback: null,
  },
  DISCORD_API_BASE: {
    doc: "Discord REST base including /api and no version (discord.js's rest.api), e.g. for a test fake. Default: Discord's.",
    example: "https://discord.com/api",
    parse: httpBase,
    fallback: null,
  },
} satisfies Record<string, Spec<unknown>>;

type Variables = typeof variables;
type Values = { [K in keyof Variables]: ReturnType<Variables[K]["parse"]> | Variables[K]["fallback"] };

/** Prefixes that belong to Skim: a variable with one of them that Skim does not know is a typo. */
// TELEGRAM_* and DISCORD_* are read but not policed: other tools on the same machine use those names too.
const OWN_PREFIXES = ["SKIM_"];

function readValues(env: Env): Values {
  for (const name of Object.keys(env)) {
    if (OWN_PREFIXES.some((p) => name.startsWith(p)) && !(name in variables)) {
      const known = Object.keys(variables).join(", ");
      throw new ConfigError(name, `unknown variable (known: ${known})`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(variables) as [string, Spec<unknown>][]) {
    const raw = env[name];
    out[name] = raw === undefined ? spec.fallback : spec.parse(raw, name);
  }
  return out as Values;
}

/** Parse a configuration from an environment map. Throws ConfigError naming the variable at fault. */
export function parseConfig(env: Env): Config {
  const v = readValues(env);
  return {
    logLevel: v.SKIM_LOG_LEVEL,
    logFormat: v.SKIM_LOG_FORMAT,
    fetch: {
      allowPrivateHosts: v.SKIM_ALLOW_PRIVATE_HOSTS,
      userAgent: v.SKIM_USER_AGENT,
      connectTimeoutMs: v.SKIM_FETCH_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: v.SKIM_FETCH_HEADERS_TIMEOUT_MS,
      totalTimeoutMs: v.SKIM_FETCH_TIMEOUT_MS,
      maxBytes: v.SKIM_FETCH_MAX_BYTES,
      maxRedirects: v.SKIM_FETCH_MAX_REDIRECTS,
      concurrency: v.SKIM_FETCH_CONCURRENCY,
    },
    render: { textFragments: v.SKIM_TEXT_FRAGMENTS },
    extract: { workers: v.SKIM_EXTRACT_WORKERS },
    adapters: v.SKIM_ADAPTERS,
    databaseUrl: v.DATABASE_URL,
    dataDir: v.SKIM_DATA_DIR,
    http: v.PORT === null ? null : { port: v.PORT, host: v.SKIM_HTTP_HOST },
    digests: {
      defaultTimezone: v.SKIM_DEFAULT_TIMEZONE,
      defaultTime: v.SKIM_DIGEST_TIME,
      maxItems: v.SKIM_DIGEST_MAX_ITEMS,
      linkRetentionDays: v.SKIM_LINK_RETENTION_DAYS,
      checkIntervalMs: v.SKIM_DIGEST_CHECK_MS,
    },
    telegram: telegramConfig(v),
    discord: discordConfig(v, shardProcess(env)),
    llm: llmConfig(v),
  };
}

function telegramConfig(v: Values): Config["telegram"] {
  if (!v.TELEGRAM_BOT_TOKEN) return null;
  let webhook: { url: string; secret: string } | null = null;
  if (v.TELEGRAM_WEBHOOK_URL) {
    if (v.PORT === null) throw new ConfigError("TELEGRAM_WEBHOOK_URL", "needs PORT: the webhook is served by Skim's HTTP server");
    // Every process of one bot must agree on the secret: derive it from the token unless given.
    const secret = v.TELEGRAM_WEBHOOK_SECRET ?? createHash("sha256").update(`skim-webhook:${v.TELEGRAM_BOT_TOKEN}`).digest("hex");
    webhook = { url: v.TELEGRAM_WEBHOOK_URL, secret };
  }
  return { token: v.TELEGRAM_BOT_TOKEN, apiRoot: v.TELEGRAM_API_ROOT ?? "https://api.telegram.org", webhook };
}

function discordConfig(v: Values, shard: DiscordSettings["shardProcess"]): Config["discord"] {
  if (!v.DISCORD_TOKEN) return null;
  if (!v.DISCORD_APPLICATION_ID) throw new ConfigError("DISCORD_APPLICATION_ID", "required when DISCORD_TOKEN is set");
  return {
    token: v.DISCORD_TOKEN,
    applicationId: v.DISCORD_APPLICATION_ID,
    apiBase: v.DISCORD_API_BASE,
    guildId: v.DISCORD_GUILD_ID,
    // A shard process must not shard again, whatever DISCORD_SHARDS it inherited.
    shards: shard ? null : v.DISCORD_SHARDS,
    shardProcess: shard,
  };
}

function llmConfig(v: Values): Config["llm"] {
  if (!v.SKIM_LLM_BASE_URL) return null;
  if (!v.SKIM_LLM_MODEL) throw new ConfigError("SKIM_LLM_MODEL", "required when SKIM_LLM_BASE_URL is set (e.g. llama3.1:8b)");
  return {
    baseUrl: v.SKIM_LLM_BASE_URL,
    model: v.SKIM_LLM_MODEL,
    apiKey: v.SKIM_LLM_API_KEY,
    timeoutMs: v.SKIM_LLM_TIMEOUT_MS,
    maxInputTokens: v.SKIM_LLM_MAX_INPUT_TOKENS,
    maxOutputTokens: v.SKIM_LLM_MAX_OUTPUT_TOKENS,
    dailyTokensPerChat: v.SKIM_LLM_DAILY_TOKENS,
  };
}

/** Variables discord.js's ShardingManager gives each shard process it starts (not the operator's to set). */
function shardProcess(env: Env): DiscordSettings["shardProcess"] {
  if (env["SHARDING_MANAGER"] !== "true" || env["SHARDING_MANAGER_MODE"] !== "process") return null;
  const ids = (env["SHARDS"] ?? "").split(",").map((x) => Number(x.trim()));
  const count = Number(env["SHARD_COUNT"]);
  if (ids.length === 0 || !ids.every((i) => Number.isInteger(i) && i >= 0 && i < count)) return null;
  return { ids, count };
}

/**
 * The process's configuration: the real environment wins over `.env` in the working directory,
 * as dotenv does by default. The file is parsed, not injected, so nothing leaks into process.env.
 */
export function loadConfig(options: { env?: Env; dotenvPath?: string | null } = {}): Config {
  const env = options.env ?? process.env;
  const path = options.dotenvPath === undefined ? resolve(".env") : options.dotenvPath;
  let fromFile: Record<string, string> = {};
  if (path !== null && existsSync(path)) {
    try {
      // Loaded only when there is a file to read: most runs have none, and start-up time counts.
      const dotenv = createRequire(import.meta.url)("dotenv") as typeof import("dotenv");
      fromFile = dotenv.parse(readFileSync(path));
    } catch (err) {
      throw new ConfigError(path, `cannot read the .env file (${(err as Error).message})`);
    }
  }
  return parseConfig({ ...fromFile, ...env });
}
