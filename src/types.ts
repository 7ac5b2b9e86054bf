import type { FetchFailure } from "./fetch/types.js";
import type { DailyDigest } from "./digest/types.js";
import type { ChatSettings, Subscription } from "./store/types.js";
import type { Digest, SummaryLength } from "./summarize/types.js";

/**
 * The boundary between the adapters and the core: a platform event becomes an `Incoming`, and the
 * core answers with a `Reply` that each adapter renders for its platform. No platform object
 * crosses it (the raw payload rides along only for logging and debugging).
 */
export type Platform = "console" | "telegram" | "discord";
export type ChatKind = "private" | "group" | "channel";

export type Incoming = {
  platform: Platform;
  chatId: string;
  chatKind: ChatKind;
  messageId: string;
  userId: string;
  /** Bots, Skim included, are never answered. */
  fromBot: boolean;
  /** An edit of a message already seen: never summarized twice. */
  edited: boolean;
  /** The message text, or a photo's caption. */
  text: string;
  /** Links the platform marks up outside the text itself (Telegram `text_link` entities). */
  links?: string[];
  /** The message this one replies to, when it has text or links. */
  replyTo?: { text: string; links?: string[] };
  /** A platform-native command (a Discord slash command or context-menu entry): no text parsing needed. */
  command?: { name: string; url?: string; text?: string; length?: SummaryLength };
  raw?: unknown;
};

/** Expected failures, each phrased for a person by the renderer. */
export type FailReason =
  | FetchFailure
  | { kind: "not-article" }
  /** The page outlived the extractor's deadline or memory (a page built to hurt a parser). */
  | { kind: "too-complex" }
  | { kind: "wall"; wall: "paywall" | "consent" | "login" }
  | { kind: "rate-limited" }
  | { kind: "no-input" }
  | { kind: "admin-only" }
  | { kind: "usage"; usage: string }
  | { kind: "not-a-feed" }
  | { kind: "malformed"; detail: string }
  | { kind: "no-feed-found" }
  | { kind: "bad-time"; time: string }
  | { kind: "bad-timezone"; timezone: string }
  | { kind: "no-subscription"; which: string }
  | { kind: "no-storage" }
  /** The whole request outlived its deadline (pages queued behind many others, a slow engine). */
  | { kind: "deadline"; seconds: number }
  /** `/engine llm` where no engine is configured. */
  | { kind: "no-engine" }
  /** `/language` with the extractive engine, which quotes the article in its own language. */
  | { kind: "language-needs-engine" }
  /** The database cannot be reached just now: nothing was changed. */
  | { kind: "storage-unavailable" }
  | { kind: "internal" };

export type DigestItem = { url: string; digest: Digest } | { url: string; reason: FailReason };

export type Reply =
  /** `fragments`: the chat's own choice about text-fragment links, when it made one. */
  | { kind: "digests"; items: DigestItem[]; fragments?: boolean }
  | { kind: "daily"; digests: DailyDigest[] }
  | { kind: "notice"; reason: FailReason }
  | { kind: "info"; text: InfoText }
  | { kind: "silence" };

/** Fixed texts the core answers with; each renderer words and formats them. */
export type InfoText =
  | { kind: "help" }
  | { kind: "auto"; on: boolean }
  | { kind: "start" }
  | { kind: "subscribed"; subscription: Subscription }
  | { kind: "subscriptions"; subscriptions: Subscription[] }
  | { kind: "unsubscribed"; count: number }
  | {
      kind: "settings";
      settings: ChatSettings;
      effective: { auto: boolean; length: SummaryLength; timezone: string; fragments: boolean; engine: "extractive" | "llm"; language: string | null };
    }
  | { kind: "forgotten" };
