import type { LogLevel } from "../config/index.js";

/**
 * Diagnostics go to stderr, one line each: stdout is reserved for data. `fields` are structured
 * context (platform, outcome, milliseconds); never tokens or the text of a message.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | null>>;

export type Logger = {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
};

export const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Telegram puts the token in every API address (`/bot<token>/getMe`): an error message may carry it. */
const TELEGRAM_TOKEN = /\d{5,}:[A-Za-z0-9_-]{30,}/g;

/**
 * Replaces the given secrets (tokens, passwords) wherever they appear in a log line: errors from
 * libraries quote URLs and options verbatim.
 */
export function scrubber(secrets: readonly (string | null | undefined)[]): (text: string) => string {
  const known = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length >= 6))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.replace(TELEGRAM_TOKEN, "[secret]");
    for (const s of known) if (out.includes(s)) out = out.split(s).join("[secret]");
    return out;
  };
}

/** Human-readable lines: the CLI tools, and the console chat in a terminal. */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stderr.write(l),
  scrub: (text: string) => string = (t) => t,
): Logger {
  const at = (lvl: Exclude<LogLevel, "silent">) => (msg: string, fields?: LogFields) => {
    if (RANK[lvl] < RANK[level]) return;
    const extra = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${String(v)}`).join("") : "";
    write(scrub(`skim ${lvl}: ${msg}${extra}`) + "\n");
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
