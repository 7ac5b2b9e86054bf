import type { BotCommand } from "telegraf/types";
import { commands } from "../../src/commands.js";

/** The `setMyCommands` list, derived from the one command table. */
export function telegramCommands(): BotCommand[] {
  return commands.map((c) => ({ command: c.name, description: c.description.slice(0, 256) }));
}
