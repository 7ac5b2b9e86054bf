/**
 * Builds test/fixtures/wcxb: a fixed sample of the WCXB development split (WCXB — Web Content
 * Extraction Benchmark v1.0, Murrough Foley, 2026, CC-BY-4.0) that test/extract/wcxb.test.ts runs
 * the extractor on, with the regression floors the test holds it to.
 *
 *   npm run build:scripts && node dist/scripts/wcxbFixtures.js            # sample + floors
 *   npm run build:scripts && node dist/scripts/wcxbFixtures.js --floors   # floors only
 *
 * The sample is chosen without looking at the extractor: for each of the 7 page types, the pages
 * of that type sorted by id (pages whose .html.gz is over 150 KB or whose truth is empty left out),
 * PER_TYPE of them evenly spaced. The pages are copied unchanged. The floors are the extractor's
 * current scores with a margin; `--floors` recomputes them from the fixtures alone (no
 * ../shared needed), keeping the sample, once the extractor has improved.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { extractArticle } from "../src/extract/index.js";
import { PAGE_TYPES, pageTypeOf, scoreWcxb, wcxbDir, type WcxbType } from "./lib/wcxb.js";

const PER_TYPE = 4;
const MAX_GZ_BYTES = 150 * 1024;
const F1_MARGIN = 0.05;
const SNIPPET_MARGIN = 0.25;
const TYPE_MEAN_MARGIN = 0.03;
const PAGE_TYPE_MARGIN = 0.1;

/** dist/scripts/wcxbFixtures.js (or scripts/wcxbFixtures.ts) → the repository root. */
const root = fileURLToPath(new URL(import.meta.url.includes("/dist/") ? "../../" : "../", import.meta.url));
const outDir = join(root, "test/fixtures/wcxb");
const manifestFile = join(outDir, "manifest.json");
const print = (s: string) => process.stdout.write(s + "\n");

export type PageFloors = {
  /** Word F1 against `truth` must be at least this. */
  f1: number;
  /** The share of `with` snippets present must be at least this. */
  with: number;
  /** The share of `without` snippets present must be at most this. */
  without: number;
};

export type ManifestPage = {
  id: string;
  url: string;
  type: WcxbType;
  with: string[];
  without: string[];
  truth: string;
  floors: PageFloors;
};

export type Manifest = {
  source: string;
  license: string;
  /** How the sample was chosen, for the reader. */
  sample: string;
  floors: {
    /** Mean word F1 of the sample's pages of each type must be at least this. */
    typeMeanF1: Record<WcxbType, number>;
    /** The share of pages whose detected pageType is the labelled one must be at least this. */
    pageTypeShare: number;
  };
  pages: ManifestPage[];
};

const down2 = (x: number) => Math.floor(x * 100 + 1e-9) / 100;
const up2 = (x: number) => Math.ceil(x * 100 - 1e-9) / 100;

type TruthFile = {
  url?: string;
  ground_truth?: { main_content?: string; with?: string[]; without?: string[] };
  _internal?: Parameters<typeof pageTypeOf>[0];
};

/** Evenly spaced picks from `n` items: the middle of each of `k` equal runs. */
export function evenlySpaced<T>(items: readonly T[], k: number): T[] {
  if (items.length <= k) return [...items];
  return Array.from({ length: k }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / k)] as T);
}

function pickSample(dir: string): ManifestPage[] {
  const byType = new Map<WcxbType, ManifestPage[]>(PAGE_TYPES.map((t) => [t, []]));
  const files = readdirSync(join(dir, "ground-truth"))
    .filter((n) => n.endsWith(".json"))
    .sort();
  for (const f of files) {
    const id = f.replace(/\.json$/, "");
    const gz = join(dir, "html", `${id}.html.gz`);
    if (!existsSync(gz) || statSync(gz).size > MAX_GZ_BYTES) continue;
    const d = JSON.parse(readFileSync(join(dir, "ground-truth", f), "utf8")) as TruthFile;
    const truth = d.ground_truth?.main_content ?? "";
    if (truth.trim() === "") continue;
    const type = pageTypeOf(d._internal);
    byType.get(type)?.push({
      id,
      url: d.url ?? "https://example.com/",
      type,
      with: d.ground_truth?.with ?? [],
      without: d.ground_truth?.without ?? [],
      truth,
      floors: { f1: 0, with: 0, without: 1 },
    });
  }
  return PAGE_TYPES.flatMap((t) => evenlySpaced(byType.get(t) ?? [], PER_TYPE));
}

function computeFloors(pages: ManifestPage[]): Manifest["floors"] {
  const f1ByType = new Map<WcxbType, number[]>(PAGE_TYPES.map((t) => [t, []]));
  let typed = 0;
  for (const page of pages) {
    const body = gunzipSync(readFileSync(join(outDir, `${page.id}.html.gz`)));
    const article = extractArticle({ body, url: page.url });
    const s = scoreWcxb(page, article.text);
    page.floors = {
      f1: Math.max(0, down2(s.f - F1_MARGIN)),
      with: Math.max(0, down2(s.with - SNIPPET_MARGIN)),
      without: Math.min(1, up2(s.without + SNIPPET_MARGIN)),
    };
    f1ByType.get(page.type)?.push(s.f);
    if (article.pageType === page.type) typed++;
    print(
      `${page.id} ${page.type.padEnd(13)} detected ${article.pageType.padEnd(13)} f1 ${s.f.toFixed(3)} with ${s.with.toFixed(2)} without ${s.without.toFixed(2)}`,
    );
  }
  const typeMeanF1 = Object.fromEntries(
    PAGE_TYPES.map((t) => {
      const fs = f1ByType.get(t) ?? [];
      const mean = fs.length === 0 ? 0 : fs.reduce((a, b) => a + b, 0) / fs.length;
      print(`mean F1 ${t.padEnd(13)} ${mean.toFixed(3)} (${fs.length} pages)`);
      return [t, Math.max(0, down2(mean - TYPE_MEAN_MARGIN))];
    }),
  ) as Record<WcxbType, number>;
  const share = pages.length === 0 ? 0 : typed / pages.length;
  print(`pageType matches the label on ${typed}/${pages.length} pages`);
  return { typeMeanF1, pageTypeShare: Math.max(0, down2(share - PAGE_TYPE_MARGIN)) };
}

const ATTRIBUTION = (n: number) =>
  `WCXB — Web Content Extraction Benchmark v1.0 (Murrough Foley, 2026; arXiv 2605.21097), ` +
  `github.com/Murrough-Foley/web-content-extraction-benchmark, CC-BY-4.0; these ${n} pages and their ` +
  `ground truth are copied unchanged from its development split`;

function writeReadme(pages: ManifestPage[]): void {
  const rows = PAGE_TYPES.map((t) => `| ${t} | ${pages.filter((p) => p.type === t).map((p) => p.id).join(", ")} |`);
  const text = `# WCXB sample pages

${ATTRIBUTION(pages.length)}. The license is in \`LICENSE\` beside this file.

- \`<id>.html.gz\` — the page as the benchmark stored it (gzip, as in its \`html/\` folder).
- \`manifest.json\` — per page its \`id\`, \`url\`, labelled \`type\` (the benchmark's
  \`_internal.page_type.primary\`, \`category\` read as \`collection\`), \`with\` / \`without\` snippets and
  \`truth\` (\`ground_truth.main_content\`), all as the benchmark gives them; and \`floors\`, which are
  this project's, not the benchmark's: regression guards computed from the extractor's output
  with a margin, checked by \`test/extract/wcxb.test.ts\`.

The sample was chosen without looking at the extractor's scores: for each page type, the pages of
that type sorted by id (leaving out pages whose \`.html.gz\` is over 150 KB and pages with an empty
truth), ${PER_TYPE} evenly spaced ones.

| type | ids |
|---|---|
${rows.join("\n")}

Rebuild the sample and the floors (needs \`../shared/data/wcxb-dev\`):

    npm run build:scripts && node dist/scripts/wcxbFixtures.js

Recompute the floors only, after the extractor improves (needs only these fixtures):

    npm run build:scripts && node dist/scripts/wcxbFixtures.js --floors
`;
  writeFileSync(join(outDir, "README.md"), text);
}

function writeManifest(pages: ManifestPage[], floors: Manifest["floors"]): void {
  const manifest: Manifest = {
    source: ATTRIBUTION(pages.length),
    license: "CC-BY-4.0 (see LICENSE)",
    sample: `${PER_TYPE} evenly spaced pages per type, by id, of those with .html.gz <= 150 KB and a non-empty truth`,
    floors,
    pages,
  };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + "\n");
}

function main(): void {
  if (process.argv.includes("--floors")) {
    if (!existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: run without --floors first`);
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
    writeManifest(manifest.pages, computeFloors(manifest.pages));
    print(`floors rewritten in ${manifestFile}`);
    return;
  }
  const dir = wcxbDir();
  if (!dir) throw new Error("the WCXB dev split is not at ../shared/data/wcxb-dev (set SKIM_WCXB_DIR)");
  const pages = pickSample(dir);
  mkdirSync(outDir, { recursive: true });
  const keep = new Set(pages.map((p) => `${p.id}.html.gz`));
  for (const f of readdirSync(outDir)) if (f.endsWith(".html.gz") && !keep.has(f)) rmSync(join(outDir, f));
  // Byte for byte, but not the source's file mode (the shared copy is read-only).
  const copy = (from: string, to: string) => writeFileSync(to, readFileSync(from));
  for (const p of pages) copy(join(dir, "html", `${p.id}.html.gz`), join(outDir, `${p.id}.html.gz`));
  copy(join(dir, "LICENSE"), join(outDir, "LICENSE"));
  writeReadme(pages);
  writeManifest(pages, computeFloors(pages));
  print(`${pages.length} pages written to ${outDir}`);
}

main();
