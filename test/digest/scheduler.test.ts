import { afterEach, describe, expect, it } from "vitest";
import { createScheduler, type Delivery } from "../../src/digest/scheduler.js";
import type { BuiltDigest } from "../../src/digest/build.js";
import type { DailyDigest } from "../../src/digest/types.js";
import { createLogger } from "../../src/log.js";
import { openSqliteStore } from "../../src/store/index.js";
import type { Store, Subscription } from "../../src/store/types.js";

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(options: { deliver?: (chatKey: string, d: DailyDigest) => Promise<Delivery> } = {}) {
  const store = await openSqliteStore(":memory:");
  stores.push(store);
  let clock = Date.parse("2026-01-15T06:00:00Z"); // 07:00 in Berlin
  const sent: { chatKey: string; day: string }[] = [];
  const commits: number[] = [];
  const build = async (sub: Subscription, day: string): Promise<BuiltDigest> => ({
    digest: { day, source: sub.source, kind: sub.kind, feedTitle: null, items: [], more: 0, preview: false },
    commit: async () => void commits.push(sub.id),
  });
  const deliver =
    options.deliver ??
    (async (chatKey: string, d: DailyDigest): Promise<Delivery> => {
      sent.push({ chatKey, day: d.day });
      return { ok: true };
    });
  const scheduler = (owner: string) => createScheduler({ store, build, deliver, now: () => clock, owner, log: createLogger("silent"), leaseMs: 60_000 });
  const sub = await store.addSubscription({ chatKey: "telegram:1", kind: "feed", source: "https://news.example/feed", feedUrl: "https://news.example/feed", time: "09:00", timezone: "Europe/Berlin", createdAt: clock });
  return { store, scheduler, sent, commits, sub, setClock: (iso: string) => (clock = Date.parse(iso)) };
}

describe("digest scheduler", () => {
  it("sends at the local hour, once a day, and again the next day", async () => {
    const t = await setup();
    const s = t.scheduler("a");
    expect(await s.tick()).toBe(0); // 07:00 local
    t.setClock("2026-01-15T08:00:00Z"); // 09:00 local
    expect(await s.tick()).toBe(1);
    t.setClock("2026-01-15T12:00:00Z");
    expect(await s.tick()).toBe(0);
    t.setClock("2026-01-16T07:59:00Z"); // 08:59 next day
    expect(await s.tick()).toBe(0);
    t.setClock("2026-01-16T08:01:00Z");
    expect(await s.tick()).toBe(1);
    expect(t.sent).toEqual([
      { chatKey: "telegram:1", day: "2026-01-15" },
      { chatKey: "telegram:1", day: "2026-01-16" },
    ]);
    expect(t.commits).toEqual([t.sub.id, t.sub.id]);
  });

  it("sends a digest missed while down as soon as it runs again, the same local day", async () => {
    const t = await setup();
    t.setClock("2026-01-15T21:00:00Z"); // 22:00 local: Skim just started
    expect(await t.scheduler("late").tick()).toBe(1);
    expect(t.sent[0]!.day).toBe("2026-01-15");
  });

  it("lets one of two processes send, and re-sends only a claim that expired unsent", async () => {
    const t = await setup();
    t.setClock("2026-01-15T08:00:00Z");
    const [a, b] = await Promise.all([t.scheduler("a").tick(), t.scheduler("b").tick()]);
    expect(a + b).toBe(1);
    // A process that died after claiming: its lease runs out and another sends the digest.
    const day = "2026-01-16";
    t.setClock("2026-01-16T08:00:00Z");
    expect(await t.store.claimDigest(t.sub.id, day, "crashed", Date.parse("2026-01-16T08:00:00Z"), 60_000)).toBe(true);
    expect(await t.scheduler("c").tick()).toBe(0);
    t.setClock("2026-01-16T08:02:00Z");
    expect(await t.scheduler("c").tick()).toBe(1);
    expect(t.sent.filter((x) => x.day === day)).toHaveLength(1);
  });

  it("a digest sent while the database fails is recorded later, never sent again", async () => {
    const t = await setup();
    const s = t.scheduler("a");
    t.setClock("2026-01-15T08:00:00Z");
    const real = t.store.markDigestSent.bind(t.store);
    let failures = 3;
    t.store.markDigestSent = async (...args) => {
      if (failures-- > 0) throw new Error("connection terminated");
      return real(...args);
    };
    expect(await s.tick()).toBe(1);
    expect(await t.store.digestSent(t.sub.id, "2026-01-15")).toBe(false);
    t.setClock("2026-01-15T08:00:30Z");
    await s.tick();
    t.setClock("2026-01-15T08:00:59Z");
    await s.tick();
    expect(t.commits).toEqual([]);
    // Past the lease another process would claim it, but by now the record landed.
    t.setClock("2026-01-15T08:01:00Z");
    await s.tick();
    expect(await t.store.digestSent(t.sub.id, "2026-01-15")).toBe(true);
    t.setClock("2026-01-15T08:05:00Z");
    expect(await t.scheduler("b").tick()).toBe(0);
    expect(await s.tick()).toBe(0);
    expect(t.sent).toHaveLength(1);
    expect(t.commits).toEqual([t.sub.id]);
  });

  it("disables a subscription whose chat is gone, and retries a transient failure later", async () => {
    let mode: "gone" | "busy" | "ok" = "busy";
    const delivered: string[] = [];
    const t = await setup({
      deliver: async (_c, d) => {
        if (mode === "gone") return { ok: false, permanent: true, detail: "403 bot was blocked" };
        if (mode === "busy") return { ok: false, permanent: false, detail: "429" };
        delivered.push(d.day);
        return { ok: true };
      },
    });
    const s = t.scheduler("a");
    t.setClock("2026-01-15T08:00:00Z");
    expect(await s.tick()).toBe(0);
    mode = "ok";
    expect(await s.tick()).toBe(0); // backing off
    t.setClock("2026-01-15T08:02:00Z");
    expect(await s.tick()).toBe(1);
    expect(t.commits).toEqual([t.sub.id]);
    mode = "gone";
    t.setClock("2026-01-16T08:00:00Z");
    expect(await s.tick()).toBe(0);
    expect(await t.store.activeSubscriptions()).toEqual([]);
    expect(delivered).toEqual(["2026-01-15"]);
  });
});
