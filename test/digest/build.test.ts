import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../config/index.js";
import { createArticleReader } from "../../src/articles.js";
import { buildDigest } from "../../src/digest/build.js";
import { createLogger } from "../../src/log.js";
import { openSqliteStore } from "../../src/store/index.js";
import type { Store, Subscription } from "../../src/store/types.js";
import { articlePage } from "../support/articles.js";
import { startPageServer, type PageServer } from "../support/pageServer.js";

let server: PageServer;
let base = "";
let store: Store;
const log = createLogger("silent");
const fetchOptions = { ...parseConfig({}).fetch, allowPrivateHosts: true };

const bigFeed = (b: string, n: number) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>${Array.from(
    { length: n },
    (_, i) => `<item><title>Item ${i}</title><guid>g${i}</guid><link>${b}/story/${i}</link><pubDate>${new Date(Date.UTC(2026, 0, 1) + i * 60_000).toUTCString()}</pubDate><description>Item ${i} says enough on its own: a full sentence of news about the item, long enough to be summarized without reading the page.</description></item>`,
  ).join("")}</channel></rss>`;

beforeAll(async () => {
  server = await startPageServer({ host: "127.0.0.1" });
  base = server.url("").replace(/\/$/, "");
  server.route("/big.xml", (_q, res) => res.writeHead(200, { "content-type": "application/rss+xml" }).end(bigFeed(base, 500)));
  server.route("/broken.xml", (_q, res) => res.writeHead(200, { "content-type": "application/rss+xml" }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Br`));
  server.route("*", (req, res) => res.writeHead(200, { "content-type": "text/html" }).end(articlePage(`Story ${req.url}`)));
  store = await openSqliteStore(":memory:");
});
afterAll(async () => {
  await store.close();
  await server.close();
});

const subscribe = (feedUrl: string): Promise<Subscription> =>
  store.addSubscription({ chatKey: "console:console", kind: "feed", source: feedUrl, feedUrl, time: "09:00", timezone: "UTC", createdAt: 0 });

describe("buildDigest", () => {
  const deps = () => ({ store, readArticle: createArticleReader({ fetchOptions, log }), fetchOptions, log, maxItems: 10 });

  it("caps a 500-item feed at ten, newest first, says how many more, and sends only new items next time", async () => {
    const sub = await subscribe(`${base}/big.xml`);
    const first = await buildDigest(sub, "2026-01-02", Date.now(), false, deps());
    expect(first.digest.items.map((i) => i.title)).toEqual(Array.from({ length: 10 }, (_, i) => `Item ${499 - i}`));
    expect(first.digest.more).toBe(490);
    expect(first.digest.items[0]!.summary).toMatch(/Item 499 says enough/);
    const preview = await buildDigest(sub, "2026-01-02", Date.now(), true, deps());
    expect(preview.digest.items).toHaveLength(10); // a preview uses nothing up
    await first.commit();
    const next = await buildDigest((await store.listSubscriptions("console:console")).find((s) => s.id === sub.id)!, "2026-01-03", Date.now(), false, deps());
    expect(next.digest.items).toEqual([]);
    expect(next.digest.more).toBe(0);
  });

  it("has each item summarized by the chat's engine, two sentences at a time, within the chat's budget", async () => {
    const sub = await subscribe(`${base}/big.xml`);
    const seen: { chatKey: string; sentences?: number }[] = [];
    const summarize = async (input: { text: string }, request: { chatKey: string; sentences?: number }) => {
      seen.push(request);
      return { title: null, url: null, siteName: null, byline: null, publishedAt: null, lang: "en", readingMinutes: 1, bullets: [`Engine: ${input.text.slice(0, 12)}`], keywords: [], engine: "llm" as const };
    };
    const built = await buildDigest(sub, "2026-01-02", Date.now(), true, { ...deps(), summarize });
    expect(seen).toHaveLength(10);
    expect(seen.every((r) => r.chatKey === "console:console" && r.sentences === 2)).toBe(true);
    expect(built.digest.items[0]!.summary).toBe("Engine: Item 499 say");
  });

  it("reports a broken feed in the digest instead of dropping it", async () => {
    const sub = await subscribe(`${base}/broken.xml`);
    const built = await buildDigest(sub, "2026-01-02", Date.now(), false, deps());
    expect(built.digest.error).toMatchObject({ kind: "malformed" });
    expect(built.digest.items).toEqual([]);
  });
});
