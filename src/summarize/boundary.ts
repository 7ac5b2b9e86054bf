import {
  ABBREVIATED_ENDINGS,
  BEFORE_NUMBER,
  type Continuation,
  ENDS_BEFORE_STARTER,
  ENGLISH_SENTENCE_STARTERS,
  GERMAN_MONTHS,
  GERMAN_ORDINAL_NOUNS,
  MAY_BE_FINAL,
  NEVER_FINAL,
  SPACED_MAY_BE_FINAL,
  SPACED_NEVER_FINAL,
  YEAR_AFTER_NUMBER,
  YEAR_CONTINUATION,
} from "./abbreviations.js";
import {
  codePointAt,
  isCjk,
  isCloser,
  isDigit,
  isHiragana,
  isLetter,
  isLower,
  isOpener,
  isSpacedCloser,
  isUpper,
  SPACE,
  type StopKind,
  stopKind,
  strongerStop,
} from "./chars.js";

// Every look-around below is bounded, so the scan stays linear on any input.
/** A word longer than this before a full stop is no abbreviation, initial or number. */
const MAX_WORD_CHARS = 64;
/** Opening quotes and brackets skipped to find the first letter of what follows a stop. */
const MAX_OPENERS = 8;
/** Enough of the next word to compare it with the continuation lists. */
const MAX_NEXT_WORD_CHARS = 32;
/** "1." to "999." may be a list marker or a German ordinal; "2020." is a year ending a sentence. */
const MAX_ORDINAL_DIGITS = 3;
const COLON = 0x3a;
/** French and Italian elide short words before an apostrophe: "l'", "d'", "qu'". */
const MAX_ELIDED_CHARS = 2;

export type BoundaryOptions = {
  /** German writes ordinals with a dot ("im 19. Jahrhundert", "3. Liga"): a number and a dot then end nothing. */
  german: boolean;
};

/**
 * The sentences of one stretch of text that holds no line break and whose whitespace is already
 * collapsed to single spaces. Returns trimmed, non-empty slices of it, in order.
 */
export function sentencesIn(text: string, options: BoundaryOptions): string[] {
  const out: string[] = [];
  const n = text.length;
  let start = 0;
  let i = 0;
  while (i < n) {
    let kind = stopKind(text.charCodeAt(i));
    if (kind === undefined) {
      i++;
      continue;
    }
    let j = i + 1;
    for (let k = stopKind(text.charCodeAt(j)); k !== undefined; k = stopKind(text.charCodeAt(j))) {
      kind = strongerStop(kind, k);
      j++;
    }
    if (kind === "dot" && j - i > 1) kind = "ellipsis";
    const runEnd = j;
    while (j < n && isCloser(text.charCodeAt(j))) j++;
    if (
      text.charCodeAt(j) === SPACE &&
      isSpacedCloser(text.charCodeAt(j + 1)) &&
      (j + 2 >= n || text.charCodeAt(j + 2) === SPACE || isCloser(text.charCodeAt(j + 2)))
    ) {
      j += 2;
      while (j < n && isCloser(text.charCodeAt(j))) j++;
    }
    const at: Stop = { kind, first: i, closed: j > runEnd, end: j };
    if (endsSentence(text, at, start, options)) {
      push(out, text.slice(start, j));
      start = j;
    }
    i = j;
  }
  push(out, text.slice(start));
  return out;
}

function push(out: string[], sentence: string): void {
  const trimmed = sentence.trim();
  if (trimmed.length > 0) out.push(trimmed);
}

type Stop = {
  kind: StopKind;
  /** Index of the first stop character of the run. */
  first: number;
  /** Quotes or brackets follow the stop: `win."`, `chart.)`. */
  closed: boolean;
  /** Index just after the run and its closers. */
  end: number;
};

function endsSentence(text: string, stop: Stop, sentenceStart: number, options: BoundaryOptions): boolean {
  const { kind, end } = stop;
  if (end >= text.length) return true;
  if (text.charCodeAt(end) !== SPACE) {
    // Chinese and Japanese set no space between sentences; a Japanese quote goes on with a particle.
    if (kind === "strong") return !(stop.closed && isHiragana(codePointAt(text, end)));
    if (kind === "question") return isCjk(codePointAt(text, end));
    // "3.5", "v2.0.1", "example.com/page.html", "a@b.co", "Wait...what".
    return false;
  }
  if (kind === "strong") return true;
  const next = skipOpeners(text, end + 1);
  const cp = codePointAt(text, next);
  if (kind === "question") return !goesOnLowerCase(text, next);
  if (kind === "ellipsis") return isUpper(cp);
  return dotEndsSentence(text, stop, next, cp, sentenceStart, options);
}

/** Past opening quotes, brackets and dashes, and the spaces between them ("!» — сказал он"). */
function skipOpeners(text: string, from: number): number {
  let i = from;
  while (i < text.length && i - from < MAX_OPENERS) {
    const c = text.charCodeAt(i);
    if (!isOpener(c) && !(c === SPACE && i > from)) break;
    i++;
  }
  return i;
}

/** A single full stop followed by a space: is it the end of a sentence? `next` is where the following word starts. */
function dotEndsSentence(
  text: string,
  stop: Stop,
  next: number,
  cp: number,
  sentenceStart: number,
  options: BoundaryOptions,
): boolean {
  if (goesOnLowerCase(text, next)) return false;
  // A quote or bracket closed after the stop: `He said "We will win." Then`, `(See the chart.) The`.
  if (stop.closed) return true;
  const dot = stop.first;
  const word = wordBefore(text, dot);
  if (word === null) return true;
  // A stop standing alone: a spaced ellipsis ". . ." or a stray dot.
  if (word.text.length === 0) return isUpper(cp);

  const spaced = spacedAbbreviation(text, dot);
  if (spaced) return spaced === NOT_FINAL ? false : mayEnd(spaced, text, next, cp);
  const w = withoutElision(word.text);
  const continuation = inMap(MAY_BE_FINAL, w);
  if (continuation) return mayEnd(continuation, text, next, cp);
  if (ENDS_BEFORE_STARTER.has(w) || isCapitalInitials(w)) return ENGLISH_SENTENCE_STARTERS.has(wordAt(text, next));
  if (inSet(NEVER_FINAL, w) || isAbbreviatedCompound(w)) return false;
  if (inSet(BEFORE_NUMBER, w)) return !isDigit(cp);
  if (YEAR_AFTER_NUMBER.has(w)) return followsNumber(text, word.start) && mayEnd(YEAR_CONTINUATION, text, next, cp);
  if (isSingleLetter(w)) {
    // "J. K. Rowling", "George W. Bush", "г. Москва"; but "…and so did I. Then" ends unless an initial follows ("I. M. Pei").
    return w === "I" && !isInitialAt(text, next);
  }
  if (isDottedAbbreviation(w)) return false;
  if (isNumber(w)) {
    // A list marker: "1. Preheat the oven.", "Steps: 1. Mix."
    if (word.start === firstNonSpace(text, sentenceStart) || text.charCodeAt(word.start - 2) === COLON) return false;
    if (w.length <= MAX_ORDINAL_DIGITS && isUpper(cp)) {
      const following = wordAt(text, next);
      if (options.german || GERMAN_MONTHS.has(following) || GERMAN_ORDINAL_NOUNS.has(following)) return false;
    }
  }
  return true;
}

/**
 * Lower case after a stop continues the sentence, except a name such as "iPhone" or "eBay" that
 * starts lower case and goes on in capitals.
 */
function goesOnLowerCase(text: string, at: number): boolean {
  const cp = codePointAt(text, at);
  return isLower(cp) && !isUpper(codePointAt(text, at + (cp > 0xffff ? 2 : 1)));
}

/** "l'art" is "art" with an elided article: look the abbreviation up without it. */
function withoutElision(word: string): string {
  const apostrophe = Math.max(word.lastIndexOf("'"), word.lastIndexOf("’"));
  if (apostrophe < 1 || apostrophe > MAX_ELIDED_CHARS || word.length - apostrophe <= 2) return word;
  return word.slice(apostrophe + 1);
}

type Word = { text: string; start: number };

/** The word ending at the stop, without opening quotes or brackets; null when too long to be anything special. */
function wordBefore(text: string, dot: number): Word | null {
  let start = dot;
  while (start > 0 && text.charCodeAt(start - 1) !== SPACE) {
    if (dot - start >= MAX_WORD_CHARS) return null;
    start--;
  }
  while (start < dot && isOpener(text.charCodeAt(start))) start++;
  // `"yes".`, `(see chart).`: the word is quoted or bracketed, so the stop is the sentence's own.
  if (start < dot && isCloser(text.charCodeAt(dot - 1))) return null;
  return { text: text.slice(start, dot), start };
}

/** A word as written, then with its first letter lowered ("Prof" for "prof", "E.g" for "e.g"). */
function spellings(word: string): string[] {
  const first = codePointAt(word, 0);
  if (!isUpper(first)) return [word];
  const head = String.fromCodePoint(first);
  return [word, head.toLowerCase() + word.slice(head.length)];
}

const inSet = (set: ReadonlySet<string>, word: string): boolean => spellings(word).some((w) => set.has(w));

function inMap<T>(map: ReadonlyMap<string, T>, word: string): T | undefined {
  for (const w of spellings(word)) {
    const hit = map.get(w);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

const NOT_FINAL = "not final";

/** A two-word abbreviation ending at the stop ("и т. д.", "p. ex."): how it may end, or NOT_FINAL. */
function spacedAbbreviation(text: string, dot: number): Continuation | typeof NOT_FINAL | undefined {
  const endsWith = (entry: string) => {
    const from = dot - entry.length;
    if (from < 0 || text.slice(from, dot) !== entry) return false;
    return from === 0 || text.charCodeAt(from - 1) === SPACE || isOpener(text.charCodeAt(from - 1));
  };
  for (const entry of SPACED_NEVER_FINAL) if (endsWith(entry)) return NOT_FINAL;
  for (const [entry, continuation] of SPACED_MAY_BE_FINAL) if (endsWith(entry)) return continuation;
  return undefined;
}

/** "Goethe-Str", "Karl-Marx-Str", "Hauptstr": a compound whose last part is an abbreviation. */
function isAbbreviatedCompound(word: string): boolean {
  const hyphen = word.lastIndexOf("-");
  if (hyphen > 0 && hyphen < word.length - 1 && inSet(NEVER_FINAL, word.slice(hyphen + 1))) return true;
  return ABBREVIATED_ENDINGS.some((end) => word.length > end.length && word.endsWith(end));
}

/**
 * An abbreviation that may end a sentence ends it when a capitalised word follows that does not
 * carry the abbreviation on ("Apple Inc. CEO", "10 a.m. Monday").
 */
function mayEnd(continuation: Continuation, text: string, next: number, cp: number): boolean {
  if (!isLetter(cp) || goesOnLowerCase(text, next)) return false;
  const following = wordAt(text, next);
  if (continuation.words.has(following)) return false;
  return !(continuation.acronyms && isAcronym(following));
}

/** The word starting at `from`: letters, digits, marks, hyphens and apostrophes, cut at a bounded length. */
function wordAt(text: string, from: number): string {
  let end = from;
  while (end < text.length && end - from < MAX_NEXT_WORD_CHARS && isWordChar(text, end)) end++;
  return text.slice(from, end);
}

const WORD_CHAR = /^[\p{L}\p{M}\p{Nd}'’-]$/u;
const isWordChar = (text: string, i: number): boolean => WORD_CHAR.test(text[i] ?? "");

const isAcronym = (word: string): boolean =>
  word.length >= 2 && word === word.toUpperCase() && word !== word.toLowerCase();

const isSingleLetter = (word: string): boolean => {
  const cp = codePointAt(word, 0);
  return word.length === (cp > 0xffff ? 2 : 1) && isLetter(cp);
};

/** A single letter followed by a full stop: another initial. */
function isInitialAt(text: string, at: number): boolean {
  const cp = codePointAt(text, at);
  const width = cp > 0xffff ? 2 : 1;
  return isLetter(cp) && text.charCodeAt(at + width) === 0x2e;
}

/** "e.g", "U.S", "z.B", "EE.UU", "т.е", "Ph.D": short letter groups joined by dots. */
function isDottedAbbreviation(word: string): boolean {
  const parts = word.split(".");
  if (parts.length < 2) return false;
  return parts.every((p) => p.length >= 1 && p.length <= 2 && [...p].every((c) => isLetter(codePointAt(c, 0))));
}

/** "U.S", "D.C", "M.A": capital initials of a place or a degree, which can end a sentence. */
const isCapitalInitials = (word: string): boolean =>
  isDottedAbbreviation(word) && word === word.toUpperCase() && word !== word.toLowerCase();

function isNumber(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return word.length > 0;
}

/** The word before `wordStart` is a number: "в 2020 г." */
function followsNumber(text: string, wordStart: number): boolean {
  const end = wordStart - 1;
  if (end <= 0 || text.charCodeAt(end) !== SPACE) return false;
  let start = end;
  while (start > 0 && end - start < MAX_WORD_CHARS && text.charCodeAt(start - 1) !== SPACE) start--;
  return isNumber(text.slice(start, end));
}

function firstNonSpace(text: string, from: number): number {
  return text.charCodeAt(from) === SPACE ? from + 1 : from;
}
