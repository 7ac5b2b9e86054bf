import type { LogLevel } from "../config/index.js";

/** Diagnostics go to stderr, one line each: stdout is reserved for data. */
export type Logger = {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
};

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const at = (lvl: Exclude<LogLevel, "silent">) => (msg: string) => {
    if (RANK[lvl] >= RANK[level]) write(`skim ${lvl}: ${msg}\n`);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
