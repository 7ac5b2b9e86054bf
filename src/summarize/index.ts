import type { Article } from "../extract/types.js";
import { isBoilerplate, splitGluedPrompt } from "./boilerplate.js";
import { baseLanguage, detectLanguage, languageFor, type Language } from "./language.js";
import { selectSentences, type ScoreWeights } from "./score.js";
import { splitSentences } from "./segment.js";
import { contentTokens, wordCount } from "./tokens.js";
import type { Digest, SummaryLength } from "./types.js";

export type { Digest, SummaryLength } from "./types.js";

/** Bullets per length setting; the default digest has three. */
export const LENGTH_SENTENCES: Record<SummaryLength, number> = { short: 2, medium: 3, long: 5 };
export const MAX_SENTENCES = 10;
/** A bullet longer than this is cut at a word boundary: run-ons and unpunctuated text stay readable. */
export const MAX_BULLET_CHARS = 400;
/**
 * Text past this is not read (about 150,000 words, a long book): the sentences that carry an
 * article are near its start, and the cost of a digest stays bounded whatever a page holds.
 */
export const MAX_TEXT_CHARS = 1_000_000;
const KEYWORDS = 5;
const WORDS_PER_MINUTE = 230;

export type SummarizeOptions = { sentences?: number; length?: SummaryLength; weights?: Partial<ScoreWeights> };

/** What the summarizer reads: an extracted article, or just a text with whatever is known about it. */
export type SummaryInput = Partial<Omit<Article, "text">> & { text: string; url?: string | null };

/**
 * The digest of an article: its facts and the few sentences that carry it, in article order.
 * Pure and synchronous; the same input always gives the same digest.
 */
export function summarize(input: SummaryInput, options: SummarizeOptions = {}): Digest {
  const text = readablePart(input.text);
  const lang = input.lang ? baseLanguage(input.lang) : detectLanguage(text);
  const language = languageFor(lang);
  const sentences = splitSentences(text, lang).flatMap(splitGluedPrompt);
  const eligible = sentences.map(isCandidate);
  const count = Math.max(1, Math.min(MAX_SENTENCES, options.sentences ?? LENGTH_SENTENCES[options.length ?? "medium"]));
  const chosen = selectSentences({ sentences, eligible, count, language, title: input.title ?? null, ...(options.weights ? { weights: options.weights } : {}) });
  return {
    title: input.title ?? null,
    url: input.canonicalUrl ?? input.url ?? null,
    siteName: input.siteName ?? null,
    byline: input.byline ?? null,
    publishedAt: input.publishedAt ?? null,
    lang: input.lang ?? (lang || null),
    readingMinutes: Math.max(1, Math.round(wordCount(input.text) / WORDS_PER_MINUTE)),
    bullets: chosen.map((i) => capBullet(sentences[i]!)),
    keywords: keywords(text, input.title ?? null, language),
  };
}

/** The first MAX_TEXT_CHARS of the text, ending at whitespace where there is some to end at. */
function readablePart(text: string): string {
  if (text.length <= MAX_TEXT_CHARS) return text;
  const head = text.slice(0, MAX_TEXT_CHARS);
  const lastSpace = head.search(/\s\S*$/);
  return lastSpace > MAX_TEXT_CHARS / 2 ? head.slice(0, lastSpace) : head;
}

/** Short lines without a final stop are headings, labels or captions: a digest quotes sentences. */
const HEADING_MAX_WORDS = 12;
const TERMINAL = /[.!?…。！？]["'”’»)\]」』]*$/u;

function isCandidate(sentence: string): boolean {
  if (!/\p{L}/u.test(sentence) || isBoilerplate(sentence)) return false;
  return TERMINAL.test(sentence) || sentence.split(/\s+/).length > HEADING_MAX_WORDS;
}

/** Cuts an over-long sentence at the last word boundary that fits, marking the cut with an ellipsis. */
export function capBullet(sentence: string, max = MAX_BULLET_CHARS): string {
  const s = sentence.trim();
  if (s.length <= max) return s;
  // One character is left for the ellipsis; a surrogate pair is kept whole or dropped.
  const room = s.slice(0, /[\uD800-\uDBFF]/.test(s.charAt(max - 2)) ? max - 2 : max - 1);
  const endsAtBoundary = /\s/.test(s[max - 1] ?? " ");
  const lastSpace = room.search(/\s\S*$/);
  // Text without spaces (CJK, a long address) can only be cut where it is full.
  const head = endsAtBoundary ? room : lastSpace > max * 0.5 ? room.slice(0, lastSpace) : room;
  return `${head.replace(/[\s,;:–—-]+$/u, "")}…`;
}

/** The words an article keeps coming back to, in the form the article writes them most. */
function keywords(text: string, title: string | null, language: Language): string[] {
  const count = new Map<string, number>();
  const forms = new Map<string, Map<string, number>>();
  for (const { stem, word } of contentTokens(text, language)) {
    if (word.length < 3 && !language.segmentWords) continue;
    count.set(stem, (count.get(stem) ?? 0) + 1);
    const f = forms.get(stem) ?? new Map<string, number>();
    f.set(word, (f.get(word) ?? 0) + 1);
    forms.set(stem, f);
  }
  const inTitle = new Set(title ? contentTokens(title, language).map((t) => t.stem) : []);
  return [...count.entries()]
    .filter(([, n]) => n > 1)
    .map(([stem, n]) => ({ stem, score: n * (inTitle.has(stem) ? 2 : 1) }))
    .sort((a, b) => b.score - a.score || a.stem.localeCompare(b.stem))
    .slice(0, KEYWORDS)
    .map(({ stem }) => [...forms.get(stem)!.entries()].sort((a, b) => b[1] - a[1])[0]![0]);
}
