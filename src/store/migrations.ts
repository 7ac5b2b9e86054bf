/**
 * The database schema, as numbered migrations applied in order at open and recorded in
 * `schema_migrations` (version, name, applied_at). One list for both engines: each migration is
 * written once against a few column types that differ between the dialects.
 *
 * Never edit a migration that has shipped; add the next number instead.
 */

export type Engine = "sqlite" | "postgres";

/** The column types that differ between the engines. */
export type Dialect = {
  /** An auto-incremented primary key whose values are never reused. */
  id: string;
  /** A column that references such a key. */
  ref: string;
  /** Epoch milliseconds. */
  ms: string;
  bool: string;
  /** A floating-point number. */
  real: string;
};

export const DIALECTS: Record<Engine, Dialect> = {
  // SQLite: AUTOINCREMENT so that a removed subscription's id is never handed out again; booleans are 0/1.
  sqlite: { id: "INTEGER PRIMARY KEY AUTOINCREMENT", ref: "INTEGER", ms: "INTEGER", bool: "INTEGER", real: "REAL" },
  postgres: { id: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", ref: "BIGINT", ms: "BIGINT", bool: "BOOLEAN", real: "DOUBLE PRECISION" },
};

export type Migration = {
  version: number;
  name: string;
  /** Statements separated by semicolons, without parameters. */
  sql: (d: Dialect) => string;
};

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial",
    sql: (d) => `
      CREATE TABLE settings (
        chat_key TEXT PRIMARY KEY,
        auto ${d.bool},
        summary_length TEXT,
        timezone TEXT,
        fragments ${d.bool}
      );

      CREATE TABLE subscriptions (
        id ${d.id},
        chat_key TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('feed', 'links')),
        source TEXT NOT NULL,
        feed_url TEXT,
        delivery_time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        created_at ${d.ms} NOT NULL,
        disabled_at ${d.ms},
        disabled_reason TEXT,
        etag TEXT,
        last_modified TEXT
      );
      CREATE INDEX subscriptions_chat ON subscriptions (chat_key, id);

      CREATE TABLE seen_items (
        subscription_id ${d.ref} NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        item_key TEXT NOT NULL,
        seen_at ${d.ms} NOT NULL,
        PRIMARY KEY (subscription_id, item_key)
      );

      CREATE TABLE shared_links (
        id ${d.id},
        chat_key TEXT NOT NULL,
        url TEXT NOT NULL,
        shared_at ${d.ms} NOT NULL
      );
      CREATE INDEX shared_links_chat ON shared_links (chat_key, shared_at);
      CREATE INDEX shared_links_time ON shared_links (shared_at);

      CREATE TABLE digests (
        subscription_id ${d.ref} NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        owner TEXT NOT NULL,
        lease_until ${d.ms} NOT NULL,
        sent_at ${d.ms},
        PRIMARY KEY (subscription_id, day)
      );

      CREATE TABLE cache (
        cache_key TEXT PRIMARY KEY,
        cache_value TEXT NOT NULL,
        expires_at ${d.ms} NOT NULL
      );
      CREATE INDEX cache_expiry ON cache (expires_at);
    `,
  },
  {
    version: 2,
    name: "processed updates",
    // Platform updates already handled (Telegram retries a webhook delivery it thinks was lost).
    sql: (d) => `
      CREATE TABLE processed_updates (
        update_key TEXT PRIMARY KEY,
        seen_at ${d.ms} NOT NULL
      );
      CREATE INDEX processed_updates_seen ON processed_updates (seen_at)
    `,
  },
  {
    version: 3,
    name: "rate buckets",
    // Token buckets of the rate limits, shared by every process on the database.
    sql: (d) => `
      CREATE TABLE rate_buckets (
        bucket_key TEXT PRIMARY KEY,
        tokens ${d.real} NOT NULL,
        updated_at ${d.ms} NOT NULL
      );
      CREATE INDEX rate_buckets_updated ON rate_buckets (updated_at)
    `,
  },
  {
    version: 4,
    name: "summary engine",
    // Per chat: which engine writes digests and in what language; tokens the engine used per day.
    sql: (d) => `
      ALTER TABLE settings ADD COLUMN engine TEXT;
      ALTER TABLE settings ADD COLUMN reply_language TEXT;
      CREATE TABLE engine_usage (
        chat_key TEXT NOT NULL,
        day TEXT NOT NULL,
        tokens ${d.ms} NOT NULL,
        PRIMARY KEY (chat_key, day)
      )
    `,
  },
];

export const SCHEMA_MIGRATIONS_TABLE = (d: Dialect) =>
  `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${d.ms} NOT NULL)`;

/**
 * The migrations still to apply, given the versions already applied. Throws when the database was
 * migrated by a newer Skim (a version this code does not know): running on it could lose data.
 */
export function pendingMigrations(applied: readonly number[], migrations: readonly Migration[] = MIGRATIONS): Migration[] {
  const known = new Set(migrations.map((m) => m.version));
  const unknown = applied.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new Error(`The database has schema version ${Math.max(...unknown)}, newer than this Skim knows (${Math.max(...known)}): upgrade Skim`);
  }
  const done = new Set(applied);
  return [...migrations].sort((a, b) => a.version - b.version).filter((m) => !done.has(m.version));
}
