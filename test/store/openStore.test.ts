import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore, resolveDatabase } from "../../src/store/index.js";

describe("DATABASE_URL", () => {
  const dir = mkdtempSync(join(tmpdir(), "skim-open-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("unset or empty: SQLite in the data directory", () => {
    for (const url of [undefined, null, "", "  "]) {
      expect(resolveDatabase(url, "/var/lib/skim")).toEqual({ engine: "sqlite", path: "/var/lib/skim/skim.sqlite" });
    }
  });

  it("sqlite: and file: name a file, relative to the working directory unless absolute", () => {
    expect(resolveDatabase("sqlite:data/bot.db", "/d")).toEqual({ engine: "sqlite", path: resolve("data/bot.db") });
    expect(resolveDatabase("sqlite://data/bot.db", "/d")).toEqual({ engine: "sqlite", path: resolve("data/bot.db") });
    expect(resolveDatabase("SQLite:///srv/skim.db", "/d")).toEqual({ engine: "sqlite", path: "/srv/skim.db" });
    expect(resolveDatabase("file:///srv/my%20skim.db", "/d")).toEqual({ engine: "sqlite", path: "/srv/my skim.db" });
    expect(resolveDatabase("file:bot.db", "/d")).toEqual({ engine: "sqlite", path: resolve("bot.db") });
    expect(resolveDatabase("sqlite::memory:", "/d")).toEqual({ engine: "sqlite", path: ":memory:" });
  });

  it("postgres:// and postgresql:// go to PostgreSQL as given", () => {
    expect(resolveDatabase("postgres://skim@127.0.0.1/skim", "/d")).toEqual({ engine: "postgres", url: "postgres://skim@127.0.0.1/skim" });
    expect(resolveDatabase("postgresql://skim@127.0.0.1/skim", "/d")).toEqual({ engine: "postgres", url: "postgresql://skim@127.0.0.1/skim" });
  });

  it("anything else is refused with a message that names DATABASE_URL and the forms, without echoing secrets", () => {
    expect(() => resolveDatabase("mysql://root:hunter2@db/skim", "/d")).toThrow(/DATABASE_URL.*sqlite:<path>.*postgres:\/\//);
    expect(() => resolveDatabase("mysql://root:hunter2@db/skim", "/d")).not.toThrow(/hunter2/);
    expect(() => resolveDatabase("skim.db", "/d")).toThrow(/DATABASE_URL/);
    expect(() => resolveDatabase("sqlite:", "/d")).toThrow(/DATABASE_URL "sqlite:" names no file/);
  });

  it("openStore opens (and creates) the default SQLite file", async () => {
    const dataDir = join(dir, "data", "nested");
    const store = await openStore(undefined, { dataDir });
    try {
      expect(store.engine).toBe("sqlite");
      expect(existsSync(join(dataDir, "skim.sqlite"))).toBe(true);
      await store.updateSettings("console:1", { auto: true });
    } finally {
      await store.close();
    }
    const again = await openStore(`sqlite:${join(dataDir, "skim.sqlite")}`, { dataDir: "/nowhere" });
    try {
      expect(await again.getSettings("console:1")).toMatchObject({ auto: true });
    } finally {
      await again.close();
    }
  });
});
