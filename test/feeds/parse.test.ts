import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_FEED_CHARS, MAX_ITEMS, parseFeed, type Feed, type FeedError } from "../../src/feeds/index.js";
import type { Result } from "../../src/result.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), "utf8");

function expectFeed(result: Result<Feed, FeedError>): Feed {
  if (!result.ok) throw new Error(`expected a feed, got ${JSON.stringify(result.reason)}`);
  return result.value;
}

function expectError(result: Result<Feed, FeedError>): FeedError {
  if (result.ok) throw new Error(`expected a failure, got a feed titled ${JSON.stringify(result.value.title)}`);
  return result.reason;
}

const rss = (items: string, channel = "<title>T</title>") =>
  `<?xml version="1.0"?><rss version="2.0"><channel>${channel}${items}</channel></rss>`;

describe("RSS 2.0", () => {
  const feed = expectFeed(parseFeed(fixture("rss2.xml"), "application/rss+xml", "https://blog.example.com/feed.xml"));

  it("reads the channel, decoding entities in its title", () => {
    expect(feed.title).toBe("Tom & Jerry’s Blog");
    expect(feed.siteUrl).toBe("https://blog.example.com/");
  });

  it("orders items newest first and keeps one item per guid", () => {
    expect(feed.items.map((i) => i.key)).toEqual(["post-3", "https://blog.example.com/middle", "post-1"]);
    expect(feed.items.map((i) => i.publishedAt)).toEqual([
      "2025-01-08T12:00:00.000Z",
      "2025-01-07T08:00:00.000Z",
      "2025-01-06T08:30:00.000Z",
    ]);
  });

  it("reads content:encoded when there is no description, resolving relative links against the feed URL", () => {
    expect(feed.items[0]).toEqual({
      key: "post-3",
      url: "https://blog.example.com/newest",
      title: "Newest post – it’s here",
      summary: "Heading Body text with spaces & an entity.",
      publishedAt: "2025-01-08T12:00:00.000Z",
    });
  });

  it("takes a permalink guid as the link, and strips escaped HTML from a description", () => {
    expect(feed.items[1]).toMatchObject({
      url: "https://blog.example.com/middle",
      title: "Middle post",
      summary: "Escaped HTML summary & more",
    });
  });

  it("keeps CDATA as written (the first of duplicates wins) and drops scripts from summaries", () => {
    expect(feed.items[2]).toEqual({
      key: "post-1",
      url: "https://blog.example.com/older",
      title: "Older post: <cheese> & crackers",
      summary: "The first post ever. Second—paragraph.",
      publishedAt: "2025-01-06T08:30:00.000Z",
    });
  });

  it("keys an item without a link by its guid, and a non-permalink guid is not a URL", () => {
    const f = expectFeed(parseFeed(rss(`<item><title>No link</title><guid isPermaLink="false">https://x.example/not-a-link</guid></item>`)));
    expect(f.items).toEqual([{ key: "https://x.example/not-a-link", url: null, title: "No link", summary: null, publishedAt: null }]);
  });

  it("decodes entities in titles: predefined, numeric, hex, HTML names, double-escaped", () => {
    const f = expectFeed(
      parseFeed(
        rss(
          `<item><guid>a</guid><title>AT&amp;T &#8217;quotes&#x2019; &lt;tag&gt; caf&eacute; &amp;amp; &#146;</title></item>` +
            `<item><guid>b</guid><title><![CDATA[Fish &amp; Chips]]></title></item>`,
        ),
      ),
    );
    expect(f.items.map((i) => i.title)).toEqual(["AT&T ’quotes’ <tag> café & ’", "Fish & Chips"]);
  });

  it("reads an empty root closed on itself as an empty feed", () => {
    expect(expectFeed(parseFeed(`<?xml version="1.0"?>\n<rss version="2.0"/>\n<!-- done -->\n`))).toEqual({ title: null, siteUrl: null, items: [] });
  });

  it("reads RSS 0.91 with a DOCTYPE", () => {
    const body = `<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>http://old.example/</link><item><title>One</title><link>http://old.example/1</link></item></channel></rss>`;
    const f = expectFeed(parseFeed(body));
    expect(f).toMatchObject({ title: "Old", siteUrl: "http://old.example/", items: [{ key: "http://old.example/1", title: "One" }] });
  });

  it("takes an Atom-style <link href> written into RSS", () => {
    const f = expectFeed(parseFeed(rss(`<item><guid>a</guid><link href="/post"/></item>`), undefined, "https://x.example/feed"));
    expect(f.items[0]?.url).toBe("https://x.example/post");
  });

  it("drops links that are not http(s) and relative links with nothing to resolve against", () => {
    const f = expectFeed(
      parseFeed(rss(`<item><guid>a</guid><link>javascript:alert(1)</link></item><item><guid>b</guid><link>/relative</link></item>`)),
    );
    expect(f.items.map((i) => i.url)).toEqual([null, null]);
  });

  it("keys items with neither guid nor link by a hash of title and date, stable across parses", () => {
    const body = rss(
      `<item><title>Same</title><pubDate>Mon, 06 Jan 2025 09:30:00 GMT</pubDate></item>` +
        `<item><title>Same</title><pubDate>Mon, 06 Jan 2025 09:30:00 GMT</pubDate></item>` +
        `<item><title>Same</title><pubDate>Tue, 07 Jan 2025 09:30:00 GMT</pubDate></item><item></item>`,
    );
    const a = expectFeed(parseFeed(body));
    const b = expectFeed(parseFeed(body));
    expect(a.items).toHaveLength(2);
    expect(a.items.map((i) => i.key)).toEqual(b.items.map((i) => i.key));
    expect(a.items[0]?.key).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(a.items[0]?.key).not.toBe(a.items[1]?.key);
  });

  it("keeps feed order for undated items, after dated ones", () => {
    const f = expectFeed(
      parseFeed(
        rss(
          `<item><guid>u1</guid></item><item><guid>d1</guid><pubDate>Mon, 06 Jan 2025 09:30:00 GMT</pubDate></item>` +
            `<item><guid>u2</guid><pubDate>not a date</pubDate></item><item><guid>d2</guid><pubDate>Tue, 07 Jan 2025 09:30:00 EST</pubDate></item>`,
        ),
      ),
    );
    expect(f.items.map((i) => i.key)).toEqual(["d2", "d1", "u1", "u2"]);
    expect(f.items[0]?.publishedAt).toBe("2025-01-07T14:30:00.000Z");
  });

  it("clips summaries to 1,000 characters at a word", () => {
    const long = "word ".repeat(1_000);
    const f = expectFeed(parseFeed(rss(`<item><guid>a</guid><description>${long}</description></item>`)));
    const summary = f.items[0]?.summary ?? "";
    expect(summary.length).toBeLessThanOrEqual(1_000);
    expect(summary.endsWith("word…")).toBe(true);
  });
});

describe("Atom", () => {
  it("follows xml:base, prefers rel=alternate, and reads text constructs of every type", () => {
    const feed = expectFeed(parseFeed(fixture("atom.xml"), "application/atom+xml", "https://atom.example.org/feeds/atom.xml"));
    expect(feed.title).toBe("Atom & Eve’s notes");
    expect(feed.siteUrl).toBe("https://atom.example.org/blog/");
    expect(feed.items).toEqual([
      {
        key: "tag:atom.example.org,2025:3",
        url: null,
        title: "No alternate link",
        summary: "Escaped HTML content",
        publishedAt: "2025-02-04T09:00:00.000Z",
      },
      {
        key: "tag:atom.example.org,2025:2",
        url: "https://atom.example.org/other/two.html",
        title: "An XHTML title",
        summary: "Some XHTML content & more.",
        publishedAt: "2025-02-02T09:00:00.000Z",
      },
      {
        key: "tag:atom.example.org,2025:1",
        url: "https://atom.example.org/blog/posts/one",
        title: "Relative via xml:base",
        summary: "Plain <summary> text",
        // published wins over updated
        publishedAt: "2025-02-01T08:00:00.000Z",
      },
    ]);
  });

  it("resolves relative links against the feed URL when there is no xml:base", () => {
    const feed = expectFeed(parseFeed(fixture("atom-relative.xml"), undefined, "http://127.0.0.1:8080/sub/atom.xml"));
    expect(feed.siteUrl).toBe("http://127.0.0.1:8080/");
    expect(feed.items.map((i) => [i.url, i.summary])).toEqual([
      ["http://127.0.0.1:8080/sub/second", null],
      ["http://127.0.0.1:8080/posts/first", "CDATA html content"],
    ]);
  });

  it("reads a prefixed Atom document", () => {
    const body = `<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>P</a:title><a:entry><a:id>x</a:id><a:title type="html">&lt;b&gt;Bold&lt;/b&gt;</a:title><a:link href="https://p.example/x"/><a:updated>2025-01-01T00:00:00Z</a:updated></a:entry></a:feed>`;
    expect(expectFeed(parseFeed(body)).items).toEqual([
      { key: "x", url: "https://p.example/x", title: "Bold", summary: null, publishedAt: "2025-01-01T00:00:00.000Z" },
    ]);
  });
});

describe("JSON Feed", () => {
  it("reads version 1.1: summary, then content_text, then content_html", () => {
    const feed = expectFeed(parseFeed(fixture("jsonfeed.json"), "application/feed+json", "https://json.example.net/feed.json"));
    expect(feed.title).toBe("JSON & Friends");
    expect(feed.siteUrl).toBe("https://json.example.net/");
    expect(feed.items).toEqual([
      { key: "2", url: "https://json.example.net/2", title: "With HTML only", summary: "Hello world…", publishedAt: "2025-04-03T08:00:00.000Z" },
      { key: "3", url: null, title: null, summary: "A micro post with no title and no link.", publishedAt: "2025-04-02T08:00:00.000Z" },
      { key: "1", url: "https://json.example.net/1", title: "With summary", summary: "A short summary.", publishedAt: "2025-04-01T16:00:00.000Z" },
    ]);
  });

  it("is told apart from other JSON, and broken JSON claiming to be a feed is malformed", () => {
    expect(expectError(parseFeed(`{"version": 2, "items": []}`, "application/json"))).toEqual({ kind: "not-a-feed" });
    expect(expectError(parseFeed(`{"hello": "world"}`))).toEqual({ kind: "not-a-feed" });
    expect(expectError(parseFeed(`{"version": "https://jsonfeed.org/version/1.1", "items": [`, "application/feed+json"))).toMatchObject({
      kind: "malformed",
    });
    expect(expectError(parseFeed(`{"version": "https://jsonfeed.org/version/1.1"}`))).toMatchObject({ kind: "malformed" });
  });
});

describe("RSS 1.0 (RDF)", () => {
  it("reads items beside the channel, keyed by rdf:about", () => {
    const feed = expectFeed(parseFeed(fixture("rdf.xml"), "application/rdf+xml"));
    expect(feed).toEqual({
      title: "RDF Site",
      siteUrl: "https://rdf.example.com/",
      items: [
        { key: "https://rdf.example.com/b", url: "https://rdf.example.com/b", title: "Item B", summary: null, publishedAt: "2024-12-02T10:00:00.000Z" },
        { key: "https://rdf.example.com/a", url: "https://rdf.example.com/a", title: "Item A", summary: "About A", publishedAt: "2024-12-01T10:00:00.000Z" },
      ],
    });
  });
});

describe("what is not a feed, or a broken one", () => {
  it("an HTML page, plain text and an empty body are not feeds", () => {
    expect(expectError(parseFeed("<!doctype html><html><head><title>x</title></head></html>", "text/html"))).toEqual({ kind: "not-a-feed" });
    expect(expectError(parseFeed("just words"))).toEqual({ kind: "not-a-feed" });
    expect(expectError(parseFeed(""))).toEqual({ kind: "not-a-feed" });
    expect(expectError(parseFeed(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`))).toEqual({ kind: "not-a-feed" });
  });

  it("a truncated document is malformed", () => {
    const full = fixture("rss2.xml");
    for (const cut of [0.3, 0.6, 0.95]) {
      expect(expectError(parseFeed(full.slice(0, Math.floor(full.length * cut))))).toMatchObject({ kind: "malformed" });
    }
    expect(expectError(parseFeed(fixture("atom.xml").slice(0, 900)))).toMatchObject({ kind: "malformed" });
  });

  it("broken markup inside is malformed, not thrown", () => {
    expect(expectError(parseFeed(rss(`<item><title a="1 b=2>x</title></item>`)))).toMatchObject({ kind: "malformed" });
    expect(expectError(parseFeed(rss(`<item><title><![CDATA[never closed</title></item>`)))).toMatchObject({ kind: "malformed" });
    expect(expectError(parseFeed(rss(`<item><__proto__>x</__proto__></item>`)))).toMatchObject({ kind: "malformed" });
  });

  it("deep nesting is refused quickly", () => {
    const body = rss(`<item>${"<x>".repeat(50_000)}${"</x>".repeat(50_000)}</item>`);
    const start = performance.now();
    expect(expectError(parseFeed(body))).toMatchObject({ kind: "malformed" });
    expect(performance.now() - start).toBeLessThan(1_000);
  });

  it("refuses bodies over the size cap unread", () => {
    const body = rss(`<item><description>${"x".repeat(MAX_FEED_CHARS)}</description></item>`);
    expect(expectError(parseFeed(body))).toMatchObject({ kind: "malformed" });
  });

  it("billion laughs: declared entities are never expanded", () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`).join("");
    const body = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${levels}]>
<rss version="2.0"><channel><title>&lol9;</title><item><guid>a</guid><title>&lol9; &lol;</title><description>&lol9;</description></item></channel></rss>`;
    const start = performance.now();
    const feed = expectFeed(parseFeed(body));
    expect(performance.now() - start).toBeLessThan(500);
    expect(feed.title).toBe("&lol9;");
    expect(feed.items[0]).toMatchObject({ title: "&lol9; &lol;", summary: "&lol9;" });
  });

  it("external entities are refused, never fetched or read", () => {
    const body = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss><channel><title>&xxe;</title></channel></rss>`;
    expect(expectError(parseFeed(body))).toMatchObject({ kind: "malformed" });
  });
});

describe("size", () => {
  const dated = (n: number) => {
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      // Shuffled dates: item i is (i * 37 mod n) minutes after the epoch of the test.
      const minutes = (i * 37) % n;
      const date = new Date(Date.UTC(2025, 0, 1) + minutes * 60_000).toUTCString();
      items.push(`<item><title>Item ${i} &amp; co</title><link>https://big.example/${i}</link><pubDate>${date}</pubDate><description><![CDATA[<p>Body of <b>item</b> ${i}.</p>]]></description></item>`);
    }
    return rss(items.join("\n"));
  };

  it("parses a 500-item feed whole, newest first, keys unique, quickly", () => {
    const body = dated(500);
    const start = performance.now();
    const feed = expectFeed(parseFeed(body, "application/rss+xml"));
    const ms = performance.now() - start;
    expect(feed.items).toHaveLength(500);
    expect(new Set(feed.items.map((i) => i.key)).size).toBe(500);
    const times = feed.items.map((i) => Date.parse(i.publishedAt ?? ""));
    expect(times.every((t, i) => i === 0 || t <= (times[i - 1] ?? Infinity))).toBe(true);
    expect(feed.items[0]?.summary).toMatch(/^Body of item \d+\.$/);
    expect(ms).toBeLessThan(1_000);
  });

  it("reads at most MAX_ITEMS items", () => {
    expect(expectFeed(parseFeed(dated(MAX_ITEMS + 200))).items).toHaveLength(MAX_ITEMS);
  });
});

describe("dates", () => {
  const dateOf = (raw: string) => expectFeed(parseFeed(rss(`<item><guid>a</guid><pubDate>${raw}</pubDate></item>`))).items[0]?.publishedAt;

  it.each([
    ["Wed, 08 Jan 2025 12:00:00 GMT", "2025-01-08T12:00:00.000Z"],
    ["Wed, 8 Jan 2025 12:00:00 +0200", "2025-01-08T10:00:00.000Z"],
    ["8 Jan 25 12:00 PDT", "2025-01-08T19:00:00.000Z"],
    ["Wed, 08 January 2025 12:00:00 CEST", "2025-01-08T10:00:00.000Z"],
    ["2025-01-08T12:00:00.123+05:30", "2025-01-08T06:30:00.123Z"],
    ["2025-01-08", "2025-01-08T00:00:00.000Z"],
    ["2025-01-08 12:00:00", "2025-01-08T12:00:00.000Z"],
    ["yesterday", undefined],
    ["Wed, 08 Foo 2025 12:00:00 GMT", undefined],
  ])("%s", (raw, iso) => {
    expect(dateOf(raw) ?? undefined).toBe(iso);
  });
});
