import pg from "pg";
import { DIALECTS, SCHEMA_MIGRATIONS_TABLE, pendingMigrations } from "./migrations.js";
import { createSqlStore, int, type Param, type Row, type SqlDb } from "./sql.js";
import type { Store } from "./types.js";

/**
 * The shared engine, on node-postgres: several Skim processes may use one database. Each store has
 * a small pool; every statement the Store runs is atomic by itself, and `batch` runs in one
 * transaction on one client.
 */

export const POOL_MAX = 4;
export const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 30_000;
/**
 * The advisory lock that serializes migrations across processes ("skim" in ASCII). Advisory locks
 * are per database, so stores on other databases of the server do not wait for each other.
 */
export const MIGRATION_LOCK = 0x736b696d;

/** Lower-case so that the quoted name in SQL and the unquoted one in `search_path` are the same. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export type PostgresStoreOptions = {
  /**
   * The schema to keep the tables in, created when missing and put first on every connection's
   * search_path (tests use a fresh one per run). Default: the server's search_path (`public`).
   */
  schema?: string;
  /** Connections in the pool. */
  max?: number;
};

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`PostgreSQL schema name "${schema}": expected lower-case letters, digits and _`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? POOL_MAX,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    application_name: "skim",
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client lost its connection (server restart): the pool drops it and the next query
  // connects anew. Without a listener the error would end the process.
  pool.on("error", () => {});
  try {
    await migrate(pool, schema);
  } catch (e) {
    await pool.end();
    throw e;
  }
  return createSqlStore(connection(pool));
}

/**
 * One transaction under a transaction-level advisory lock: a second process starting at the same
 * moment waits at the lock, then finds the schema and every migration in place. DDL is
 * transactional in PostgreSQL, so a failed migration leaves nothing behind.
 */
async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const dialect = DIALECTS.postgres;
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("BEGIN");
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    if (schema !== undefined) {
      // Under the lock: two CREATE SCHEMA IF NOT EXISTS at once can still collide.
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`SET LOCAL search_path TO "${schema}"`);
    }
    await client.query(SCHEMA_MIGRATIONS_TABLE(dialect));
    const { rows } = await client.query<Row>("SELECT version FROM schema_migrations");
    for (const m of pendingMigrations(rows.map((r) => int(r["version"])))) {
      await client.query(m.sql(dialect));
      await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [m.version, m.name, Date.now()]);
    }
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => (broken = true));
    throw e;
  } finally {
    client.release(broken);
  }
}

/** `?` → `$1`, `$2`, …: the Store's SQL has no `?` of its own. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function connection(pool: pg.Pool): SqlDb {
  const texts = new Map<string, string>();
  const prepare = (sql: string): string => {
    let t = texts.get(sql);
    if (t === undefined) {
      t = numbered(sql);
      if (texts.size < 1_000) texts.set(sql, t);
    }
    return t;
  };
  let closed = false;

  return {
    engine: "postgres",
    all: async (sql, params: readonly Param[]) => (await pool.query<Row>(prepare(sql), [...params])).rows,
    run: async (sql, params) => (await pool.query(prepare(sql), [...params])).rowCount ?? 0,
    async batch(statements) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query("BEGIN");
        const counts: number[] = [];
        for (const s of statements) counts.push((await client.query(prepare(s.sql), [...s.params])).rowCount ?? 0);
        await client.query("COMMIT");
        return counts;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => (broken = true));
        throw e;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
