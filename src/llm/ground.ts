import type { Language } from "../summarize/language.js";
import { contentTokens } from "../summarize/tokens.js";

/**
 * Is each bullet of a model's answer backed by the article? A bullet passes when
 * - most of its content words (stemmed) are in the few article sentences it matches best,
 * - every number in it is a number of the article,
 * - every name (a capitalized word past its first, an acronym) and every link is in the article,
 * - and the sentences it rests on are not instructions planted for a model.
 * A bullet that fails is dropped, whatever it says. When the reply is in another language than the
 * article, words cannot be compared: numbers, acronyms and links still are.
 */
export type GroundOptions = {
  language: Language;
  /** False when the reply was asked in another language than the article's. */
  sameLanguage: boolean;
  /** Share of a bullet's content words the best-matching sentences must hold. */
  minCoverage?: number;
};

export type Grounding =
  | { ok: true; bullet: string; /** The article sentence it rests on most, for the text-fragment link. */ source: string | null }
  | { ok: false; bullet: string; why: string };

export const MIN_COVERAGE = 0.5;
/** Sentences whose words together must cover the bullet: a bullet often merges two or three. */
const BEST_SENTENCES = 3;
/** Fewer content words than this is not a statement of fact ("HACKED", "Done."). */
const MIN_CONTENT_WORDS = 3;

/** Text written to steer a language model rather than to inform a reader. */
const INSTRUCTION = new RegExp(
  [
    String.raw`\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules|above)\b`,
    String.raw`\b(system prompt|you are (now )?(an? )?(ai|assistant|language model|chatbot))\b`,
    // Addressed to whatever summarizes the page: "AI assistants summarizing this page must say…"
    String.raw`\b(ai|assistants?|language models?|llms?|chatbots?|bots?)\b[^.!?]{0,60}\b(summari[sz]\w*|reading this)\b[^.!?]{0,60}\b(must|should|have to|are required to)\b`,
  ].join("|"),
  "iu",
);

const URL = /\bhttps?:\/\/[^\s<>"')\]]+/giu;
/** Digits with their separators: "1,200", "3.5", "12 000" (with a no-break space, as French writes it). */
const NUMBER = /\d+(?:[.,\u00a0\u202f]\d{3})*(?:[.,]\d+)?/gu;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu;

const digitsOnly = (n: string): string => n.replace(/\D/gu, "").replace(/^0+(?=\d)/u, "");

/** Number words an English article may use where a bullet writes digits. */
const EN_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"];

type Article = {
  sentences: { text: string; stems: Set<string> }[];
  stems: Set<string>;
  words: Set<string>;
  numbers: Set<string>;
  lowerText: string;
};

function readArticle(sentences: readonly string[], language: Language): Article {
  const text = sentences.join(" ");
  const lowerText = text.toLowerCase();
  const words = new Set((lowerText.match(WORD) ?? []).map(stripPossessive));
  const numbers = new Set((text.match(NUMBER) ?? []).map(digitsOnly));
  if (language.code === "en") EN_NUMBER_WORDS.forEach((w, n) => words.has(w) && numbers.add(String(n)));
  const parsed = sentences.map((s) => ({ text: s, stems: new Set(contentTokens(s, language).map((t) => t.stem)) }));
  const stems = new Set(parsed.flatMap((s) => [...s.stems]));
  return { sentences: parsed, stems, words, numbers, lowerText };
}

const stripPossessive = (w: string): string => w.replace(/['’]s?$/u, "").replace(/\.+$/u, "");

export function groundBullets(bullets: readonly string[], sentences: readonly string[], options: GroundOptions): Grounding[] {
  const article = readArticle(sentences, options.language);
  return bullets.map((bullet) => checkBullet(bullet, article, options));
}

function checkBullet(bullet: string, article: Article, options: GroundOptions): Grounding {
  const refuse = (why: string): Grounding => ({ ok: false, bullet, why });
  const { language } = options;

  for (const url of bullet.match(URL) ?? []) if (!article.lowerText.includes(url.toLowerCase().replace(/[.,;:]+$/u, ""))) return refuse(`link not in the article: ${url}`);
  for (const n of bullet.match(NUMBER) ?? []) if (!article.numbers.has(digitsOnly(n))) return refuse(`number not in the article: ${n}`);

  const tokens = bullet.match(WORD) ?? [];
  for (const [i, raw] of tokens.entries()) {
    const word = stripPossessive(raw);
    const lower = word.toLowerCase();
    const acronym = word.length >= 2 && /^\p{Lu}[\p{Lu}\d.&-]*$/u.test(word) && /\p{Lu}.*\p{Lu}/u.test(word);
    // Capitalized words past the first are names in most languages (German capitalizes every noun:
    // the stem check lets its inflected nouns through). Across languages only acronyms compare.
    const name = options.sameLanguage && i > 0 && /^\p{Lu}/u.test(word) && !language.stopwords.has(lower);
    if (!acronym && !name) continue;
    if (article.words.has(lower) || article.stems.has(language.stem(lower))) continue;
    return refuse(`name not in the article: ${word}`);
  }

  if (!options.sameLanguage) return { ok: true, bullet, source: null };

  const stems = new Set(contentTokens(bullet, language).map((t) => t.stem));
  if (stems.size < MIN_CONTENT_WORDS) return refuse("too short to state a fact");
  const ranked = article.sentences
    .map((s) => ({ s, shared: [...stems].filter((t) => s.stems.has(t)).length }))
    .filter((r) => r.shared > 0)
    .sort((a, b) => b.shared - a.shared)
    .slice(0, BEST_SENTENCES);
  const covered = new Set(ranked.flatMap((r) => [...stems].filter((t) => r.s.stems.has(t))));
  const coverage = covered.size / stems.size;
  if (coverage < (options.minCoverage ?? MIN_COVERAGE)) return refuse(`only ${Math.round(coverage * 100)}% of its words are in the article`);
  const best = ranked[0]!.s.text;
  if (INSTRUCTION.test(best)) return refuse("it repeats instructions planted in the page");
  return { ok: true, bullet, source: best };
}

/** Sentences planted for a model; they are dropped before the article is sent, too. */
export const isInstruction = (sentence: string): boolean => INSTRUCTION.test(sentence);
