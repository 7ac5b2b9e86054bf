/**
 * ROUGE as the summaries dev set's README defines it: lower-cased tokens of [a-z0-9], no stemming,
 * no stop words; ROUGE-1 and ROUGE-2 n-gram overlap F1, ROUGE-L from the longest common
 * subsequence over the whole token sequence; per article, then averaged.
 */
export const rougeTokens = (text: string): string[] => text.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t.length > 0);

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(" ");
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

const f1 = (overlap: number, predicted: number, reference: number): number => {
  if (overlap === 0 || predicted === 0 || reference === 0) return 0;
  const p = overlap / predicted;
  const r = overlap / reference;
  return (2 * p * r) / (p + r);
};

function rougeN(pred: readonly string[], ref: readonly string[], n: number): number {
  const p = ngrams(pred, n);
  const r = ngrams(ref, n);
  let overlap = 0;
  for (const [k, c] of p) overlap += Math.min(c, r.get(k) ?? 0);
  return f1(overlap, Math.max(0, pred.length - n + 1), Math.max(0, ref.length - n + 1));
}

function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

export type Rouge = { r1: number; r2: number; rl: number };

export function rouge(predicted: string, reference: string): Rouge {
  const p = rougeTokens(predicted);
  const r = rougeTokens(reference);
  return { r1: rougeN(p, r, 1), r2: rougeN(p, r, 2), rl: f1(lcs(p, r), p.length, r.length) };
}

export function meanRouge(scores: readonly Rouge[]): Rouge {
  const mean = (k: keyof Rouge) => (scores.length === 0 ? 0 : (100 * scores.reduce((s, x) => s + x[k], 0)) / scores.length);
  return { r1: mean("r1"), r2: mean("r2"), rl: mean("rl") };
}
