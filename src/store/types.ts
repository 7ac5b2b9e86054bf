import type { SummaryLength } from "../summarize/types.js";

/**
 * What Skim keeps between runs, behind one interface with two engines: SQLite (embedded, the
 * default) and PostgreSQL (shared by several processes). Times are epoch milliseconds; a "day" is
 * a subscription's local calendar date, `YYYY-MM-DD`.
 */

/** `platform:chatId`, as the handler names chats. */
export type ChatKey = string;

export type ChatSettings = {
  chatKey: ChatKey;
  /** Unset fields fall back to the defaults (auto: on in private chats, off in groups). */
  auto: boolean | null;
  length: SummaryLength | null;
  timezone: string | null;
  fragments: boolean | null;
  engine: "extractive" | "llm" | null;
  /** BCP 47 tag of the engine's reply language; null: the article's. */
  language: string | null;
};

export type SubscriptionKind = "feed" | "links";

export type Subscription = {
  id: number;
  chatKey: ChatKey;
  kind: SubscriptionKind;
  /** What the user gave: a feed or site URL, or "links". Shown back by /subscriptions. */
  source: string;
  /** The feed actually fetched (found through the site's <link rel="alternate">), null for "links". */
  feedUrl: string | null;
  /** Local delivery time, "HH:MM". */
  time: string;
  /** IANA time-zone name. */
  timezone: string;
  createdAt: number;
  /** Set when the platform said the chat is gone (403, chat deleted): no more deliveries. */
  disabledAt: number | null;
  disabledReason: string | null;
  /** Conditional-request validators of the last feed fetch. */
  etag: string | null;
  lastModified: string | null;
};

export type RateBucket = { key: string; capacity: number; perMinute: number };

export type NewSubscription = Pick<Subscription, "chatKey" | "kind" | "source" | "feedUrl" | "time" | "timezone" | "createdAt">;

export type Store = {
  /** Which engine: for logs and /readyz. */
  readonly engine: "sqlite" | "postgres";
  close(): Promise<void>;

  getSettings(chatKey: ChatKey): Promise<ChatSettings>;
  updateSettings(chatKey: ChatKey, patch: Partial<Omit<ChatSettings, "chatKey">>): Promise<ChatSettings>;

  addSubscription(input: NewSubscription): Promise<Subscription>;
  /** The chat's subscriptions that are not disabled, oldest first (the numbering /subscriptions shows). */
  listSubscriptions(chatKey: ChatKey): Promise<Subscription[]>;
  /** Every subscription that is not disabled, for the scheduler. */
  activeSubscriptions(): Promise<Subscription[]>;
  removeSubscription(chatKey: ChatKey, id: number): Promise<boolean>;
  removeAllSubscriptions(chatKey: ChatKey): Promise<number>;
  disableSubscription(id: number, reason: string, at: number): Promise<void>;
  updateFeedState(id: number, state: { etag: string | null; lastModified: string | null }): Promise<void>;

  /** The keys (guid or link) of `keys` this subscription has not delivered yet, in the given order. */
  unseenItems(subscriptionId: number, keys: readonly string[]): Promise<string[]>;
  markItemsSeen(subscriptionId: number, keys: readonly string[], at: number): Promise<void>;

  recordSharedLink(chatKey: ChatKey, url: string, at: number): Promise<void>;
  /** Distinct links shared in the chat in [from, to), in the order first shared. */
  sharedLinks(chatKey: ChatKey, from: number, to: number): Promise<string[]>;
  /** Deletes links shared before `before`; returns how many. */
  pruneSharedLinks(before: number): Promise<number>;

  /**
   * Claims the subscription's digest for `day`: true when this caller may send it, because no one
   * claimed it yet or an earlier claim expired unsent. Atomic across processes.
   */
  claimDigest(subscriptionId: number, day: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  markDigestSent(subscriptionId: number, day: string, owner: string, at: number): Promise<void>;
  /** Gives a claim back (the send failed in a way worth retrying soon). */
  releaseDigest(subscriptionId: number, day: string, owner: string): Promise<void>;
  digestSent(subscriptionId: number, day: string): Promise<boolean>;

  /** A cached value (the article read from a URL, as JSON) unless expired. */
  cacheGet(key: string, now: number): Promise<string | null>;
  cachePut(key: string, value: string, expiresAt: number): Promise<void>;
  cachePrune(now: number): Promise<number>;

  /**
   * Records that a platform update is being handled: true for the first caller, false for every
   * later one (a retried webhook delivery, or another process). Atomic across processes.
   */
  claimUpdate(key: string, at: number): Promise<boolean>;
  pruneUpdates(before: number): Promise<number>;

  /**
   * Takes one token from each bucket, or none: false when any bucket is empty. Buckets refill
   * continuously at `perMinute` up to `capacity`. Atomic per bucket across processes.
   */
  takeTokens(buckets: readonly RateBucket[], now: number): Promise<boolean>;
  pruneRateBuckets(before: number): Promise<number>;

  /** Tokens the summary engine used for the chat on `day` (UTC `YYYY-MM-DD`). */
  engineUsage(chatKey: ChatKey, day: string): Promise<number>;
  addEngineUsage(chatKey: ChatKey, day: string, tokens: number): Promise<void>;

  /** Everything stored about the chat: settings, subscriptions and their state, shared links. */
  forgetChat(chatKey: ChatKey): Promise<void>;
};
