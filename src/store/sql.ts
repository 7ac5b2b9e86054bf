import type { Engine } from "./migrations.js";
import type { SummaryLength } from "../summarize/types.js";
import type { ChatKey, ChatSettings, NewSubscription, RateBucket, Store, Subscription, SubscriptionKind } from "./types.js";

/**
 * The Store, written once in the SQL both engines understand (UPSERT with WHERE, RETURNING,
 * INSERT ... SELECT), over a small connection interface that each engine implements
 * (`sqlite.ts`, `postgres.ts`).
 */

/** Keys per `IN (...)` list: SQLite before 3.32 allowed 999 parameters per statement. */
export const IN_CHUNK = 500;
/** Rows per multi-row INSERT (three parameters each). */
export const INSERT_CHUNK = 300;

export type Param = string | number | boolean | null;
export type Row = Readonly<Record<string, unknown>>;
export type Statement = { sql: string; params: readonly Param[] };

/**
 * One engine's connection. SQL uses `?` placeholders (never a literal `?` in the text); booleans
 * are bound as the engine stores them.
 */
export type SqlDb = {
  readonly engine: Engine;
  all(sql: string, params: readonly Param[]): Promise<Row[]>;
  /** Runs one statement; how many rows it changed. */
  run(sql: string, params: readonly Param[]): Promise<number>;
  /** Runs the statements in one transaction; how many rows each changed. */
  batch(statements: readonly Statement[]): Promise<number[]>;
  close(): Promise<void>;
};

// Row decoding: PostgreSQL returns BIGINT as a string and BOOLEAN as a boolean, SQLite both as numbers.

export function int(v: unknown): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "bigint" || (typeof v === "string" && /^-?\d+$/.test(v))) return Number(v);
  throw new Error(`store: expected an integer, got ${typeof v}`);
}

const intOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : int(v));

const text = (v: unknown): string => {
  if (typeof v === "string") return v;
  throw new Error(`store: expected text, got ${typeof v}`);
};

const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : text(v));

const boolOrNull = (v: unknown): boolean | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v;
  if (v === 0 || v === 1) return v === 1;
  throw new Error(`store: expected a boolean, got ${typeof v}`);
};

const LENGTHS: readonly SummaryLength[] = ["short", "medium", "long"];
const KINDS: readonly SubscriptionKind[] = ["feed", "links"];

const lengthOrNull = (v: unknown): SummaryLength | null => LENGTHS.find((l) => l === v) ?? null;

const kind = (v: unknown): SubscriptionKind => {
  const k = KINDS.find((x) => x === v);
  if (!k) throw new Error(`store: unknown subscription kind ${String(v)}`);
  return k;
};

const SETTINGS_COLUMNS = "chat_key, auto, summary_length, timezone, fragments, engine, reply_language";
const ENGINES = ["extractive", "llm"] as const;

const settingsRow = (r: Row): ChatSettings => ({
  chatKey: text(r["chat_key"]),
  auto: boolOrNull(r["auto"]),
  length: lengthOrNull(r["summary_length"]),
  timezone: textOrNull(r["timezone"]),
  fragments: boolOrNull(r["fragments"]),
  engine: ENGINES.find((e) => e === r["engine"]) ?? null,
  language: textOrNull(r["reply_language"]),
});

const SUBSCRIPTION_COLUMNS =
  "id, chat_key, kind, source, feed_url, delivery_time, timezone, created_at, disabled_at, disabled_reason, etag, last_modified";

const subscriptionRow = (r: Row): Subscription => ({
  id: int(r["id"]),
  chatKey: text(r["chat_key"]),
  kind: kind(r["kind"]),
  source: text(r["source"]),
  feedUrl: textOrNull(r["feed_url"]),
  time: text(r["delivery_time"]),
  timezone: text(r["timezone"]),
  createdAt: int(r["created_at"]),
  disabledAt: intOrNull(r["disabled_at"]),
  disabledReason: textOrNull(r["disabled_reason"]),
  etag: textOrNull(r["etag"]),
  lastModified: textOrNull(r["last_modified"]),
});

/** Times are whole milliseconds: PostgreSQL's BIGINT refuses a fraction. */
const ms = (t: number): number => Math.floor(t);

/** An id no row can have (PostgreSQL would refuse to compare a BIGINT with 1.5). */
const badId = (id: number): boolean => !Number.isSafeInteger(id);

const placeholders = (n: number, each = "?"): string => Array.from({ length: n }, () => each).join(", ");

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The subscription was removed meanwhile (PostgreSQL: between our check and our insert). */
const isForeignKeyViolation = (e: unknown): boolean =>
  typeof e === "object" && e !== null && "code" in e && (e.code === "23503" || e.code === "SQLITE_CONSTRAINT_FOREIGNKEY");

const SETTING_COLUMNS = { auto: "auto", length: "summary_length", timezone: "timezone", fragments: "fragments", engine: "engine", language: "reply_language" } as const;

export function createSqlStore(db: SqlDb): Store {
  const getSettings = async (chatKey: ChatKey): Promise<ChatSettings> => {
    const [row] = await db.all(`SELECT ${SETTINGS_COLUMNS} FROM settings WHERE chat_key = ?`, [chatKey]);
    return row ? settingsRow(row) : { chatKey, auto: null, length: null, timezone: null, fragments: null, engine: null, language: null };
  };

  return {
    engine: db.engine,
    close: () => db.close(),

    getSettings,

    // Only the fields present in the patch change; a field given as null goes back to the default.
    async updateSettings(chatKey, patch) {
      const set: [string, Param][] = [];
      for (const field of ["auto", "length", "timezone", "fragments", "engine", "language"] as const) {
        const value = patch[field];
        if (value !== undefined) set.push([SETTING_COLUMNS[field], value]);
      }
      if (set.length === 0) return getSettings(chatKey);
      const columns = set.map(([c]) => c);
      const [row] = await db.all(
        `INSERT INTO settings (chat_key, ${columns.join(", ")}) VALUES (?, ${placeholders(columns.length)})
         ON CONFLICT (chat_key) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(", ")}
         RETURNING ${SETTINGS_COLUMNS}`,
        [chatKey, ...set.map(([, v]) => v)],
      );
      if (!row) throw new Error("store: the settings upsert returned no row");
      return settingsRow(row);
    },

    async addSubscription(s: NewSubscription) {
      const [row] = await db.all(
        `INSERT INTO subscriptions (chat_key, kind, source, feed_url, delivery_time, timezone, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${SUBSCRIPTION_COLUMNS}`,
        [s.chatKey, s.kind, s.source, s.feedUrl, s.time, s.timezone, ms(s.createdAt)],
      );
      if (!row) throw new Error("store: the subscription insert returned no row");
      return subscriptionRow(row);
    },

    async listSubscriptions(chatKey) {
      const rows = await db.all(
        `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE chat_key = ? AND disabled_at IS NULL ORDER BY id`,
        [chatKey],
      );
      return rows.map(subscriptionRow);
    },

    async activeSubscriptions() {
      const rows = await db.all(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE disabled_at IS NULL ORDER BY id`, []);
      return rows.map(subscriptionRow);
    },

    // Seen items and digest claims go with the subscription (ON DELETE CASCADE).
    async removeSubscription(chatKey, id) {
      if (badId(id)) return false;
      return (await db.run("DELETE FROM subscriptions WHERE id = ? AND chat_key = ?", [id, chatKey])) > 0;
    },

    // Every subscription of the chat, disabled ones included.
    removeAllSubscriptions: (chatKey) => db.run("DELETE FROM subscriptions WHERE chat_key = ?", [chatKey]),

    // The first reason stays.
    async disableSubscription(id, reason, at) {
      if (badId(id)) return;
      await db.run("UPDATE subscriptions SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL", [ms(at), reason, id]);
    },

    async updateFeedState(id, state) {
      if (badId(id)) return;
      await db.run("UPDATE subscriptions SET etag = ?, last_modified = ? WHERE id = ?", [state.etag, state.lastModified, id]);
    },

    // Each key once, at its first place.
    async unseenItems(subscriptionId, keys) {
      const unique = [...new Set(keys)];
      if (unique.length === 0 || badId(subscriptionId)) return unique;
      const seen = new Set<string>();
      for (const chunk of chunks(unique, IN_CHUNK)) {
        const rows = await db.all(
          `SELECT item_key FROM seen_items WHERE subscription_id = ? AND item_key IN (${placeholders(chunk.length)})`,
          [subscriptionId, ...chunk],
        );
        for (const r of rows) seen.add(text(r["item_key"]));
      }
      return unique.filter((k) => !seen.has(k));
    },

    // Idempotent; nothing happens for a subscription that was removed.
    async markItemsSeen(subscriptionId, keys, at) {
      const unique = [...new Set(keys)];
      if (unique.length === 0 || badId(subscriptionId)) return;
      const statements = chunks(unique, INSERT_CHUNK).map((chunk) => ({
        sql: `INSERT INTO seen_items (subscription_id, item_key, seen_at) VALUES ${placeholders(chunk.length, "(?, ?, ?)")}
              ON CONFLICT (subscription_id, item_key) DO NOTHING`,
        params: chunk.flatMap((k) => [subscriptionId, k, ms(at)]),
      }));
      try {
        await db.batch(statements);
      } catch (e) {
        if (!isForeignKeyViolation(e)) throw e;
      }
    },

    async recordSharedLink(chatKey, url, at) {
      await db.run("INSERT INTO shared_links (chat_key, url, shared_at) VALUES (?, ?, ?)", [chatKey, url, ms(at)]);
    },

    async sharedLinks(chatKey, from, to) {
      const rows = await db.all(
        `SELECT url FROM shared_links WHERE chat_key = ? AND shared_at >= ? AND shared_at < ?
         GROUP BY url ORDER BY MIN(shared_at), MIN(id)`,
        [chatKey, ms(from), ms(to)],
      );
      return rows.map((r) => text(r["url"]));
    },

    pruneSharedLinks: (before) => db.run("DELETE FROM shared_links WHERE shared_at < ?", [ms(before)]),

    // One statement, so atomic in both engines: inserts the claim, or takes over one that expired
    // unsent; RETURNING gives a row only then. A claim is not re-entrant (the owner's own live claim
    // refuses it too), and a subscription that is removed or disabled cannot be claimed.
    async claimDigest(subscriptionId, day, owner, now, leaseMs) {
      if (badId(subscriptionId)) return false;
      try {
        const rows = await db.all(
          `INSERT INTO digests (subscription_id, day, owner, lease_until)
           SELECT id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT) FROM subscriptions WHERE id = ? AND disabled_at IS NULL
           ON CONFLICT (subscription_id, day) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
           WHERE digests.sent_at IS NULL AND digests.lease_until <= ?
           RETURNING subscription_id`,
          [day, owner, ms(now) + ms(leaseMs), subscriptionId, ms(now)],
        );
        return rows.length === 1;
      } catch (e) {
        if (isForeignKeyViolation(e)) return false;
        throw e;
      }
    },

    // Whoever sends marks it sent, even when its lease had run out and another owner holds the claim
    // now: the digest went out, so no one may send it again. The first sending time stays.
    async markDigestSent(subscriptionId, day, owner, at) {
      if (badId(subscriptionId)) return;
      try {
        await db.run(
          `INSERT INTO digests (subscription_id, day, owner, lease_until, sent_at)
           SELECT id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT) FROM subscriptions WHERE id = ?
           ON CONFLICT (subscription_id, day) DO UPDATE SET owner = excluded.owner, sent_at = excluded.sent_at
           WHERE digests.sent_at IS NULL`,
          [day, owner, ms(at), ms(at), subscriptionId],
        );
      } catch (e) {
        if (!isForeignKeyViolation(e)) throw e;
      }
    },

    // Only the owner's unsent claim; anyone may claim it again at once.
    async releaseDigest(subscriptionId, day, owner) {
      if (badId(subscriptionId)) return;
      await db.run(
        "UPDATE digests SET lease_until = 0 WHERE subscription_id = ? AND day = ? AND owner = ? AND sent_at IS NULL",
        [subscriptionId, day, owner],
      );
    },

    async digestSent(subscriptionId, day) {
      if (badId(subscriptionId)) return false;
      const rows = await db.all("SELECT 1 AS sent FROM digests WHERE subscription_id = ? AND day = ? AND sent_at IS NOT NULL", [subscriptionId, day]);
      return rows.length > 0;
    },

    async cacheGet(key, now) {
      const [row] = await db.all("SELECT cache_value FROM cache WHERE cache_key = ? AND expires_at > ?", [key, ms(now)]);
      return row ? text(row["cache_value"]) : null;
    },

    async cachePut(key, value, expiresAt) {
      await db.run(
        `INSERT INTO cache (cache_key, cache_value, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (cache_key) DO UPDATE SET cache_value = excluded.cache_value, expires_at = excluded.expires_at`,
        [key, value, ms(expiresAt)],
      );
    },

    cachePrune: (now) => db.run("DELETE FROM cache WHERE expires_at <= ?", [ms(now)]),

    async claimUpdate(key, at) {
      const rows = await db.all("INSERT INTO processed_updates (update_key, seen_at) VALUES (?, ?) ON CONFLICT (update_key) DO NOTHING RETURNING 1 AS claimed", [key, ms(at)]);
      return rows.length === 1;
    },

    pruneUpdates: (before) => db.run("DELETE FROM processed_updates WHERE seen_at < ?", [ms(before)]),

    // One conditional upsert per bucket: it takes a token only when the refilled level allows, and
    // reports whether it changed a row. A refusal gives back the tokens already taken.
    async takeTokens(buckets, now) {
      const t = ms(now);
      const [least, greatest] = db.engine === "postgres" ? ["LEAST", "GREATEST"] : ["MIN", "MAX"];
      const level = `${least}(CAST(? AS DOUBLE PRECISION), rate_buckets.tokens + ${greatest}(0, CAST(? AS BIGINT) - rate_buckets.updated_at) * CAST(? AS DOUBLE PRECISION) / 60000.0)`;
      const taken: RateBucket[] = [];
      for (const b of buckets) {
        const changed = await db.run(
          `INSERT INTO rate_buckets (bucket_key, tokens, updated_at) VALUES (?, CAST(? AS DOUBLE PRECISION), CAST(? AS BIGINT))
           ON CONFLICT (bucket_key) DO UPDATE SET tokens = ${level} - 1, updated_at = excluded.updated_at
           WHERE ${level} >= 1`,
          [b.key, b.capacity - 1, t, b.capacity, t, b.perMinute, b.capacity, t, b.perMinute],
        );
        if (changed === 0) {
          for (const r of taken) {
            await db.run(`UPDATE rate_buckets SET tokens = ${least}(CAST(? AS DOUBLE PRECISION), tokens + 1) WHERE bucket_key = ?`, [r.capacity, r.key]);
          }
          return false;
        }
        taken.push(b);
      }
      return true;
    },

    pruneRateBuckets: (before) => db.run("DELETE FROM rate_buckets WHERE updated_at < ?", [ms(before)]),

    async engineUsage(chatKey, day) {
      const [row] = await db.all("SELECT tokens FROM engine_usage WHERE chat_key = ? AND day = ?", [chatKey, day]);
      return row ? int(row["tokens"]) : 0;
    },

    async addEngineUsage(chatKey, day, tokens) {
      await db.run(
        `INSERT INTO engine_usage (chat_key, day, tokens) VALUES (?, ?, ?)
         ON CONFLICT (chat_key, day) DO UPDATE SET tokens = engine_usage.tokens + excluded.tokens`,
        [chatKey, day, Math.max(0, Math.round(tokens))],
      );
    },

    async forgetChat(chatKey) {
      await db.batch([
        { sql: "DELETE FROM settings WHERE chat_key = ?", params: [chatKey] },
        { sql: "DELETE FROM subscriptions WHERE chat_key = ?", params: [chatKey] },
        { sql: "DELETE FROM shared_links WHERE chat_key = ?", params: [chatKey] },
        { sql: "DELETE FROM engine_usage WHERE chat_key = ?", params: [chatKey] },
      ]);
    },
  };
}
