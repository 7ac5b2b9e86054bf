import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

/**
 * Every setting Skim reads, parsed once from the environment (and an optional `.env` file)
 * into one typed object. Nothing else in the code base reads `process.env`.
 */
export type Config = {
  logLevel: LogLevel;
  fetch: FetchConfig;
  render: RenderConfig;
};

export type RenderConfig = {
  /** Link each bullet to its place in the article with a text fragment (`#:~:text=`). */
  textFragments: boolean;
};

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

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
  SKIM_TEXT_FRAGMENTS: {
    doc: "Link each digest bullet to its sentence in the article with a text-fragment URL (#:~:text=).",
    example: "true",
    parse: bool,
    fallback: true,
  },
} satisfies Record<string, Spec<unknown>>;

type Variables = typeof variables;
type Values = { [K in keyof Variables]: Variables[K]["fallback"] };

/** Prefixes that belong to Skim: a variable with one of them that Skim does not know is a typo. */
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
    fetch: {
      allowPrivateHosts: v.SKIM_ALLOW_PRIVATE_HOSTS,
      userAgent: v.SKIM_USER_AGENT,
      connectTimeoutMs: v.SKIM_FETCH_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: v.SKIM_FETCH_HEADERS_TIMEOUT_MS,
      totalTimeoutMs: v.SKIM_FETCH_TIMEOUT_MS,
      maxBytes: v.SKIM_FETCH_MAX_BYTES,
      maxRedirects: v.SKIM_FETCH_MAX_REDIRECTS,
    },
    render: { textFragments: v.SKIM_TEXT_FRAGMENTS },
  };
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
