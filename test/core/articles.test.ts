import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/index.js";
import { createArticleReader, createGate } from "../../src/articles.js";
import { requestDeadlineMs, withDeadline } from "../../src/core.js";
import type { FetchOptions, FetchResult } from "../../src/fetch/types.js";
import { createLogger } from "../../src/log.js";
import { detectWall } from "../../src/wall.js";
import { extractArticle } from "../../src/extract/index.js";

const page = (body: string, url: string): FetchResult => ({
  ok: true,
  value: { requestedUrl: url, url, status: 200, contentType: "text/html", kind: "html", charset: "utf-8", body, bytes: body.length, redirects: [] },
});

const articleHtml = (canonical: string) =>
  `<html><head><link rel="canonical" href="${canonical}"><title>Budget</title></head><body><article>${"<p>The council approved the budget on Tuesday after a long and heated debate about schools.</p>".repeat(4)}</article></body></html>`;

describe("article reader", () => {
  it("fetches a page once: concurrent requests share the fetch, tracking tails and canonical links share the cache", async () => {
    const fetched: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const fetch = async (url: string, _o: FetchOptions): Promise<FetchResult> => {
      fetched.push(url);
      await gate;
      return page(articleHtml("https://news.example/budget"), url);
    };
    const read = createArticleReader({ fetchOptions: parseConfig({}).fetch, log: createLogger("silent"), fetch });
    const a = read("https://news.example/budget?utm_source=tg");
    const b = read("https://news.example/budget#comments");
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.ok && rb.ok).toBe(true);
    expect(fetched).toHaveLength(1);
    expect((await read("https://NEWS.example/budget")).ok).toBe(true);
    expect(fetched).toHaveLength(1);
    expect(read.stats()).toEqual({ fetches: 1, hits: 2 });
  });

  it("says when a page has no article or only a wall", async () => {
    const bodies: Record<string, string> = {
      "https://x.example/empty": "<html><body><nav><a href='/'>Home</a></nav></body></html>",
      "https://x.example/consent":
        "<html><body><div class='main'><p>We and our partners use cookies to personalise content and ads. By clicking Accept all you consent to our privacy policy.</p><p>You can manage options or reject all cookies in the privacy settings at any time.</p></div></body></html>",
    };
    const read = createArticleReader({ fetchOptions: parseConfig({}).fetch, log: createLogger("silent"), fetch: async (url) => page(bodies[url]!, url) });
    expect(await read("https://x.example/empty")).toEqual({ ok: false, reason: { kind: "not-article" } });
    expect(await read("https://x.example/consent")).toEqual({ ok: false, reason: { kind: "wall", wall: "consent" } });
  });
});

describe("article cache bounds", () => {
  const story = (words: number) => `<html><body><article><p>${"The council approved the budget on Tuesday. ".repeat(words)}</p></article></body></html>`;

  it("holds at most maxChars of article text: big pages push older ones out, one bigger than the cache is served uncached", async () => {
    const fetched: string[] = [];
    const fetch = async (url: string): Promise<FetchResult> => {
      fetched.push(url);
      return page(story(url.includes("huge") ? 200 : 10), url);
    };
    // A 10-sentence story is ~440 characters of text (880 with its paragraphs): two fit, three do not.
    const read = createArticleReader({ fetchOptions: parseConfig({}).fetch, log: createLogger("silent"), fetch, cache: { maxChars: 2_000 } });
    for (const u of ["https://x.example/a", "https://x.example/b", "https://x.example/a"]) expect((await read(u)).ok).toBe(true);
    expect(fetched).toEqual(["https://x.example/a", "https://x.example/b"]);
    await read("https://x.example/c"); // pushes out b, the least recently used
    await read("https://x.example/a");
    await read("https://x.example/b");
    expect(fetched).toEqual(["https://x.example/a", "https://x.example/b", "https://x.example/c", "https://x.example/b"]);
    for (let i = 0; i < 2; i++) expect((await read("https://x.example/huge")).ok).toBe(true);
    expect(fetched.filter((u) => u.endsWith("/huge"))).toHaveLength(2);
  });

  it("prunes expired pages from the shared cache as it writes, so the table does not grow for ever", async () => {
    let prunes = 0;
    const store = { cacheGet: async () => null, cachePut: async () => {}, cachePrune: async () => (prunes++, 0) };
    const read = createArticleReader({ fetchOptions: parseConfig({}).fetch, log: createLogger("silent"), store, fetch: async (url) => page(story(5), url) });
    for (let i = 0; i < 450; i++) await read(`https://x.example/${i}`);
    expect(prunes).toBe(2);
  });
});

describe("detectWall", () => {
  it("calls a flagged teaser a paywall, and keeps a full article that mentions cookies", () => {
    const teaser = extractArticle({
      body: `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"H","isAccessibleForFree":false}</script></head><body><article><p>The first paragraph of a story that is mostly behind the paywall, as publishers do.</p></article></body></html>`,
    });
    expect(detectWall(teaser)).toBe("paywall");
    const login = extractArticle({ body: "Log in to continue reading.\n\nForgot your password? Create a free account to read this article.", contentType: "text/plain" });
    expect(detectWall(login)).toBe("login");
    const real = extractArticle({
      body: `<html><body><div id="cookie-banner"><p>We use cookies. Accept all?</p></div><article>${"<p>Regulators fined the company for tracking users with cookies without consent, the court said on Monday in a long ruling.</p>".repeat(12)}</article></body></html>`,
    });
    expect(detectWall(real)).toBeNull();
    expect(real.text).not.toContain("Accept all");
  });
});

describe("limits on a process's work", () => {
  it("fetches at most SKIM_FETCH_CONCURRENCY pages at once; the rest queue in order and all are read", async () => {
    let active = 0;
    let peak = 0;
    const order: string[] = [];
    const fetch = async (url: string): Promise<FetchResult> => {
      active++;
      peak = Math.max(peak, active);
      order.push(url);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return page(articleHtml(url), url);
    };
    const read = createArticleReader({ fetchOptions: { ...parseConfig({ SKIM_FETCH_CONCURRENCY: "3" }).fetch }, log: createLogger("silent"), fetch });
    const urls = Array.from({ length: 12 }, (_, i) => `https://news.example/${i}`);
    const results = await Promise.all(urls.map((u) => read(u)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak).toBe(3);
    expect(order).toEqual(urls);
  });

  it("a gate hands a finished call's slot to the next in line, even when a call fails", async () => {
    const gate = createGate(1);
    const log: string[] = [];
    const job = (name: string, fail = false) =>
      gate(async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([job("a", true), job("b"), job("c")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("a request past its deadline gets the late answer at the deadline; the deadline covers a fetch and an engine answer", async () => {
    const never = new Promise<string>(() => {});
    const started = Date.now();
    expect(await withDeadline(never, 50, () => "late")).toBe("late");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await withDeadline(Promise.resolve("on time"), 50, () => "late")).toBe("on time");
    expect(requestDeadlineMs(parseConfig({ SKIM_FETCH_TIMEOUT_MS: "15000" }))).toBe(25_000);
    expect(requestDeadlineMs(parseConfig({ SKIM_FETCH_TIMEOUT_MS: "15000", SKIM_LLM_BASE_URL: "http://localhost:11434/v1", SKIM_LLM_MODEL: "m" }))).toBe(45_000);
  });
});
