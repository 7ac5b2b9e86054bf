import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LookupFn } from "../../src/fetch/index.js";
import { fetchFeed, resolveFeedUrl, type FeedFailure, type FeedFetch } from "../../src/feeds/index.js";
import type { Result } from "../../src/result.js";
import { fetchOptions } from "../support/fetchOptions.js";
import { startPageServer, type PageServer } from "../support/pageServer.js";

// Feeds are served from 127.0.0.1, so every fetch uses the documented opt-in for private hosts.
const local = (overrides: Parameters<typeof fetchOptions>[1] = {}) => fetchOptions(true, overrides);
const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url), "utf8");

const RSS = fixture("rss2.xml");
const ATOM = fixture("atom-relative.xml");
const JSON_FEED = fixture("jsonfeed.json");
const sitePage = (head: string) => `<!doctype html><html><head><title>Site</title>${head}</head><body><p>Welcome</p></body></html>`;

function send(res: ServerResponse, type: string, body: string, headers: Record<string, string> = {}) {
  res.writeHead(200, { "content-type": type, ...headers }).end(body);
}

function expectFetch(result: Result<FeedFetch, FeedFailure>): FeedFetch {
  if (!result.ok) throw new Error(`expected a feed, got ${JSON.stringify(result.reason)}`);
  return result.value;
}

function expectFailure(result: Result<FeedFetch | string, FeedFailure>): FeedFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value).slice(0, 200)}`);
  return result.reason;
}

let server: PageServer;
beforeAll(async () => {
  server = await startPageServer();
  server.route("/rss.xml", (_req, res) => send(res, "text/xml; charset=utf-8", RSS));
  server.route("/atom.xml", (_req, res) => send(res, "application/atom+xml", ATOM));
  server.route("/feed.json", (_req, res) => send(res, "application/feed+json", JSON_FEED));
  server.route("/feed.xml", (_req, res) => send(res, "application/rss+xml", RSS));
  server.route("/site/", (_req, res) =>
    send(res, "text/html; charset=utf-8", sitePage(`<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed.xml">`)),
  );
  server.route("/atom-site", (_req, res) =>
    send(res, "text/html", sitePage(`<link rel="alternate" type="application/atom+xml" href="sub/atom.xml">`)),
  );
  server.route("/sub/atom.xml", (_req, res) => send(res, "application/atom+xml", ATOM));
  server.route("/no-feed", (_req, res) => send(res, "text/html", sitePage(`<link rel="icon" href="/favicon.ico">`)));
  server.route("/links-to-html", (_req, res) =>
    send(res, "text/html", sitePage(`<link rel="alternate" type="application/rss+xml" href="/no-feed">`)),
  );
  server.route("/links-to-404", (_req, res) =>
    send(res, "text/html", sitePage(`<link rel="alternate" type="application/rss+xml" href="/missing.xml">`)),
  );
  server.route("/truncated.xml", (_req, res) => send(res, "application/rss+xml", RSS.slice(0, Math.floor(RSS.length / 2))));
  server.route("/octet.xml", (_req, res) => send(res, "application/octet-stream", RSS));
  server.route("/mislabelled.xml", (_req, res) => send(res, "text/html", RSS));
  server.route("/words.txt", (_req, res) => send(res, "text/plain", "just some words"));
  server.route("/other.json", (_req, res) => send(res, "application/json", `{"hello":"world"}`));

  // Conditional requests: a 304 when the validator matches.
  server.route("/etag.xml", (req, res) => {
    if (req.headers["if-none-match"] === '"v1"') {
      res.writeHead(304, { etag: '"v1"' }).end();
      return;
    }
    send(res, "application/rss+xml", RSS, { etag: '"v1"', "last-modified": "Wed, 08 Jan 2025 12:00:00 GMT" });
  });
  server.route("/modified.xml", (req, res) => {
    if (req.headers["if-modified-since"] === "Wed, 08 Jan 2025 12:00:00 GMT") {
      // No validators repeated: the ones the client sent still hold.
      res.writeHead(304).end();
      return;
    }
    send(res, "application/rss+xml", RSS, { "last-modified": "Wed, 08 Jan 2025 12:00:00 GMT" });
  });
  server.route("/etag-site", (_req, res) =>
    send(res, "text/html", sitePage(`<link rel="alternate" type="application/rss+xml" href="/etag.xml">`)),
  );
});
afterAll(async () => {
  await server.close();
});

describe("fetchFeed", () => {
  it("fetches an RSS feed served as text/xml, resolving relative links against its URL", async () => {
    const result = expectFetch(await fetchFeed(server.url("/rss.xml"), local()));
    expect(result).toMatchObject({ feedUrl: server.url("/rss.xml"), notModified: false, etag: null, lastModified: null });
    expect(result.feed?.title).toBe("Tom & Jerry’s Blog");
    expect(result.feed?.items.map((i) => i.url)).toEqual([
      server.url("/newest"),
      "https://blog.example.com/middle",
      "https://blog.example.com/older",
    ]);
    const accept = server.requestsTo("/rss.xml")[0]?.headers.accept ?? "";
    expect(accept).toContain("application/rss+xml");
    expect(accept).toContain("application/feed+json");
  });

  it("fetches Atom and JSON Feed", async () => {
    const atom = expectFetch(await fetchFeed(server.url("/atom.xml"), local()));
    expect(atom.feed?.items.map((i) => i.url)).toEqual([server.url("/second"), server.url("/posts/first")]);
    const json = expectFetch(await fetchFeed(server.url("/feed.json"), local()));
    expect(json.feed?.items.map((i) => i.key)).toEqual(["2", "3", "1"]);
  });

  it("finds the feed a site page links to (relative href) and fetches it", async () => {
    const before = server.requestsTo("/feed.xml").length;
    const result = expectFetch(await fetchFeed(server.url("/site/"), local()));
    expect(result.feedUrl).toBe(server.url("/feed.xml"));
    expect(result.feed?.items).toHaveLength(3);
    expect(server.requestsTo("/feed.xml")).toHaveLength(before + 1);

    const atom = expectFetch(await fetchFeed(server.url("/atom-site"), local()));
    expect(atom.feedUrl).toBe(server.url("/sub/atom.xml"));
    expect(atom.feed?.title).toBe("Relative links");
  });

  it("reports no-feed-found for a page without a feed link, or whose link leads to another page", async () => {
    expect(expectFailure(await fetchFeed(server.url("/no-feed"), local()))).toEqual({ kind: "no-feed-found" });
    expect(expectFailure(await fetchFeed(server.url("/links-to-html"), local()))).toEqual({ kind: "no-feed-found" });
  });

  it("passes the fetcher's failure through when the linked feed fails", async () => {
    expect(expectFailure(await fetchFeed(server.url("/links-to-404"), local()))).toEqual({ kind: "http-status", status: 404 });
  });

  it("reports a truncated feed as malformed", async () => {
    expect(expectFailure(await fetchFeed(server.url("/truncated.xml"), local()))).toMatchObject({ kind: "malformed" });
  });

  it("reports other documents as not-a-feed", async () => {
    expect(expectFailure(await fetchFeed(server.url("/words.txt"), local()))).toEqual({ kind: "not-a-feed" });
    expect(expectFailure(await fetchFeed(server.url("/other.json"), local()))).toEqual({ kind: "not-a-feed" });
  });

  it("reads a feed mislabelled as text/html as the feed it is", async () => {
    const result = expectFetch(await fetchFeed(server.url("/mislabelled.xml"), local()));
    expect(result.feedUrl).toBe(server.url("/mislabelled.xml"));
    expect(result.feed?.items).toHaveLength(3);
  });

  it("leaves types the fetcher refuses refused: application/octet-stream is unsupported-type", async () => {
    expect(expectFailure(await fetchFeed(server.url("/octet.xml"), local()))).toEqual({
      kind: "unsupported-type",
      contentType: "application/octet-stream",
    });
  });

  it("round-trips ETag and Last-Modified: the second fetch is a 304 with no feed", async () => {
    const first = expectFetch(await fetchFeed(server.url("/etag.xml"), local()));
    expect(first).toMatchObject({ etag: '"v1"', lastModified: "Wed, 08 Jan 2025 12:00:00 GMT", notModified: false });
    expect(first.feed?.items).toHaveLength(3);

    const second = expectFetch(await fetchFeed(server.url("/etag.xml"), { ...local(), etag: first.etag, lastModified: first.lastModified }));
    expect(second).toEqual({
      feedUrl: server.url("/etag.xml"),
      feed: null,
      etag: '"v1"',
      lastModified: "Wed, 08 Jan 2025 12:00:00 GMT",
      notModified: true,
    });
    const sent = server.requestsTo("/etag.xml").at(-1)?.headers;
    expect(sent?.["if-none-match"]).toBe('"v1"');
    expect(sent?.["if-modified-since"]).toBe("Wed, 08 Jan 2025 12:00:00 GMT");
  });

  it("keeps the validators it sent when a 304 does not repeat them", async () => {
    const first = expectFetch(await fetchFeed(server.url("/modified.xml"), local()));
    expect(first).toMatchObject({ etag: null, lastModified: "Wed, 08 Jan 2025 12:00:00 GMT" });
    const second = expectFetch(await fetchFeed(server.url("/modified.xml"), { ...local(), etag: null, lastModified: first.lastModified }));
    expect(second).toMatchObject({ notModified: true, feed: null, etag: null, lastModified: "Wed, 08 Jan 2025 12:00:00 GMT" });
    expect(server.requestsTo("/modified.xml").at(-1)?.headers["if-none-match"]).toBeUndefined();
  });

  it("sends the validators on the hop from a site page to its feed", async () => {
    const first = expectFetch(await fetchFeed(server.url("/etag-site"), local()));
    expect(first).toMatchObject({ feedUrl: server.url("/etag.xml"), etag: '"v1"' });
    const second = expectFetch(await fetchFeed(server.url("/etag-site"), { ...local(), etag: first.etag }));
    expect(second).toMatchObject({ feedUrl: server.url("/etag.xml"), notModified: true, feed: null });
  });
});

describe("resolveFeedUrl", () => {
  it("returns the URL itself for a feed, and the linked feed for a site page", async () => {
    expect(await resolveFeedUrl(server.url("/rss.xml"), local())).toEqual({ ok: true, value: server.url("/rss.xml") });
    expect(await resolveFeedUrl(server.url("/site/"), local())).toEqual({ ok: true, value: server.url("/feed.xml") });
  });

  it("fails with no-feed-found, malformed or the fetcher's failure", async () => {
    expect(expectFailure(await resolveFeedUrl(server.url("/no-feed"), local()))).toEqual({ kind: "no-feed-found" });
    expect(expectFailure(await resolveFeedUrl(server.url("/truncated.xml"), local()))).toMatchObject({ kind: "malformed" });
    expect(expectFailure(await resolveFeedUrl(server.url("/nothing-here"), local()))).toEqual({ kind: "http-status", status: 404 });
  });

  it("ignores validators a caller left in the options: it always reads the feed", async () => {
    const resolved = await resolveFeedUrl(server.url("/etag.xml"), local({ ifNoneMatch: '"v1"' }));
    expect(resolved).toEqual({ ok: true, value: server.url("/etag.xml") });
  });
});

describe("the hop to a discovered feed goes through the address checks", () => {
  // The site is reached by name on 127.0.0.1, which the policy admits; its feed link points at
  // 127.0.0.2, which it refuses (standing in for an intranet address).
  let front: PageServer;
  let internal: PageServer;
  const onlyFront = (ip: string) => ip === "127.0.0.1";
  const names: LookupFn = (hostname, _options, callback) => {
    if (hostname === "site.test") callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" }), []);
  };

  beforeAll(async () => {
    front = await startPageServer({ host: "127.0.0.1" });
    internal = await startPageServer({ host: "127.0.0.2" });
    internal.route("*", (_req, res) => send(res, "application/rss+xml", RSS));
    front.route("/", (_req, res) =>
      send(res, "text/html", sitePage(`<link rel="alternate" type="application/rss+xml" href="http://127.0.0.2:${internal.port}/feed.xml">`)),
    );
  });
  afterAll(async () => {
    await front.close();
    await internal.close();
  });

  it("refuses a feed link to a blocked address, and nothing reaches it", async () => {
    const strict = fetchOptions(false, { addressPolicy: onlyFront, lookup: names, connectTimeoutMs: 300 });
    const reason = expectFailure(await fetchFeed(`http://site.test:${front.port}/`, strict));
    expect(reason).toEqual({ kind: "blocked-address", host: "127.0.0.2", address: "127.0.0.2" });
    expect(front.requestsTo("/")).toHaveLength(1);
    expect(internal.requests).toHaveLength(0);
  });
});
