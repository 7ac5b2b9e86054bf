import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { extractArticle } from "../../src/extract/index.js";
import type { Article, PageType } from "../../src/extract/types.js";
import { wordScore, type WordScore } from "../support/wordF1.js";

/**
 * The extractor on a fixed sample of real pages of the WCXB benchmark's development split
 * (WCXB — Web Content Extraction Benchmark v1.0, Murrough Foley, 2026, CC-BY-4.0; see
 * test/fixtures/wcxb/README.md), 4 pages of each of its 7 page types, scored by the benchmark's
 * word F1. The floors in the manifest are regression guards, the extractor's scores when they
 * were last recomputed less a margin: `npm run build:scripts && node dist/scripts/wcxbFixtures.js --floors`.
 */
type Floors = { f1: number; with: number; without: number };
type Page = { id: string; url: string; type: PageType; with: string[]; without: string[]; truth: string; floors: Floors };
type Manifest = { source: string; floors: { typeMeanF1: Record<PageType, number>; pageTypeShare: number }; pages: Page[] };

const TYPES: readonly PageType[] = ["article", "forum", "product", "collection", "listing", "documentation", "service"];
const PER_TYPE = 4;

const dir = join(import.meta.dirname, "../fixtures/wcxb");
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;

const runs = new Map<string, { article: Article; score: WordScore }>();
/** The page extracted from its bytes, as fetched, and scored; once per page for all the tests. */
function run(page: Page): { article: Article; score: WordScore } {
  let r = runs.get(page.id);
  if (!r) {
    const body = gunzipSync(readFileSync(join(dir, `${page.id}.html.gz`)));
    const article = extractArticle({ body, url: page.url });
    r = { article, score: wordScore(page, article.text) };
    runs.set(page.id, r);
  }
  return r;
}

const host = (url: string) => {
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return url;
  }
};
const pct = (x: number) => x.toFixed(3);

describe("extractArticle on WCXB dev pages", () => {
  it(`has the sample: ${PER_TYPE} pages of each of the ${TYPES.length} types, with their pages, truth and license`, () => {
    for (const type of TYPES) expect(manifest.pages.filter((p) => p.type === type), type).toHaveLength(PER_TYPE);
    expect(new Set(manifest.pages.map((p) => p.id)).size).toBe(manifest.pages.length);
    for (const page of manifest.pages) {
      expect(existsSync(join(dir, `${page.id}.html.gz`)), `${page.id}.html.gz`).toBe(true);
      expect(page.truth.trim(), `${page.id} truth`).not.toBe("");
    }
    expect(readFileSync(join(dir, "README.md"), "utf8")).toContain("CC-BY-4.0");
    expect(readFileSync(join(dir, "LICENSE"), "utf8")).toContain("Creative Commons Attribution 4.0");
  });

  describe("each page keeps its word F1 and snippets", () => {
    for (const page of manifest.pages) {
      it(`${page.id} ${page.type} (${host(page.url)})`, () => {
        const { score } = run(page);
        const { floors } = page;
        const seen = `word F1 ${pct(score.f)}, with ${pct(score.with)}, without ${pct(score.without)}`;
        // A floor of 0 (or a ceiling of 1, or an empty snippet list) bounds nothing; the other bounds must hold,
        // and a page must have at least one of them.
        const bounds: Array<() => void> = [];
        if (floors.f1 > 0) bounds.push(() => expect(score.f, `word F1 against the truth (${seen})`).toBeGreaterThanOrEqual(floors.f1));
        if (page.with.length > 0 && floors.with > 0)
          bounds.push(() => expect(score.with, `share of "with" snippets present (${seen})`).toBeGreaterThanOrEqual(floors.with));
        if (page.without.length > 0 && floors.without < 1)
          bounds.push(() => expect(score.without, `share of "without" snippets present (${seen})`).toBeLessThanOrEqual(floors.without));
        expect(bounds.length, `a bound this page can fail (${seen}, floors ${JSON.stringify(floors)})`).toBeGreaterThan(0);
        for (const check of bounds) check();
      });
    }
  });

  describe("across the sample", () => {
    for (const type of TYPES) {
      it(`mean word F1 of the ${type} pages`, () => {
        const floor = manifest.floors.typeMeanF1[type];
        const pages = manifest.pages.filter((p) => p.type === type);
        expect(pages.length, `${type} pages`).toBeGreaterThan(0);
        expect(floor, `the ${type} floor bounds something`).toBeGreaterThan(0);
        const scores = pages.map((p) => `${p.id} ${pct(run(p).score.f)}`).join(", ");
        const mean = pages.reduce((s, p) => s + run(p).score.f, 0) / pages.length;
        expect(mean, `mean word F1 (${scores})`).toBeGreaterThanOrEqual(floor);
      });
    }

    it("detects the labelled page type", () => {
      const floor = manifest.floors.pageTypeShare;
      expect(floor, "the floor bounds something").toBeGreaterThan(0);
      const misses = manifest.pages.filter((p) => run(p).article.pageType !== p.type);
      const share = 1 - misses.length / manifest.pages.length;
      const detail = misses.map((p) => `${p.id} ${p.type} read as ${run(p).article.pageType}`).join(", ");
      expect(share, `share of pages typed as labelled (misses: ${detail})`).toBeGreaterThanOrEqual(floor);
    });
  });
});
