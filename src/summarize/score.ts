import type { Language } from "./language.js";
import { contentTokens } from "./tokens.js";

/**
 * Picks the sentences that carry an article. Each sentence is scored by how typical its words
 * are of the whole text (SumBasic's mean word probability: a centrality that does not reward
 * length), weighted by where it stands — news puts the facts in its opening sentences, so the
 * first few weigh alike and later ones less — and by its overlap with the headline. Sentences are
 * then taken greedily, each discounted by its overlap with those already taken (MMR).
 * On the news dev set this beats the first-three-sentences baseline that plain centrality
 * (TextRank, LexRank) loses to.
 */

/** The scorer's tunables, with the values chosen on the news dev set (overridable for evaluation). */
export type ScoreWeights = {
  /** Sentences at the top that the position prior treats alike: the lede and the nut graf. */
  leadSentences: number;
  /** How fast the prior falls after the lead: 1 / (k + 1)^decay for the k-th sentence after it. */
  positionDecay: number;
  /** Weight of the prior against a sentence's own content score (a constant keeps position in play). */
  contentBase: number;
  /** A sentence shorter than this many words is a label or a fragment more often than a fact... */
  minWords: number;
  /** ...and is scaled by this. */
  shortFactor: number;
  /** Longer sentences are usually run-ons (captions glued to text): scaled down in proportion. */
  maxWords: number;
  /** How much a sentence's overlap with one already chosen discounts it. */
  redundancy: number;
  /** Extra weight for sharing words with the headline. */
  titleWeight: number;
};

export const DEFAULT_WEIGHTS: ScoreWeights = {
  leadSentences: 4,
  positionDecay: 0.5,
  contentBase: 0.5,
  minWords: 6,
  shortFactor: 0.2,
  maxWords: 35,
  redundancy: 0.8,
  titleWeight: 0.5,
};

export type ScoreInput = {
  sentences: readonly string[];
  eligible: readonly boolean[];
  count: number;
  language: Language;
  title?: string | null;
  weights?: Partial<ScoreWeights>;
};

type Bag = Set<string>;

const overlap = (a: Bag, b: Bag): number => {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / Math.sqrt(a.size * b.size);
};

/** Each sentence's bag of content stems and its score before redundancy is counted. */
function scoreSentences(input: Omit<ScoreInput, "count" | "eligible">, candidates?: readonly number[]): { bags: Bag[]; base: number[] } {
  const { sentences, language } = input;
  const w: ScoreWeights = { ...DEFAULT_WEIGHTS, ...input.weights };
  const positionPrior = (i: number): number => (i < w.leadSentences ? 1 : 1 / Math.pow(i - w.leadSentences + 2, w.positionDecay));
  const bags: Bag[] = [];
  const frequency = new Map<string, number>();
  let total = 0;
  for (const s of sentences) {
    const stems = contentTokens(s, language).map((t) => t.stem);
    for (const stem of stems) frequency.set(stem, (frequency.get(stem) ?? 0) + 1);
    total += stems.length;
    bags.push(new Set(stems));
  }
  const title = input.title ? new Set(contentTokens(input.title, language).map((t) => t.stem)) : null;

  const content = bags.map((bag) => {
    if (bag.size === 0 || total === 0) return 0;
    let p = 0;
    for (const stem of bag) p += frequency.get(stem)! / total;
    return p / bag.size;
  });
  // Normalized by the best candidate's, so a boilerplate line cannot set the scale.
  let maxContent = 0;
  for (const i of candidates ?? content.keys()) maxContent = Math.max(maxContent, content[i]!);
  maxContent ||= 1;

  const base = sentences.map((s, i) => {
    const words = s.split(/\s+/).length;
    let score = positionPrior(i) * (w.contentBase + content[i]! / maxContent);
    if (title) score *= 1 + w.titleWeight * overlap(bags[i]!, title);
    if (words < w.minWords && !language.segmentWords) score *= w.shortFactor;
    if (words > w.maxWords) score *= w.maxWords / words;
    return score;
  });
  return { bags, base };
}

/** Every sentence index, the most central first: what to keep when only part of a text fits. */
export function rankSentences(input: Omit<ScoreInput, "count" | "eligible">): number[] {
  const { base } = scoreSentences(input);
  return base.map((_, i) => i).sort((a, b) => base[b]! - base[a]! || a - b);
}

/** Indices of the chosen sentences, in article order. */
export function selectSentences(input: ScoreInput): number[] {
  const { sentences, eligible, count } = input;
  const w: ScoreWeights = { ...DEFAULT_WEIGHTS, ...input.weights };
  const candidates = sentences.map((_, i) => i).filter((i) => eligible[i]);
  if (candidates.length <= count) return candidates;
  const { bags, base } = scoreSentences(input, candidates);

  const chosen: number[] = [];
  while (chosen.length < count) {
    let best = -1;
    let bestScore = -Infinity;
    for (const i of candidates) {
      if (chosen.includes(i)) continue;
      let redundancy = 0;
      for (const j of chosen) redundancy = Math.max(redundancy, overlap(bags[i]!, bags[j]!));
      const score = base[i]! * (1 - w.redundancy * redundancy);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0) break;
    chosen.push(best);
  }
  return chosen.sort((a, b) => a - b);
}
