import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";

/**
 * Catastrophic backtracking: every function that runs regular expressions over text a stranger
 * controls (chat messages, page markup and text, feed XML, header values, a model's answer) is fed
 * crafted worst cases — long runs of the characters its patterns repeat on, with and without a
 * final character that makes a match fail late. Linear code takes milliseconds on each; a
 * backtracking pattern takes minutes. The cases run in a worker thread that is terminated when a
 * case passes its bound, so a regression fails this test instead of hanging the suite.
 *
 * The worker loads the compiled modules (`dist/`, built by `npm test` before vitest runs).
 */
const dist = join(import.meta.dirname, "../../dist");
/** Per case: generous, for a 50,000-character input that linear code handles in a few ms. */
const CASE_BOUND_MS = 2_000;
const LENGTH = 50_000;

/** What patterns repeat on: spaces, word characters, punctuation, markup, URLs, Markdown, CJK, invisible marks. */
const UNITS = [
  " ", "\t", "\n", "a", "A", "aa ", "a.", ".", "..", "…", "!?", "a, ", "1", "1,", "1.", "12 ", "-", "--", "_", "*", "~", "`", "|", ">", "#",
  "<", "<a", "<a ", "</", "<!--", "&", "&amp;", "&#", "\"", "'", "(", ")", "[", "]", "{", "\\", "/", "//", "http://a", "https://a.b/", "www.a.",
  "a@", "@", ":", "=", "?", "%", "+", "。", "中", "а", "\u200d", "\u202e", "\u00a0", "\u0000", "\ufffd", "é",
];
/** Endings that make a match fail late: none, punctuation, a NUL, a letter. */
const BREAKERS = ["", "!", "\u0000", "x"];

const workerSource = (distUrl: string) => `
const { parentPort } = require("node:worker_threads");
(async () => {
  const load = (p) => import(new URL(p, ${JSON.stringify(distUrl + "/")}).href);
  const [{ parseCommand }, { findLinks, normalizeUrl }, { summarize }, { splitSentences }, { extractArticle }, { detectWall },
    { parseBullets }, { groundBullets }, { languageFor }, { renderReply }, { parseFeed }, { mediaTypeOf }, { charsetParam, sniffCharset }] = await Promise.all([
    load("src/commands.js"), load("src/urls.js"), load("src/summarize/index.js"), load("src/summarize/segment.js"), load("src/extract/index.js"),
    load("src/wall.js"), load("src/llm/bullets.js"), load("src/llm/ground.js"), load("src/summarize/language.js"), load("src/render/reply.js"),
    load("src/feeds/parse.js"), load("src/fetch/mediaType.js"), load("src/fetch/decode.js"),
  ]);
  const en = languageFor("en");
  const digest = (s) => ({ title: s, url: "https://news.example/a", siteName: s, byline: s, publishedAt: null, lang: "en", readingMinutes: 1, bullets: [s, s], keywords: [s] });
  const targets = {
    "parseCommand": (s) => { parseCommand(s); parseCommand("/summary " + s); parseCommand("/subscribe " + s, "skim_bot"); },
    "findLinks": (s) => findLinks(s),
    "normalizeUrl": (s) => { try { normalizeUrl("https://a.example/" + s); } catch {} },
    "splitSentences": (s) => { splitSentences(s, "en"); splitSentences(s, "ja"); },
    "summarize": (s) => summarize({ text: s, title: s.slice(0, 200) }),
    "extractArticle": (s) => { const a = extractArticle({ body: "<html><body><article><p>" + s + "</p></article></body></html>", url: "https://a.example/" }); detectWall(a); },
    "extractArticle (raw)": (s) => extractArticle({ body: s, url: "https://a.example/" }),
    "parseBullets": (s) => parseBullets(s),
    "groundBullets": (s) => groundBullets([s.slice(0, 2000), s], [s, "The council met."], { language: en, sameLanguage: true }),
    "renderReply": (s) => { for (const t of ["telegram", "discord", "plain"]) renderReply({ kind: "digests", items: [{ url: "https://a.example/", digest: digest(s) }] }, t, { textFragments: true }); },
    "renderReply (notices, lists, daily digests)": (s) => {
      const sub = { id: 1, chatKey: "c", kind: "feed", source: s, feedUrl: null, time: s, timezone: s, createdAt: 0, disabledAt: null, disabledReason: null, etag: null, lastModified: null };
      for (const t of ["telegram", "discord", "plain"]) {
        renderReply({ kind: "notice", reason: { kind: "bad-timezone", timezone: s } }, t, { textFragments: true });
        renderReply({ kind: "info", text: { kind: "subscriptions", subscriptions: [sub, sub] } }, t, { textFragments: true });
        renderReply({ kind: "digests", items: [{ url: s, reason: { kind: "network", detail: s } }] }, t, { textFragments: true });
        renderReply({ kind: "daily", digests: [{ day: s, source: s, kind: "feed", feedTitle: s, items: [{ title: s, url: s, summary: s }], more: 1, preview: false }, { day: "2024-05-01", source: s, kind: "feed", feedTitle: null, items: [], more: 0, preview: true, error: { kind: "dns", host: s } }] }, t, { textFragments: true });
      }
    },
    "parseFeed": (s) => { parseFeed("<rss><channel><title>" + s + "</title><item><title>" + s + "</title><description>" + s + "</description></item></channel></rss>"); parseFeed(s); },
    "header values": (s) => { mediaTypeOf(s); charsetParam("text/html; charset=" + s); sniffCharset(new TextEncoder().encode("<meta charset=" + s.slice(0, 2000)), s); },
  };
  const units = ${JSON.stringify(UNITS)};
  const breakers = ${JSON.stringify(BREAKERS)};
  for (const [name, fn] of Object.entries(targets)) {
    for (const unit of units) {
      for (const breaker of breakers) {
        const input = unit.repeat(Math.ceil(${LENGTH} / unit.length)).slice(0, ${LENGTH}) + breaker;
        const label = name + " on " + JSON.stringify(unit) + "×" + ${LENGTH} + " + " + JSON.stringify(breaker);
        parentPort.postMessage({ starting: label });
        const t = performance.now();
        fn(input);
        parentPort.postMessage({ done: label, ms: performance.now() - t });
      }
    }
  }
  parentPort.postMessage({ finished: true });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

type Report = { starting?: string; done?: string; ms?: number; finished?: true; error?: string };

describe("regular expressions on text strangers control", () => {
  it(
    "finish each crafted worst case within a generous bound",
    async () => {
      expect(existsSync(join(dist, "src/commands.js")), "build first (npm test does): the worker loads dist/").toBe(true);
      const worker = new Worker(workerSource(pathToFileURL(dist).href), { eval: true });
      const times: { label: string; ms: number }[] = [];
      const outcome = await new Promise<{ ok: true } | { ok: false; why: string }>((resolve) => {
        let current = "(loading modules)";
        let watchdog = setTimeout(() => resolve({ ok: false, why: `${current} took over ${CASE_BOUND_MS * 5} ms` }), CASE_BOUND_MS * 5);
        worker.on("message", (m: Report) => {
          clearTimeout(watchdog);
          if (m.error) return resolve({ ok: false, why: m.error });
          if (m.finished) return resolve({ ok: true });
          if (m.done !== undefined) times.push({ label: m.done, ms: m.ms ?? 0 });
          if (m.starting !== undefined) current = m.starting;
          watchdog = setTimeout(() => resolve({ ok: false, why: `${current} took over ${CASE_BOUND_MS} ms: catastrophic backtracking?` }), CASE_BOUND_MS);
        });
        worker.on("error", (e) => resolve({ ok: false, why: String(e) }));
      });
      await worker.terminate();
      expect(outcome).toEqual({ ok: true });
      expect(times.length).toBe(13 * UNITS.length * BREAKERS.length);
      const slowest = [...times].sort((a, b) => b.ms - a.ms)[0]!;
      // Also a bound on the worst case, as a figure in the report when it fails.
      expect(slowest.ms, `slowest: ${slowest.label}`).toBeLessThan(CASE_BOUND_MS);
    },
    600_000,
  );
});
