import pino from "pino";
import type { LogLevel } from "../../config/index.js";
import type { LogFields, Logger } from "../log.js";
import { currentRequestId } from "./request.js";

/**
 * Structured logs for the running bot: one JSON object per line on stderr (pino), with the time,
 * level, process and, while a chat message is handled, its request id (`req`). Written
 * synchronously, so the last lines before an exit are never lost.
 */
export function createJsonLogger(level: LogLevel, scrub: (text: string) => string, fd = 2): Logger {
  const p = pino(
    {
      level,
      base: { pid: process.pid, name: "skim" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const req = currentRequestId();
        return req ? { req } : {};
      },
    },
    pino.destination({ dest: fd, sync: true }),
  );
  const at = (lvl: "debug" | "info" | "warn" | "error") => (msg: string, fields?: LogFields) => {
    if (!p.isLevelEnabled(lvl)) return;
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields ?? {})) clean[k] = typeof v === "string" ? scrub(v) : v;
    p[lvl](clean, scrub(msg));
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
