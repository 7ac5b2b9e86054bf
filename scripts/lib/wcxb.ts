import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/**
 * The WCXB development split beside the project (`../shared/data/wcxb-dev`): WCXB — Web Content
 * Extraction Benchmark v1.0 (Murrough Foley, 2026), CC-BY-4.0. Pages are kept as bytes, as they
 * came off the wire, so the extractor decodes them by the charset they declare.
 */
export const PAGE_TYPES = ["article", "forum", "product", "collection", "listing", "documentation", "service"] as const;
export type WcxbType = (typeof PAGE_TYPES)[number];

export type WcxbPage = {
  id: string;
  url: string;
  type: WcxbType;
  bytes: Uint8Array;
  truth: string;
  with: string[];
  without: string[];
};

export function wcxbDir(): string | null {
  const candidates = [
    process.env["SKIM_WCXB_DIR"],
    resolve("../shared/data/wcxb-dev"),
    fileURLToPath(new URL("../../../shared/data/wcxb-dev", import.meta.url)),
    fileURLToPath(new URL("../../../../shared/data/wcxb-dev", import.meta.url)),
  ].filter((d): d is string => typeof d === "string");
  return candidates.find((d) => existsSync(join(d, "ground-truth"))) ?? null;
}

type TruthFile = {
  url?: string;
  ground_truth?: { main_content?: string; with?: string[]; without?: string[] };
  _internal?: { page_type?: string | { primary?: string } };
};

export function pageTypeOf(raw: TruthFile["_internal"]): WcxbType {
  const t = raw?.page_type;
  const name = typeof t === "string" ? t : (t?.primary ?? "article");
  const fixed = name === "category" ? "collection" : name;
  return (PAGE_TYPES as readonly string[]).includes(fixed) ? (fixed as WcxbType) : "article";
}

export function loadWcxb(dir: string, only?: (id: string) => boolean): WcxbPage[] {
  const out: WcxbPage[] = [];
  for (const f of readdirSync(join(dir, "ground-truth")).filter((n) => n.endsWith(".json")).sort()) {
    const id = f.replace(/\.json$/, "");
    if (only && !only(id)) continue;
    const d = JSON.parse(readFileSync(join(dir, "ground-truth", f), "utf8")) as TruthFile;
    const gt = d.ground_truth;
    if (!gt) continue;
    const file = join(dir, "html", `${id}.html.gz`);
    if (!existsSync(file)) continue;
    out.push({
      id,
      url: d.url ?? "https://example.com/",
      type: pageTypeOf(d._internal),
      bytes: gunzipSync(readFileSync(file)),
      truth: gt.main_content ?? "",
      with: gt.with ?? [],
      without: gt.without ?? [],
    });
  }
  return out;
}

/** The benchmark's metric (its evaluate.py, as ../shared/data/wcxb-dev/score.mjs): bag-of-words over `\w+`. */
const WORD = /[\p{L}\p{N}\p{M}_]+/gu;
const tokens = (t: string): string[] => (t ? (t.toLowerCase().match(WORD) ?? []) : []);

export type PageScore = { p: number; r: number; f: number; with: number; without: number };

export function scoreWcxb(page: Pick<WcxbPage, "truth" | "with" | "without">, predicted: string): PageScore {
  const p = tokens(predicted);
  const r = tokens(page.truth);
  const snip = (s: string[]) => (s.length === 0 ? 1 : s.filter((x) => predicted.toLowerCase().includes(x.toLowerCase())).length / s.length);
  const snippets = { with: snip(page.with), without: snip(page.without) };
  if (r.length === 0) return p.length === 0 ? { p: 1, r: 1, f: 1, ...snippets } : { p: 0, r: 0, f: 0, ...snippets };
  if (p.length === 0) return { p: 0, r: 0, f: 0, ...snippets };
  const rc = new Map<string, number>();
  for (const w of r) rc.set(w, (rc.get(w) ?? 0) + 1);
  const pc = new Map<string, number>();
  for (const w of p) pc.set(w, (pc.get(w) ?? 0) + 1);
  let overlap = 0;
  for (const [w, n] of pc) overlap += Math.min(n, rc.get(w) ?? 0);
  const P = overlap / p.length;
  const R = overlap / r.length;
  return { p: P, r: R, f: P + R > 0 ? (2 * P * R) / (P + R) : 0, ...snippets };
}

export type Summary = { n: number; f: number; p: number; r: number; with: number; without: number };

export function summarizeScores(scores: readonly PageScore[]): Summary {
  const n = scores.length;
  const mean = (k: keyof PageScore) => (n === 0 ? 0 : scores.reduce((s, x) => s + x[k], 0) / n);
  return { n, f: mean("f"), p: mean("p"), r: mean("r"), with: mean("with"), without: mean("without") };
}
