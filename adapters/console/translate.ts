import type { Incoming } from "../../src/types.js";

/** The console is one private chat with one user, its admin; the id stays the same from run to run. */
export const CONSOLE_CHAT_ID = "console";
export const CONSOLE_USER_ID = "console-user";

export function toIncoming(line: string, sequence: number): Incoming {
  return {
    platform: "console",
    chatId: CONSOLE_CHAT_ID,
    chatKind: "private",
    messageId: String(sequence),
    userId: CONSOLE_USER_ID,
    fromBot: false,
    edited: false,
    text: line,
  };
}
