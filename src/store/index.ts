import { join, resolve } from "node:path";
import { openPostgresStore } from "./postgres.js";
import { openSqliteStore } from "./sqlite.js";
import type { Store } from "./types.js";

export type { ChatKey, ChatSettings, NewSubscription, Store, Subscription, SubscriptionKind } from "./types.js";
export { openSqliteStore } from "./sqlite.js";
export { openPostgresStore, type PostgresStoreOptions } from "./postgres.js";

/** The SQLite file in the data directory when DATABASE_URL is unset. */
export const DEFAULT_SQLITE_FILE = "skim.sqlite";

export type DatabaseTarget = { engine: "sqlite"; path: string } | { engine: "postgres"; url: string; schema?: string };

/**
 * Where DATABASE_URL points:
 * - unset or empty: SQLite at `<dataDir>/skim.sqlite`;
 * - `sqlite:<path>`, `sqlite://<path>`, `file:<path>`, `file://<path>`: that SQLite file, relative
 *   to the working directory unless absolute (`sqlite:///var/lib/skim.db`); `sqlite::memory:` too;
 *   `file:` paths are percent-decoded as in a file URL;
 * - `postgres://…` or `postgresql://…`: PostgreSQL; `?schema=name` puts Skim's tables in that schema.
 */
export function resolveDatabase(databaseUrl: string | null | undefined, dataDir: string): DatabaseTarget {
  const v = (databaseUrl ?? "").trim();
  if (v === "") return { engine: "sqlite", path: resolve(join(dataDir, DEFAULT_SQLITE_FILE)) };
  if (/^postgres(ql)?:\/\//i.test(v)) {
    // `?schema=name` keeps Skim's tables in a schema of their own (a shared database, or a test run).
    const url = new URL(v);
    const schema = url.searchParams.get("schema") ?? undefined;
    url.searchParams.delete("schema");
    return { engine: "postgres", url: url.href, ...(schema ? { schema } : {}) };
  }
  const m = /^(sqlite|file):(?:\/\/)?(.*)$/is.exec(v);
  if (m) {
    const raw = m[2] ?? "";
    const path = m[1]!.toLowerCase() === "file" ? decodePath(raw) : raw;
    if (path === ":memory:") return { engine: "sqlite", path };
    if (path === "") throw new Error(`DATABASE_URL "${m[1]}:" names no file: expected ${m[1]}:<path>`);
    return { engine: "sqlite", path: resolve(path) };
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(v)?.[0] ?? "";
  throw new Error(
    `DATABASE_URL must be unset (SQLite in the data directory), sqlite:<path>, file:<path>, or postgres://user@host/db; got "${scheme ? `${scheme}...` : "a bare value"}"`,
  );
}

const decodePath = (raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

/** Opens (and migrates) the store DATABASE_URL names. */
export async function openStore(databaseUrl: string | null | undefined, options: { dataDir: string }): Promise<Store> {
  const target = resolveDatabase(databaseUrl, options.dataDir);
  return target.engine === "sqlite" ? openSqliteStore(target.path) : openPostgresStore(target.url, target.schema ? { schema: target.schema } : {});
}
