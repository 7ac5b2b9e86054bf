/**
 * The WCXB benchmark's per-page metric (its evaluate.py; the same logic as `scoreWcxb` in
 * scripts/lib/wcxb.ts, copied so the tests need nothing from scripts/): tokens are the `\w+` runs
 * (Unicode letters, digits, marks, underscore) of the lower-cased text; precision, recall and F1
 * are over the bags of words; the snippet rates are the shares of `with` and `without` snippets
 * found in the prediction, case-insensitively (an empty list counts as 1).
 */
const WORD = /[\p{L}\p{N}\p{M}_]+/gu;

export const wordTokens = (text: string): string[] => (text ? (text.toLowerCase().match(WORD) ?? []) : []);

export type WordScore = { p: number; r: number; f: number; with: number; without: number };

export type WordTruth = { truth: string; with: readonly string[]; without: readonly string[] };

/** The share of `snippets` present in `predicted`, case-insensitively; 1 when there are none. */
export function snippetRate(snippets: readonly string[], predicted: string): number {
  if (snippets.length === 0) return 1;
  const text = predicted.toLowerCase();
  return snippets.filter((s) => text.includes(s.toLowerCase())).length / snippets.length;
}

export function wordScore(page: WordTruth, predicted: string): WordScore {
  const p = wordTokens(predicted);
  const r = wordTokens(page.truth);
  const snippets = { with: snippetRate(page.with, predicted), without: snippetRate(page.without, predicted) };
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

/** Word F1 of `predicted` against the reference text. */
export const wordF1 = (truth: string, predicted: string): number => wordScore({ truth, with: [], without: [] }, predicted).f;
