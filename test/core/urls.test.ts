import { describe, expect, it } from "vitest";
import { findLinks, normalizeUrl } from "../../src/urls.js";
import { createRateLimiter } from "../../src/rateLimit.js";

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
});
