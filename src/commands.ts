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
  {
    name: "subscribe",
    description: "Get a daily digest of a feed or site (or of the links shared here: links)",
    options: [
      { name: "source", description: "A feed or site URL, or links", required: true },
      { name: "time", description: "Delivery time, HH:MM (default 09:00)", required: false },
      { name: "timezone", description: "IANA time zone, e.g. Europe/Berlin", required: false },
    ],
    adminOnly: true,
  },
  { name: "subscriptions", description: "What this chat receives every day" },
  {
    name: "unsubscribe",
    description: "Stop a daily digest: its number, its URL, or all",
    options: [{ name: "which", description: "Number from /subscriptions, URL, or all", required: true }],
    adminOnly: true,
  },
  { name: "digest", description: "Send today's digest now (a preview)" },
  { name: "settings", description: "This chat's settings" },
  {
    name: "length",
    description: "Default digest length in this chat",
    options: [{ name: "length", description: "short, medium or long", required: true, choices: LENGTHS }],
    adminOnly: true,
  },
  {
    name: "timezone",
    description: "Default time zone for this chat's digests",
    options: [{ name: "timezone", description: "IANA name, e.g. Europe/Berlin", required: true }],
    adminOnly: true,
  },
  {
    name: "fragments",
    description: "Link digest sentences to their place in the article: on or off",
    options: [{ name: "mode", description: "on or off", required: true, choices: ["on", "off"] }],
    adminOnly: true,
  },
  {
    name: "engine",
    description: "Who writes this chat's digests: extractive (sentences of the article) or llm (a language model, checked)",
    options: [{ name: "engine", description: "extractive or llm", required: true, choices: ["extractive", "llm"] }],
    adminOnly: true,
  },
  {
    name: "language",
    description: "Reply language for the llm engine: a code such as en, de, fr; or auto (the article's)",
    options: [{ name: "language", description: "A language code, or auto", required: true }],
    adminOnly: true,
  },
  { name: "forget", description: "Delete everything Skim stores about this chat", adminOnly: true },
  { name: "help", description: "What Skim does and how to use it" },
  { name: "start", description: "Start talking to Skim" },
] as const satisfies readonly CommandSpec[];

export type Command =
  | { kind: "summary"; url?: string; text?: string; length?: SummaryLength }
  | { kind: "auto"; on?: boolean }
  | { kind: "subscribe"; source: string; time?: string; timezone?: string }
  | { kind: "subscriptions" }
  | { kind: "unsubscribe"; which: string }
  | { kind: "digest" }
  | { kind: "settings" }
  | { kind: "length"; length: SummaryLength }
  | { kind: "timezone"; timezone: string }
  | { kind: "fragments"; on: boolean }
  | { kind: "engine"; engine: Engine }
  /** `null`: auto, the article's own language. */
  | { kind: "language"; language: string | null }
  | { kind: "forget" }
  | { kind: "help" }
  | { kind: "start" }
  | { kind: "usage"; usage: string }
  /** Not a command: a message that may carry links. */
  | { kind: "message" };

const COMMAND = /^\/([a-z_]+)(?:@([a-z0-9_]+))?(?:\s+([\s\S]*))?$/i;

export const USAGE = {
  summary: "/summary <link> [short|medium|long] — or reply /summary to a message with a link or text",
  auto: "/auto on or /auto off",
  subscribe: "/subscribe <feed-or-site-url | links> [HH:MM] [Area/City]",
  unsubscribe: "/unsubscribe <number | url | all>",
  length: "/length short|medium|long",
  timezone: "/timezone <IANA name, e.g. Europe/Berlin>",
  fragments: "/fragments on|off",
  engine: "/engine extractive|llm",
  language: "/language <code, e.g. en, de, pt-BR> or /language auto",
} as const;

export type Engine = "extractive" | "llm";

/** A BCP 47 language tag as people type them: `de`, `pt-BR`, `zh-Hant`. */
const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{2,8}){0,2}$/i;

function canonicalLanguage(tag: string): string | null {
  if (!LANGUAGE_TAG.test(tag)) return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

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
    case "subscribe": {
      const [source, ...rest] = args.split(/\s+/).filter((w) => w !== "");
      if (!source) return { kind: "usage", usage: USAGE.subscribe };
      const time = rest.find((w) => /^\d{1,2}:\d{2}$/.test(w));
      const timezone = rest.find((w) => w !== time);
      if (rest.length > 2 || (rest.length === 2 && (!time || !timezone))) return { kind: "usage", usage: USAGE.subscribe };
      return { kind: "subscribe", source, ...(time ? { time } : {}), ...(timezone ? { timezone } : {}) };
    }
    case "subscriptions":
      return { kind: "subscriptions" };
    case "unsubscribe":
      return args === "" ? { kind: "usage", usage: USAGE.unsubscribe } : { kind: "unsubscribe", which: args };
    case "digest":
      return { kind: "digest" };
    case "settings":
      return { kind: "settings" };
    case "length": {
      const v = args.toLowerCase();
      return (LENGTHS as readonly string[]).includes(v) ? { kind: "length", length: v as SummaryLength } : { kind: "usage", usage: USAGE.length };
    }
    case "timezone":
      return args === "" || /\s/.test(args) ? { kind: "usage", usage: USAGE.timezone } : { kind: "timezone", timezone: args };
    case "fragments": {
      const v = args.toLowerCase();
      return v === "on" || v === "off" ? { kind: "fragments", on: v === "on" } : { kind: "usage", usage: USAGE.fragments };
    }
    case "engine": {
      const v = args.toLowerCase();
      return v === "extractive" || v === "llm" ? { kind: "engine", engine: v } : { kind: "usage", usage: USAGE.engine };
    }
    case "language": {
      if (args.toLowerCase() === "auto") return { kind: "language", language: null };
      const tag = canonicalLanguage(args);
      return tag ? { kind: "language", language: tag } : { kind: "usage", usage: USAGE.language };
    }
    case "forget":
      return { kind: "forget" };
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
