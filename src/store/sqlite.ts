import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { DIALECTS, SCHEMA_MIGRATIONS_TABLE, pendingMigrations } from "./migrations.js";
import { createSqlStore, int, type Param, type Row, type SqlDb } from "./sql.js";
import type { Store } from "./types.js";

/**
 * The embedded engine, on better-sqlite3. The driver is synchronous: each call runs to the end
 * before it returns, so one statement (or one `batch`) can never interleave with another on this
 * connection. Other connections and processes on the same file wait for the write lock up to
 * BUSY_TIMEOUT_MS.
 */

export const BUSY_TIMEOUT_MS = 5_000;
/** Prepared statements kept per connection (the SQL of a chunked IN list varies with its length). */
const STATEMENT_CACHE = 200;

/** `path` is a file (its directory is created), or `:memory:` for a private database that lives as long as the store. */
export async function openSqliteStore(path: string): Promise<Store> {
  const memory = path === ":memory:";
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path);
  try {
    // The busy timeout first: switching to WAL needs a moment of exclusive access.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return createSqlStore(connection(db));
}

/** In one IMMEDIATE transaction: a second process opening the same file waits, then finds nothing to do. */
function migrate(db: Database.Database): void {
  const dialect = DIALECTS.sqlite;
  db.transaction(() => {
    db.exec(SCHEMA_MIGRATIONS_TABLE(dialect));
    const applied = db.prepare<[], Row>("SELECT version FROM schema_migrations").all().map((r) => int(r["version"]));
    const record = db.prepare<[number, string, number]>("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    for (const m of pendingMigrations(applied)) {
      db.exec(m.sql(dialect));
      record.run(m.version, m.name, Date.now());
    }
  }).immediate();
}

/** SQLite has no boolean type: 1 and 0. */
const bind = (params: readonly Param[]): (string | number | null)[] => params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));

function connection(db: Database.Database): SqlDb {
  const statements = new Map<string, Database.Statement<unknown[], Row>>();
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare<unknown[], Row>(sql);
      if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
      statements.set(sql, s);
    }
    return s;
  };
  const run = (sql: string, params: readonly Param[]): number => prepare(sql).run(...bind(params)).changes;
  const batch = db.transaction((list: readonly { sql: string; params: readonly Param[] }[]) => list.map((s) => run(s.sql, s.params)));

  return {
    engine: "sqlite",
    all: async (sql, params) => prepare(sql).all(...bind(params)),
    run: async (sql, params) => run(sql, params),
    batch: async (list) => batch.immediate(list),
    async close() {
      statements.clear();
      if (db.open) db.close();
    },
  };
}
