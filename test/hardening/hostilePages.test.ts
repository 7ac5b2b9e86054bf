import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArticleReader } from "../../src/articles.js";
import { handleMessage, type HandlerDeps } from "../../src/handler.js";
import { createLogger } from "../../src/log.js";
import { createRateLimiter } from "../../src/rateLimit.js";
import { renderReply } from "../../src/render/reply.js";
import { createMemorySettings } from "../../src/settings.js";
import { MAX_BULLET_CHARS } from "../../src/summarize/index.js";
import type { FailReason, Incoming, Reply } from "../../src/types.js";
import { fetchOptions } from "../support/fetchOptions.js";
import { checkMessage } from "../support/markup.js";
import { startPageServer, type PageServer } from "../support/pageServer.js";

/**
 * Pages built to hurt a parser, served from 127.0.0.1 and read the way a chat message reads them:
 * the real fetcher, extractor, summarizer and renderers. Each ends in a digest or a friendly
 * refusal within a generous bound, and the replies are well-formed on every platform.
 */

const STORY =
  "The river rose overnight and flooded the lower town. The council met at dawn and agreed on a plan to open the shelters. Residents were told to stay away from the old bridge until engineers had checked it.";
const BOUND_MS = 10_000;

type Page = { body: string | Buffer; contentType?: string };

const wrap = (body: string, head = "") => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hostile</title>${head}</head><body>${body}</body></html>`;
const words = (n: number) => Array.from({ length: n }, (_, i) => ["river", "council", "bridge", "market", "winter"][i % 5]).join(" ");

const PAGES: Record<string, () => Page> = {
  "nesting 50,000 deep": () => ({ body: wrap(`${"<div>".repeat(50_000)}<p>${STORY}</p>${"</div>".repeat(50_000)}`) }),
  "30,000 unclosed tags": () => ({ body: wrap(`${"<div><span><b>".repeat(10_000)}<p>${STORY}`) }),
  "30,000 unclosed paragraphs and list items": () => ({ body: wrap(`<article>${`<p>${STORY}<li>`.repeat(15_000)}</article>`) }),
  "a 3 MB line without punctuation": () => ({ body: wrap(`<article><p>${words(500_000)}</p></article>`) }),
  "100,000 links": () => ({ body: wrap(`<ul>${Array.from({ length: 100_000 }, (_, i) => `<li><a href="/l/${i}">Link ${i}</a></li>`).join("")}</ul>`) }),
  "3 MB attributes": () => ({ body: wrap(`<div data-state="${"x".repeat(3_000_000)}" class="${"a ".repeat(500_000)}"><article><p>${STORY}</p></article></div>`) }),
  "invalid UTF-8": () => ({
    body: Buffer.concat([Buffer.from(wrap("<article><p>").replace("</body></html>", "")), Buffer.from(STORY.replace(/\. /g, ". \xff\xfe ") , "latin1"), Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from("</p></article></body></html>")]),
  }),
  "a charset header that lies": () => ({ body: Buffer.from(wrap(`<article><p>In Zürich, ${STORY.charAt(0).toLowerCase()}${STORY.slice(1)}</p></article>`)), contentType: "text/html; charset=iso-8859-1" }),
  "binary noise served as text/html": () => ({ body: randomBytes(200_000), contentType: "text/html" }),
  "an empty body": () => ({ body: "" }),
  "only a script": () => ({ body: wrap(`<div id="root"></div><script>${"window.app = (function(){ return [1,2,3].map(function(x){ return x * 2; }); })();\n".repeat(5_000)}</script><noscript>You need to enable JavaScript to run this app.</noscript>`) }),
  "a megabyte of entities": () => ({ body: wrap(`<article><p>${STORY}</p><p>${"&amp;&#x41;&nbsp;&bogus;&#xD800;".repeat(40_000)}</p></article>`) }),
};

/** What each page must end in: a digest with the story, with bounded bullets, or a refusal of this kind. */
const EXPECTED: Record<string, { digest: true; contains?: string } | { refused: FailReason["kind"] }> = {
  "nesting 50,000 deep": { digest: true, contains: "The river rose overnight" },
  "30,000 unclosed tags": { digest: true, contains: "The river rose overnight" },
  "30,000 unclosed paragraphs and list items": { digest: true, contains: "The river rose overnight" },
  "a 3 MB line without punctuation": { digest: true },
  "100,000 links": { refused: "not-article" },
  "3 MB attributes": { digest: true, contains: "The river rose overnight" },
  "invalid UTF-8": { digest: true, contains: "The council met at dawn" },
  "a charset header that lies": { digest: true, contains: "Zürich" },
  "binary noise served as text/html": { refused: "unsupported-type" },
  "an empty body": { refused: "not-article" },
  "only a script": { refused: "not-article" },
  "a megabyte of entities": { digest: true, contains: "The river rose overnight" },
};

let server: PageServer;
let deps: HandlerDeps;

beforeAll(async () => {
  server = await startPageServer({ host: "127.0.0.1" });
  for (const [name, make] of Object.entries(PAGES)) {
    const page = make();
    server.route(`/${encodeURIComponent(name)}`, (_req, res) => res.writeHead(200, { "content-type": page.contentType ?? "text/html; charset=utf-8" }).end(page.body));
  }
  const log = createLogger("silent");
  // Larger pages than the defaults allow arrive whole: the cap is the fetcher's own test.
  const readArticle = createArticleReader({ fetchOptions: fetchOptions(true, { totalTimeoutMs: BOUND_MS, maxBytes: 20_000_000 }), log });
  deps = { readArticle, settings: createMemorySettings(), rateLimiter: createRateLimiter(), log };
});
afterAll(() => server.close());

const message = (text: string, n: number): Incoming => ({
  platform: "telegram",
  chatId: String(n),
  chatKind: "private",
  messageId: String(n),
  userId: String(n),
  fromBot: false,
  edited: false,
  text,
});

function checkRendered(reply: Reply): void {
  for (const target of ["telegram", "discord", "plain"] as const) {
    const messages = renderReply(reply, target, { textFragments: true });
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) checkMessage(m, target);
  }
}

describe("hostile pages, read as a chat message reads them", () => {
  it.each(Object.keys(PAGES).map((name, i) => [name, i] as const))("%s: a digest or a friendly refusal, in bounded time", async (name, i) => {
    const started = performance.now();
    const reply = await handleMessage(message(`look ${server.url(`/${encodeURIComponent(name)}`)}`, i), { isAdmin: async () => false }, deps);
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
    expect(reply.kind).toBe("digests");
    if (reply.kind !== "digests") return;
    const [item] = reply.items;
    const expected = EXPECTED[name]!;
    if ("refused" in expected) {
      expect(item && "reason" in item ? item.reason.kind : "a digest").toBe(expected.refused);
    } else {
      expect(item && "digest" in item, item && "reason" in item ? JSON.stringify(item.reason) : "").toBe(true);
      if (!item || !("digest" in item)) return;
      expect(item.digest.bullets.length).toBeGreaterThan(0);
      for (const b of item.digest.bullets) expect(b.length).toBeLessThanOrEqual(MAX_BULLET_CHARS);
      if (expected.contains) expect(item.digest.bullets.join(" ")).toContain(expected.contains);
    }
    checkRendered(reply);
  });
});
