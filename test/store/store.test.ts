import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openPostgresStore } from "../../src/store/postgres.js";
import { openSqliteStore } from "../../src/store/sqlite.js";
import type { NewSubscription, Store } from "../../src/store/types.js";

/**
 * One suite, run against every engine: SQLite in memory and in a file always, PostgreSQL when
 * TEST_DATABASE_URL is set (.ci/run sets it), in a fresh schema dropped at the end.
 */

const NOW = 1_750_000_000_000;
const MINUTE = 60_000;
const DAY = "2025-06-15";

const newSub = (over: Partial<NewSubscription> = {}): NewSubscription => ({
  chatKey: "telegram:1",
  kind: "feed",
  source: "https://blog.example",
  feedUrl: "https://blog.example/feed.xml",
  time: "08:00",
  timezone: "Europe/Berlin",
  createdAt: NOW,
  ...over,
});

type Open = () => Promise<Store>;

/**
 * `open` gives a store on a fresh, empty database; `openAgain`, where the engine has one, another
 * independent connection (another pool, another SQLite connection) to the database `open` gave last.
 */
function describeStore(name: string, open: Open, openAgain?: Open): void {
  describe(name, () => {
    const opened: Store[] = [];
    const track = async (o: Open) => {
      const store = await o();
      opened.push(store);
      return store;
    };
    const fresh = () => track(open);
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    describe("settings", () => {
      it("are all null for a chat never seen", async () => {
        const store = await fresh();
        expect(await store.getSettings("telegram:42")).toEqual({ chatKey: "telegram:42", auto: null, length: null, timezone: null, fragments: null, engine: null, language: null });
      });

      it("merge each patch into the row and return it; null resets a field; other chats stay apart", async () => {
        const store = await fresh();
        expect(await store.updateSettings("telegram:1", { auto: false, length: "long" })).toEqual({
          chatKey: "telegram:1",
          auto: false,
          length: "long",
          timezone: null,
          fragments: null,
          engine: null,
          language: null,
        });
        expect(await store.updateSettings("telegram:1", { timezone: "Asia/Tokyo", fragments: true, engine: "extractive", language: "de" })).toEqual({
          chatKey: "telegram:1",
          auto: false,
          length: "long",
          timezone: "Asia/Tokyo",
          fragments: true,
          engine: "extractive",
          language: "de",
        });
        expect(await store.updateSettings("telegram:1", { length: null, auto: true })).toMatchObject({ auto: true, length: null, timezone: "Asia/Tokyo" });
        expect(await store.updateSettings("telegram:1", {})).toMatchObject({ auto: true, fragments: true });
        expect(await store.updateSettings("telegram:1", { language: null })).toMatchObject({ engine: "extractive", language: null });
        expect(await store.getSettings("telegram:1")).toEqual({ chatKey: "telegram:1", auto: true, length: null, timezone: "Asia/Tokyo", fragments: true, engine: "extractive", language: null });
        expect(await store.getSettings("discord:1")).toMatchObject({ auto: null, timezone: null });
      });
    });

    describe("subscriptions", () => {
      it("come back as stored, with increasing ids, oldest first, per chat", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        const b = await store.addSubscription(newSub({ chatKey: "discord:9", kind: "links", source: "links", feedUrl: null, time: "21:30", timezone: "UTC" }));
        const c = await store.addSubscription(newSub({ source: "https://other.example", createdAt: NOW + 1 }));
        expect(a).toEqual({ ...newSub(), id: a.id, disabledAt: null, disabledReason: null, etag: null, lastModified: null });
        expect(b).toMatchObject({ kind: "links", feedUrl: null, time: "21:30", timezone: "UTC" });
        expect(a.id).toBeLessThan(b.id);
        expect(b.id).toBeLessThan(c.id);
        expect(await store.listSubscriptions("telegram:1")).toEqual([a, c]);
        expect(await store.listSubscriptions("discord:9")).toEqual([b]);
        expect(await store.activeSubscriptions()).toEqual([a, b, c]);
        expect(await store.listSubscriptions("telegram:404")).toEqual([]);
      });

      it("are removed only by their own chat; removal says whether it happened; ids are not reused", async () => {
        const store = await fresh();
        const mine = await store.addSubscription(newSub());
        const theirs = await store.addSubscription(newSub({ chatKey: "telegram:2" }));
        expect(await store.removeSubscription("telegram:1", theirs.id)).toBe(false);
        expect(await store.listSubscriptions("telegram:2")).toEqual([theirs]);
        expect(await store.removeSubscription("telegram:1", mine.id)).toBe(true);
        expect(await store.removeSubscription("telegram:1", mine.id)).toBe(false);
        expect(await store.removeSubscription("telegram:1", 1.5)).toBe(false);
        expect(await store.listSubscriptions("telegram:1")).toEqual([]);
        const next = await store.addSubscription(newSub());
        expect(next.id).toBeGreaterThan(theirs.id);
      });

      it("removeAllSubscriptions removes the chat's and counts them", async () => {
        const store = await fresh();
        await store.addSubscription(newSub());
        await store.addSubscription(newSub({ source: "https://two.example" }));
        const other = await store.addSubscription(newSub({ chatKey: "telegram:2" }));
        expect(await store.removeAllSubscriptions("telegram:1")).toBe(2);
        expect(await store.removeAllSubscriptions("telegram:1")).toBe(0);
        expect(await store.activeSubscriptions()).toEqual([other]);
      });

      it("once disabled, are neither listed nor active", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        const b = await store.addSubscription(newSub({ source: "https://two.example" }));
        await store.disableSubscription(a.id, "chat deleted", NOW + 5);
        expect(await store.listSubscriptions("telegram:1")).toEqual([b]);
        expect(await store.activeSubscriptions()).toEqual([b]);
      });

      it("keep the feed's validators", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        await store.updateFeedState(a.id, { etag: '"v1"', lastModified: "Sun, 15 Jun 2025 06:00:00 GMT" });
        expect((await store.listSubscriptions("telegram:1"))[0]).toMatchObject({ etag: '"v1"', lastModified: "Sun, 15 Jun 2025 06:00:00 GMT" });
        await store.updateFeedState(a.id, { etag: null, lastModified: null });
        expect((await store.listSubscriptions("telegram:1"))[0]).toMatchObject({ etag: null, lastModified: null });
      });

      it("take their seen items and digest claims with them when removed", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        await store.markItemsSeen(a.id, ["x", "y"], NOW);
        expect(await store.claimDigest(a.id, DAY, "w1", NOW, MINUTE)).toBe(true);
        await store.markDigestSent(a.id, DAY, "w1", NOW);
        expect(await store.digestSent(a.id, DAY)).toBe(true);
        expect(await store.removeSubscription("telegram:1", a.id)).toBe(true);
        expect(await store.unseenItems(a.id, ["x", "y"])).toEqual(["x", "y"]);
        expect(await store.digestSent(a.id, DAY)).toBe(false);
      });
    });

    describe("seen items", () => {
      it("unseenItems keeps the given order, each key once; markItemsSeen is idempotent and per subscription", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        const b = await store.addSubscription(newSub({ source: "https://two.example" }));
        expect(await store.unseenItems(a.id, [])).toEqual([]);
        expect(await store.unseenItems(a.id, ["c", "a", "b"])).toEqual(["c", "a", "b"]);
        await store.markItemsSeen(a.id, ["a", "a", "d"], NOW);
        await store.markItemsSeen(a.id, ["a"], NOW + 1);
        await store.markItemsSeen(a.id, [], NOW + 2);
        expect(await store.unseenItems(a.id, ["e", "c", "a", "b", "d", "c"])).toEqual(["e", "c", "b"]);
        expect(await store.unseenItems(b.id, ["a", "d"])).toEqual(["a", "d"]);
      });

      it("handle 5,000 keys at once", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        const keys = Array.from({ length: 5_000 }, (_, i) => `https://blog.example/post/${i}`);
        await store.markItemsSeen(a.id, keys.filter((_, i) => i % 2 === 0), NOW);
        const unseen = await store.unseenItems(a.id, keys);
        expect(unseen).toEqual(keys.filter((_, i) => i % 2 === 1));
        await store.markItemsSeen(a.id, keys, NOW + 1);
        expect(await store.unseenItems(a.id, keys)).toEqual([]);
      });

      it("are not recorded for a subscription that is gone", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        await store.removeSubscription("telegram:1", a.id);
        await expect(store.markItemsSeen(a.id, ["x"], NOW)).resolves.toBeUndefined();
        expect(await store.unseenItems(a.id, ["x"])).toEqual(["x"]);
      });
    });

    describe("shared links", () => {
      it("are distinct per chat in [from, to), in the order first shared", async () => {
        const store = await fresh();
        await store.recordSharedLink("telegram:1", "https://a.example", NOW - 1);
        await store.recordSharedLink("telegram:1", "https://b.example", NOW);
        await store.recordSharedLink("telegram:1", "https://c.example", NOW + 10);
        await store.recordSharedLink("telegram:1", "https://b.example", NOW + 20);
        await store.recordSharedLink("telegram:1", "https://a.example", NOW + 30);
        await store.recordSharedLink("telegram:2", "https://z.example", NOW + 5);
        await store.recordSharedLink("telegram:1", "https://d.example", NOW + 100);
        expect(await store.sharedLinks("telegram:1", NOW, NOW + 100)).toEqual(["https://b.example", "https://c.example", "https://a.example"]);
        expect(await store.sharedLinks("telegram:1", NOW - 1, NOW + 101)).toEqual([
          "https://a.example",
          "https://b.example",
          "https://c.example",
          "https://d.example",
        ]);
        expect(await store.sharedLinks("telegram:2", NOW, NOW + 100)).toEqual(["https://z.example"]);
        expect(await store.sharedLinks("telegram:3", NOW, NOW + 100)).toEqual([]);
      });

      it("pruneSharedLinks deletes those shared before the time and counts them", async () => {
        const store = await fresh();
        await store.recordSharedLink("telegram:1", "https://a.example", NOW - 2);
        await store.recordSharedLink("telegram:2", "https://a.example", NOW - 1);
        await store.recordSharedLink("telegram:1", "https://b.example", NOW);
        expect(await store.pruneSharedLinks(NOW)).toBe(2);
        expect(await store.pruneSharedLinks(NOW)).toBe(0);
        expect(await store.sharedLinks("telegram:1", 0, NOW + 1)).toEqual(["https://b.example"]);
      });
    });

    describe("digest claims", () => {
      it("go to the first claimer until the lease runs out; an expired unsent claim goes to another", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        expect(await store.claimDigest(a.id, DAY, "w1", NOW, MINUTE)).toBe(true);
        expect(await store.claimDigest(a.id, DAY, "w2", NOW + 1, MINUTE)).toBe(false);
        expect(await store.claimDigest(a.id, DAY, "w1", NOW + 1, MINUTE)).toBe(false);
        expect(await store.claimDigest(a.id, DAY, "w2", NOW + MINUTE - 1, MINUTE)).toBe(false);
        // Another day, another digest.
        expect(await store.claimDigest(a.id, "2025-06-16", "w2", NOW, MINUTE)).toBe(true);
        expect(await store.claimDigest(a.id, DAY, "w2", NOW + MINUTE, MINUTE)).toBe(true);
        // w2's lease now runs from NOW + MINUTE.
        expect(await store.claimDigest(a.id, DAY, "w3", NOW + MINUTE + 1, MINUTE)).toBe(false);
        expect(await store.digestSent(a.id, DAY)).toBe(false);
      });

      it("can never be taken once the digest was sent", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        expect(await store.claimDigest(a.id, DAY, "w1", NOW, MINUTE)).toBe(true);
        await store.markDigestSent(a.id, DAY, "w1", NOW + 5);
        expect(await store.digestSent(a.id, DAY)).toBe(true);
        expect(await store.digestSent(a.id, "2025-06-16")).toBe(false);
        expect(await store.claimDigest(a.id, DAY, "w2", NOW + 10 * MINUTE, MINUTE)).toBe(false);
        expect(await store.claimDigest(a.id, DAY, "w1", NOW + 10 * MINUTE, MINUTE)).toBe(false);
        await store.releaseDigest(a.id, DAY, "w1");
        expect(await store.claimDigest(a.id, DAY, "w2", NOW + 10 * MINUTE, MINUTE)).toBe(false);
      });

      it("are marked sent by a sender whose lease ran out, too", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        expect(await store.claimDigest(a.id, DAY, "slow", NOW, MINUTE)).toBe(true);
        expect(await store.claimDigest(a.id, DAY, "fast", NOW + MINUTE, MINUTE)).toBe(true);
        await store.markDigestSent(a.id, DAY, "slow", NOW + MINUTE + 1);
        expect(await store.digestSent(a.id, DAY)).toBe(true);
        expect(await store.claimDigest(a.id, DAY, "third", NOW + 10 * MINUTE, MINUTE)).toBe(false);
      });

      it("given back by their owner can be taken at once; others cannot give them back", async () => {
        const store = await fresh();
        const a = await store.addSubscription(newSub());
        expect(await store.claimDigest(a.id, DAY, "w1", NOW, MINUTE)).toBe(true);
        await store.releaseDigest(a.id, DAY, "w2");
        expect(await store.claimDigest(a.id, DAY, "w2", NOW + 1, MINUTE)).toBe(false);
        await store.releaseDigest(a.id, DAY, "w1");
        expect(await store.claimDigest(a.id, DAY, "w2", NOW + 1, MINUTE)).toBe(true);
      });

      it("cannot be taken for a subscription that is removed or disabled", async () => {
        const store = await fresh();
        const gone = await store.addSubscription(newSub());
        const off = await store.addSubscription(newSub({ source: "https://two.example" }));
        await store.removeSubscription("telegram:1", gone.id);
        await store.disableSubscription(off.id, "blocked", NOW);
        expect(await store.claimDigest(gone.id, DAY, "w1", NOW, MINUTE)).toBe(false);
        expect(await store.claimDigest(off.id, DAY, "w1", NOW, MINUTE)).toBe(false);
        await store.markDigestSent(gone.id, DAY, "w1", NOW);
        expect(await store.digestSent(gone.id, DAY)).toBe(false);
      });

      it("50 racing claims from two connections: exactly one wins, and again once the lease expired", async () => {
        const a = await fresh();
        const b = openAgain ? await track(openAgain) : a;
        const s = await a.addSubscription(newSub());
        const race = (now: number) =>
          Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).claimDigest(s.id, DAY, `worker-${i}`, now, MINUTE)));
        expect((await race(NOW)).filter(Boolean)).toHaveLength(1);
        expect((await race(NOW + 1)).filter(Boolean)).toHaveLength(0);
        expect((await race(NOW + MINUTE)).filter(Boolean)).toHaveLength(1);
        await b.markDigestSent(s.id, DAY, "worker-0", NOW + MINUTE);
        expect((await race(NOW + 10 * MINUTE)).filter(Boolean)).toHaveLength(0);
      });
    });

    describe("cache", () => {
      it("gives a value until it expires; put replaces; prune deletes the expired and counts them", async () => {
        const store = await fresh();
        expect(await store.cacheGet("https://a.example", NOW)).toBeNull();
        await store.cachePut("https://a.example", '{"v":1}', NOW + MINUTE);
        await store.cachePut("https://b.example", '{"v":2}', NOW + 1);
        expect(await store.cacheGet("https://a.example", NOW)).toBe('{"v":1}');
        expect(await store.cacheGet("https://a.example", NOW + MINUTE)).toBeNull();
        await store.cachePut("https://a.example", '{"v":3}', NOW + 2 * MINUTE);
        expect(await store.cacheGet("https://a.example", NOW + MINUTE)).toBe('{"v":3}');
        expect(await store.cachePrune(NOW + 1)).toBe(1);
        expect(await store.cachePrune(NOW + 1)).toBe(0);
        expect(await store.cacheGet("https://b.example", NOW)).toBeNull();
        expect(await store.cacheGet("https://a.example", NOW)).toBe('{"v":3}');
      });
    });

    it("forgetChat deletes the chat's settings, subscriptions with their state, and links, and nothing else", async () => {
      const store = await fresh();
      await store.updateSettings("telegram:1", { auto: true });
      await store.updateSettings("telegram:2", { auto: false });
      const mine = await store.addSubscription(newSub());
      const theirs = await store.addSubscription(newSub({ chatKey: "telegram:2" }));
      for (const s of [mine, theirs]) {
        await store.markItemsSeen(s.id, ["x"], NOW);
        await store.claimDigest(s.id, DAY, "w1", NOW, MINUTE);
        await store.markDigestSent(s.id, DAY, "w1", NOW);
      }
      await store.recordSharedLink("telegram:1", "https://a.example", NOW);
      await store.recordSharedLink("telegram:2", "https://b.example", NOW);
      await store.cachePut("https://a.example", "{}", NOW + MINUTE);

      await store.forgetChat("telegram:1");

      expect(await store.getSettings("telegram:1")).toMatchObject({ auto: null });
      expect(await store.listSubscriptions("telegram:1")).toEqual([]);
      expect(await store.unseenItems(mine.id, ["x"])).toEqual(["x"]);
      expect(await store.digestSent(mine.id, DAY)).toBe(false);
      expect(await store.sharedLinks("telegram:1", 0, NOW + 1)).toEqual([]);

      expect(await store.getSettings("telegram:2")).toMatchObject({ auto: false });
      expect(await store.listSubscriptions("telegram:2")).toEqual([theirs]);
      expect(await store.unseenItems(theirs.id, ["x"])).toEqual([]);
      expect(await store.digestSent(theirs.id, DAY)).toBe(true);
      expect(await store.sharedLinks("telegram:2", 0, NOW + 1)).toEqual(["https://b.example"]);
      expect(await store.cacheGet("https://a.example", NOW)).toBe("{}");
    });

    it("claims a platform update once, even when claimed in parallel, and prunes old ones", async () => {
      const store = await fresh();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.claimUpdate("telegram:update:42", 1_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.claimUpdate("telegram:update:43", 2_000)).toBe(true);
      expect(await store.pruneUpdates(1_500)).toBe(1);
      expect(await store.claimUpdate("telegram:update:42", 3_000)).toBe(true);
      expect(await store.claimUpdate("telegram:update:43", 3_000)).toBe(false);
    });

    it("add up a chat's engine tokens per day, and forget them with the chat", async () => {
      const store = await fresh();
      expect(await store.engineUsage("telegram:1", DAY)).toBe(0);
      await store.addEngineUsage("telegram:1", DAY, 1_200);
      await Promise.all([store.addEngineUsage("telegram:1", DAY, 300), store.addEngineUsage("telegram:1", DAY, 500)]);
      await store.addEngineUsage("telegram:1", "2025-06-16", 7);
      await store.addEngineUsage("telegram:2", DAY, 9);
      expect(await store.engineUsage("telegram:1", DAY)).toBe(2_000);
      expect(await store.engineUsage("telegram:1", "2025-06-16")).toBe(7);
      await store.forgetChat("telegram:1");
      expect(await store.engineUsage("telegram:1", DAY)).toBe(0);
      expect(await store.engineUsage("telegram:2", DAY)).toBe(9);
    });

    describe("rate buckets", () => {
      const user = { key: "user:telegram:1", capacity: 3, perMinute: 6 };
      const chat = { key: "chat:telegram:1", capacity: 5, perMinute: 10 };

      it("allow a burst of their capacity, refuse the next, and refill at their rate up to capacity", async () => {
        const store = await fresh();
        const takes = async (n: number, at: number) => {
          const out: boolean[] = [];
          for (let i = 0; i < n; i++) out.push(await store.takeTokens([user], at));
          return out;
        };
        expect(await takes(4, NOW)).toEqual([true, true, true, false]);
        expect(await takes(2, NOW + 10_000)).toEqual([true, false]); // 6 a minute: one token in 10 s
        expect(await takes(4, NOW + 10 * MINUTE)).toEqual([true, true, true, false]); // never above capacity
      });

      it("take from every bucket or from none", async () => {
        const store = await fresh();
        for (let i = 0; i < 3; i++) expect(await store.takeTokens([user, chat], NOW)).toBe(true);
        // The user's bucket is empty: the chat's token is not spent on the refusal.
        expect(await store.takeTokens([chat, user], NOW)).toBe(false);
        expect(await store.takeTokens([chat], NOW)).toBe(true);
        expect(await store.takeTokens([chat], NOW)).toBe(true);
        expect(await store.takeTokens([chat], NOW)).toBe(false);
      });

      it("are shared between connections: 40 racing takes of a 10-token bucket, exactly 10 succeed", async () => {
        const a = await fresh();
        const b = openAgain ? await track(openAgain) : a;
        const bucket = { key: "user:discord:9", capacity: 10, perMinute: 1 };
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).takeTokens([bucket], NOW)));
        expect(results.filter(Boolean)).toHaveLength(10);
      });

      it("idle ones are pruned, and start full again", async () => {
        const store = await fresh();
        for (let i = 0; i < 3; i++) await store.takeTokens([user], NOW);
        expect(await store.pruneRateBuckets(NOW + 1)).toBe(1);
        expect(await store.takeTokens([user], NOW + 2)).toBe(true);
      });
    });

    it("closes more than once without complaint", async () => {
      const store = await fresh();
      await store.close();
      await store.close();
    });

    // Only engines that can be opened again have this test (not `:memory:`): no skipped test is counted.
    if (openAgain !== undefined) it("keeps its data when opened again (the migrations run again and find nothing to do)", async () => {
      const first = await fresh();
      const a = await first.addSubscription(newSub());
      await first.updateSettings("telegram:1", { length: "short" });
      await first.close();
      const again = await track(openAgain!);
      expect(await again.listSubscriptions("telegram:1")).toEqual([a]);
      expect(await again.getSettings("telegram:1")).toMatchObject({ length: "short" });
      expect((await again.addSubscription(newSub())).id).toBeGreaterThan(a.id);
    });
  });
}

describeStore("sqlite :memory:", () => openSqliteStore(":memory:"));

describe("sqlite file", () => {
  const dir = mkdtempSync(join(tmpdir(), "skim-store-"));
  let n = 0;
  let last = "";
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describeStore(
    "sqlite file",
    () => openSqliteStore((last = join(dir, `run-${++n}`, "nested", "skim.sqlite"))),
    () => openSqliteStore(last),
  );

  it("creates the parent directories and uses WAL with foreign keys", async () => {
    const path = join(dir, "wal", "a", "b", "skim.sqlite");
    const store = await openSqliteStore(path);
    await store.close();
    const raw = new Database(path);
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
      const versions = raw.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all();
      expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      raw.close();
    }
  });

  it("refuses a database migrated by a newer Skim", async () => {
    const path = join(dir, "newer", "skim.sqlite");
    await (await openSqliteStore(path)).close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").run();
    raw.close();
    await expect(openSqliteStore(path)).rejects.toThrow(/version 999.*upgrade Skim/);
  });
});

const pgUrl = process.env["TEST_DATABASE_URL"] ?? "";
if (pgUrl !== "" && !["127.0.0.1", "localhost", "[::1]"].includes(new URL(pgUrl).hostname)) {
  throw new Error(`TEST_DATABASE_URL must point at this machine (127.0.0.1), not ${new URL(pgUrl).hostname}`);
}

describe.runIf(pgUrl !== "")("postgres", () => {
  const schema = `skim_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const schemas = [schema];
  const tables = ["settings", "subscriptions", "seen_items", "shared_links", "digests", "cache", "processed_updates", "rate_buckets", "engine_usage"];
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
  });
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await admin.end();
  });

  // One schema for the file; each test starts from empty tables.
  const open = async () => {
    const { rows } = await admin.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [`"${schema}".settings`]);
    if (rows[0]?.t) await admin.query(`TRUNCATE ${tables.map((t) => `"${schema}".${t}`).join(", ")} RESTART IDENTITY`);
    return openPostgresStore(pgUrl, { schema });
  };
  describeStore("postgres", open, () => openPostgresStore(pgUrl, { schema }));

  it("four stores opening a fresh schema at the same moment all succeed, and each migration is applied once", async () => {
    const fresh = `${schema}_fresh`;
    schemas.push(fresh);
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(pgUrl, { schema: fresh, max: 2 })));
    try {
      const a = await stores[0]!.addSubscription(newSub());
      expect(await stores[3]!.activeSubscriptions()).toEqual([a]);
      const { rows } = await admin.query<{ version: number }>(`SELECT version FROM "${fresh}".schema_migrations ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("refuses a schema name it would have to quote", async () => {
    await expect(openPostgresStore(pgUrl, { schema: 'Bad"Name' })).rejects.toThrow(/schema name/);
  });
});
