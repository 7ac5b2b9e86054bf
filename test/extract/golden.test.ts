import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { scorePage } from "../../scripts/lib/shingleF1.js";
import { extractArticle } from "../../src/extract/index.js";

type Expected = { id: string; url: string; truth: string; mustContain: string[]; mustNotContain: string[] };

const dir = join(import.meta.dirname, "../fixtures/pages");
const cases = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** Per-page F1 of the benchmark's shingle metric; the dev set as a whole is scored by `npm run eval`. */
function pageF1(truth: string, predicted: string): number {
  const s = scorePage(truth, predicted);
  const p = s.tp + s.fp === 0 ? 0 : s.tp / (s.tp + s.fp);
  const r = s.tp + s.fn === 0 ? 0 : s.tp / (s.tp + s.fn);
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

describe("extractArticle on golden pages", () => {
  it("has golden pages to check", () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of cases) {
    it(name, () => {
      const expected = JSON.parse(readFileSync(join(dir, name, "expected.json"), "utf8")) as Expected;
      const html = gunzipSync(readFileSync(join(dir, name, "source.html.gz"))).toString("utf8");
      const article = extractArticle({ body: html, url: expected.url });

      expect(article.title, "a title").toBeTruthy();
      expect(article.paragraphs.length).toBeGreaterThan(0);
      expect(article.text).toBe(article.paragraphs.join("\n\n"));
      expect(pageF1(expected.truth, article.text), "token 4-shingle F1 against the human-marked body").toBeGreaterThanOrEqual(0.9);
      for (const phrase of expected.mustContain) expect(article.text).toContain(phrase);
      for (const phrase of expected.mustNotContain) expect(article.text).not.toContain(phrase);
      // The headline is metadata, not body text.
      expect(article.paragraphs[0]).not.toBe(article.title);
    });
  }
});

describe("prescan", () => {
  it("cuts the same markup from bytes as from text, on every golden page", async () => {
    const { prescan, prescanBytes } = await import("../../src/extract/prescan.js");
    for (const name of cases) {
      const bytes = gunzipSync(readFileSync(join(dir, name, "source.html.gz")));
      const fromText = prescan(bytes.toString("utf8"));
      const fromBytes = prescanBytes(bytes);
      expect(Buffer.from(fromBytes.bytes).toString("utf8"), name).toBe(fromText.html);
      expect(fromBytes.jsonLd.map((b) => Buffer.from(b).toString("utf8")), name).toEqual(fromText.jsonLd);
      expect(fromText.html.length, name).toBeLessThan(bytes.length);
      expect(fromText.html, name).not.toMatch(/<script[\s>]/i);
    }
  });
});
