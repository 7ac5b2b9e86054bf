/**
 * The extraction metric of the article-extraction benchmark (see the dev set's README):
 * token 4-shingles as multisets, per-page scores normalised by tp+fp+fn, precision and recall
 * averaged over pages, F1 of the two means.
 */
const TOKEN = /[\p{L}\p{N}_]+/gu;

export function shingles(text: string, n = 4): Map<string, number> {
  const tokens = text.match(TOKEN) ?? [];
  const out = new Map<string, number>();
  const add = (key: string) => out.set(key, (out.get(key) ?? 0) + 1);
  if (tokens.length === 0) return out;
  if (tokens.length < n) {
    add(tokens.join(" "));
    return out;
  }
  for (let i = 0; i + n <= tokens.length; i++) add(tokens.slice(i, i + n).join(" "));
  return out;
}

export type PageScore = { tp: number; fp: number; fn: number };

export function scorePage(truth: string, predicted: string): PageScore {
  const t = shingles(truth);
  const p = shingles(predicted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, count] of t) {
    const c = p.get(key) ?? 0;
    tp += Math.min(count, c);
    fn += Math.max(0, count - c);
  }
  for (const [key, count] of p) fp += Math.max(0, count - (t.get(key) ?? 0));
  const total = tp + fp + fn;
  return total === 0 ? { tp: 0, fp: 0, fn: 0 } : { tp: tp / total, fp: fp / total, fn: fn / total };
}

export type Summary = { precision: number; recall: number; f1: number };

export function summarize(pairs: readonly { truth: string; predicted: string }[]): Summary {
  const precisions: number[] = [];
  const recalls: number[] = [];
  for (const { truth, predicted } of pairs) {
    const hasTruth = shingles(truth).size > 0;
    const hasPred = shingles(predicted).size > 0;
    if (!hasTruth && !hasPred) {
      precisions.push(1);
      recalls.push(1);
      continue;
    }
    const s = scorePage(truth, predicted);
    if (hasPred) precisions.push(s.tp + s.fp === 0 ? 0 : s.tp / (s.tp + s.fp));
    if (hasTruth) recalls.push(s.tp + s.fn === 0 ? 0 : s.tp / (s.tp + s.fn));
  }
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const precision = mean(precisions);
  const recall = mean(recalls);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
