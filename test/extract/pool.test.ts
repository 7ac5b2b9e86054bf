import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { extractArticle } from "../../src/extract/index.js";
import { createExtractPool } from "../../src/extract/pool.js";
import { createLogger } from "../../src/log.js";

/**
 * The extractor in worker threads: the same articles as in this thread, and a page that outlives
 * the deadline or the worker's heap refused alone, with the pool still serving the next page.
 * The workers run the compiled script (`dist/`, built by `npm test` before vitest runs).
 */
const workerUrl = pathToFileURL(join(import.meta.dirname, "../../dist/src/extract/worker.js"));
const log = createLogger("silent");

const story = (n: number) =>
  `<html lang="en"><head><title>Story ${n}</title></head><body><nav><a href="/">Home</a></nav><article>${"<p>The council approved the budget on Tuesday after a long debate about schools and roads.</p>".repeat(4)}<p>Number ${n}.</p></article></body></html>`;
const links = (n: number) => `<html><body><ul>${Array.from({ length: n }, (_, i) => `<li><a href="/l/${i}">Link ${i}</a></li>`).join("")}</ul></body></html>`;

describe("the extract pool", () => {
  it("gives the articles this thread gives, for many pages at once, in any order of finishing", async () => {
    expect(existsSync(workerUrl), "build first (npm test does): the workers run dist/").toBe(true);
    const pool = createExtractPool({ workers: 2, log, workerUrl });
    try {
      const inputs = Array.from({ length: 20 }, (_, n) => ({ body: story(n), url: `https://news.example/${n}` }));
      const results = await Promise.all(inputs.map((input) => pool.extract(input)));
      expect(results).toEqual(inputs.map((input) => ({ ok: true, value: extractArticle(input) })));
      // Bytes arrive whole too.
      const bytes = await pool.extract({ body: new TextEncoder().encode(story(99)), url: "https://news.example/99" });
      expect(bytes.ok && bytes.value.text).toContain("Number 99.");
    } finally {
      await pool.close();
    }
  });

  it("refuses a page that outlives the deadline, and serves the next one", async () => {
    const pool = createExtractPool({ workers: 1, log, workerUrl, timeoutMs: 400 });
    try {
      const [slow, next] = await Promise.all([pool.extract({ body: links(300_000) }), pool.extract({ body: story(1) })]);
      expect(slow).toEqual({ ok: false, reason: { kind: "too-complex" } });
      expect(next.ok && next.value.title).toBe("Story 1");
    } finally {
      await pool.close();
    }
  });

  it("refuses a page that outgrows the worker's heap, and serves the next one", async () => {
    const pool = createExtractPool({ workers: 1, log, workerUrl, heapMb: 24 });
    try {
      const big = await pool.extract({ body: links(100_000) });
      expect(big).toEqual({ ok: false, reason: { kind: "too-complex" } });
      const next = await pool.extract({ body: story(2) });
      expect(next.ok && next.value.title).toBe("Story 2");
    } finally {
      await pool.close();
    }
  });

  it("replaces a worker after its share of pages, and one left idle after work, without losing a page", async () => {
    const pool = createExtractPool({ workers: 1, log, workerUrl, recycleAfterJobs: 3, recycleIdleMs: 300 });
    try {
      const first = pool.threadIds();
      const results = await Promise.all(Array.from({ length: 7 }, (_, n) => pool.extract({ body: story(n) })));
      expect(results.map((r) => r.ok && r.value.title)).toEqual(Array.from({ length: 7 }, (_, n) => `Story ${n}`));
      const afterSeven = pool.threadIds();
      expect(afterSeven[0]).not.toBe(first[0]);
      await new Promise((r) => setTimeout(r, 800));
      expect(pool.threadIds()[0]).not.toBe(afterSeven[0]);
      expect((await pool.extract({ body: story(8) })).ok).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("answers what is still queued when it closes, and refuses work after", async () => {
    const pool = createExtractPool({ workers: 1, log, workerUrl });
    const queued = [pool.extract({ body: links(50_000) }), pool.extract({ body: story(3) })];
    await pool.close();
    for (const r of await Promise.all(queued)) expect(r.ok).toBe(false);
    expect(await pool.extract({ body: story(4) })).toEqual({ ok: false, reason: { kind: "internal" } });
  });
});
