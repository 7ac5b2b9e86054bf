import type { SummaryLength } from "./summarize/types.js";

/**
 * The commands Skim understands, declared once: the parser reads chat text with this table and
 * each adapter derives its registration from it (Telegram's setMyCommands, Discord's slash data).
 */
export type CommandSpec = {
  name: string;
  description: string;
  options?: readonly { name: string; description: string; required: boolean; choices?: readonly string[] }[];
  /** A message context-menu entry for the command (Discord). */
  contextMenu?: string;
  adminOnly?: boolean;
};

export const LENGTHS: readonly SummaryLength[] = ["short", "medium", "long"];

export const commands = [
  {
    name: "summary",
    description: "Summarize a link (or reply to a message with a link or text)",
    options: [
      { name: "url", description: "The page to summarize", required: false },
      { name: "length", description: "How long a digest", required: false, choices: LENGTHS },
    ],
    contextMenu: "Summarize",
  },
  {
    name: "auto",
    description: "Summarize links posted in this chat automatically: on or off",
    options: [{ name: "mode", description: "on or off", required: false, choices: ["on", "off"] }],
    adminOnly: true,
  },
  { name: "help", description: "What Skim does and how to use it" },
  { name: "start", description: "Start talking to Skim" },
] as const satisfies readonly CommandSpec[];

export type Command =
  | { kind: "summary"; url?: string; text?: string; length?: SummaryLength }
  | { kind: "auto"; on?: boolean }
  | { kind: "help" }
  | { kind: "start" }
  | { kind: "usage"; usage: string }
  /** Not a command: a message that may carry links. */
  | { kind: "message" };

const COMMAND = /^\/([a-z_]+)(?:@([a-z0-9_]+))?(?:\s+([\s\S]*))?$/i;

export const USAGE = {
  summary: "/summary <link> [short|medium|long] — or reply /summary to a message with a link or text",
  auto: "/auto on or /auto off",
} as const;

/**
 * Reads a chat message as a command. A command addressed to another bot (`/summary@other_bot`)
 * and unknown commands are not for Skim.
 */
export function parseCommand(text: string, botUsername?: string): Command {
  const m = COMMAND.exec(text.trim().slice(0, 100_000));
  if (!m) return { kind: "message" };
  const [, rawName, mention, rest = ""] = m;
  if (mention && botUsername && mention.toLowerCase() !== botUsername.toLowerCase()) return { kind: "message" };
  const name = rawName!.toLowerCase();
  const args = rest.trim();
  switch (name) {
    case "summary":
    case "summarize":
    case "tldr":
      return parseSummary(args);
    case "auto": {
      const word = args.toLowerCase();
      if (word === "") return { kind: "auto" };
      if (word === "on" || word === "off") return { kind: "auto", on: word === "on" };
      return { kind: "usage", usage: USAGE.auto };
    }
    case "help":
      return { kind: "help" };
    case "start":
      return { kind: "start" };
    default:
      return { kind: "message" };
  }
}

function parseSummary(args: string): Command {
  if (args === "") return { kind: "summary" };
  const words = args.split(/\s+/);
  const last = words[words.length - 1]!.toLowerCase();
  const length = (LENGTHS as readonly string[]).includes(last) ? (last as SummaryLength) : undefined;
  const body = length ? words.slice(0, -1).join(" ") : args;
  if (body === "") return length ? { kind: "summary", length } : { kind: "summary" };
  // One link, maybe with a length: a page. Anything else: text pasted to be summarized.
  if (/^(https?:\/\/|www\.)\S+$/i.test(body)) return { kind: "summary", url: /^www\./i.test(body) ? `https://${body}` : body, ...(length ? { length } : {}) };
  return { kind: "summary", text: length ? body : args, ...(length ? { length } : {}) };
}
