import { describe, expect, it } from "vitest";
import { findLinks, normalizeUrl } from "../../src/urls.js";
import { createLogger } from "../../src/log.js";
import { createRateLimiter, createStoreRateLimiter } from "../../src/rateLimit.js";
import { openSqliteStore } from "../../src/store/sqlite.js";

describe("findLinks", () => {
  it("finds links in chat text, without the punctuation around them", () => {
    expect(findLinks("see https://a.example/x. and (https://b.example/y), www.c.example/z!")).toEqual([
      "https://a.example/x",
      "https://b.example/y",
      "https://www.c.example/z",
    ]);
    expect(findLinks("https://en.wikipedia.org/wiki/Foo_(bar) done")).toEqual(["https://en.wikipedia.org/wiki/Foo_(bar)"]);
    expect(findLinks("no links here, just text.")).toEqual([]);
  });

  it("stops after a bounded number of links", () => {
    const many = Array.from({ length: 5_000 }, (_, i) => `https://x.example/${i}`).join(" ");
    expect(findLinks(many)).toHaveLength(20);
  });
});

describe("normalizeUrl", () => {
  it("drops tracking parameters, fragments and default ports, and lower-cases the host", () => {
    expect(normalizeUrl("https://News.Example:443/a?utm_source=x&id=3&fbclid=abc#top")).toBe("https://news.example/a?id=3");
    expect(normalizeUrl("https://news.example/a?b=2&a=1")).toBe(normalizeUrl("https://news.example/a?a=1&b=2"));
  });
});

describe("rate limiter", () => {
  it("allows a burst and ten a minute, then refuses until tokens come back", () => {
    let t = 0;
    const limiter = createRateLimiter(() => t);
    const take = () => limiter.take([{ key: "u", bucket: { capacity: 6, perMinute: 15 } }]);
    expect(Array.from({ length: 6 }, take).every(Boolean)).toBe(true);
    expect(take()).toBe(false);
    t += 60_000;
    expect(Array.from({ length: 6 }, take).every(Boolean)).toBe(true);
  });

  it("in the database, is one limit for every process on it", async () => {
    const store = await openSqliteStore(":memory:");
    try {
      const [a, b] = [createStoreRateLimiter(store, createLogger("silent"), () => 0), createStoreRateLimiter(store, createLogger("silent"), () => 0)];
      const keys = [{ key: "user:telegram:5", bucket: { capacity: 6, perMinute: 15 } }];
      const results = [];
      for (let i = 0; i < 10; i++) results.push(await (i % 2 === 0 ? a : b).take(keys));
      expect(results.filter(Boolean)).toHaveLength(6);
    } finally {
      await store.close();
    }
  });

  it("limits per process while the database fails, and says so once", async () => {
    const lines: string[] = [];
    let broken = true;
    const store = {
      takeTokens: async () => {
        if (broken) throw new Error("connection terminated");
        return true;
      },
      pruneRateBuckets: async () => 0,
    };
    const limiter = createStoreRateLimiter(store, createLogger("info", (l) => lines.push(l)), () => 0);
    const keys = [{ key: "u", bucket: { capacity: 2, perMinute: 1 } }];
    expect([await limiter.take(keys), await limiter.take(keys), await limiter.take(keys)]).toEqual([true, true, false]);
    expect(lines.filter((l) => l.includes("database unavailable"))).toHaveLength(1);
    broken = false;
    expect(await limiter.take(keys)).toBe(true);
    expect(lines.some((l) => l.includes("answers again"))).toBe(true);
  });
});
