/**
 * Character classes the sentence segmenter asks about. Each test takes a UTF-16 code unit or a code
 * point; -1 (past the end of the text) belongs to no class.
 */

/** How a run of sentence punctuation may end a sentence. */
export type StopKind =
  /** "." — ends a sentence unless the word before it is an abbreviation, an initial or a number. */
  | "dot"
  /** "…" or "..." — trailing off mid-sentence is common, so only a capital after it starts a new one. */
  | "ellipsis"
  /** "?" "!" — ends a sentence unless lower case follows (`"Is it over?" she asked`). */
  | "question"
  /** "。" "！" "？" and the danda: end a sentence even with no space after them. */
  | "strong";

const STOPS: ReadonlyMap<number, StopKind> = new Map<number, StopKind>([
  [0x2e, "dot"], [0xff0e, "dot"],
  [0x2026, "ellipsis"],
  [0x3f, "question"], [0x21, "question"], [0x203c, "question"], [0x2047, "question"], [0x2048, "question"],
  [0x2049, "question"], [0x203d, "question"], [0x61f, "question"], [0xfe56, "question"], [0xfe57, "question"],
  [0x3002, "strong"], [0xff01, "strong"], [0xff1f, "strong"], [0xff61, "strong"], [0xfe12, "strong"],
  [0x964, "strong"], [0x965, "strong"], [0x6d4, "strong"], [0x1362, "strong"], [0x104b, "strong"], [0x589, "strong"],
]);

const STOP_RANK: Record<StopKind, number> = { dot: 0, ellipsis: 1, question: 2, strong: 3 };

export function stopKind(code: number): StopKind | undefined {
  // Most characters are ASCII and not stops: answer them without the map.
  if (code < 0x80 && code !== 0x2e && code !== 0x3f && code !== 0x21) return undefined;
  return STOPS.get(code);
}

/** The kind of a run such as "?!" or "。」": the strongest member decides. */
export function strongerStop(a: StopKind, b: StopKind): StopKind {
  return STOP_RANK[b] > STOP_RANK[a] ? b : a;
}

const codes = (chars: string): ReadonlySet<number> => new Set([...chars].map((c) => c.charCodeAt(0)));

/**
 * What may close a sentence after its stop: quotes and brackets of every convention. « and “ are here
 * because German closes with them (»So.« „So.“); after a stop they cannot be opening anything.
 */
const CLOSERS = codes(`"'”’“»«›‹)]}」』）］｝〕〉》】〗〙〛｣`);

/** What may open a sentence before its first letter, dialogue dashes and ¿¡ included. */
const OPENERS = codes(`"'“‘„‚«»‹›([{¿¡「『（［｛〔〈《【〖〘〚｢—–-`);

/** French sets its closing guillemets off with a space: « Oui. » */
const SPACED_CLOSERS = codes("»›");

export const SPACE = 0x20;

export const isCloser = (code: number): boolean => CLOSERS.has(code);
export const isOpener = (code: number): boolean => OPENERS.has(code);
export const isSpacedCloser = (code: number): boolean => SPACED_CLOSERS.has(code);

const LOWER = /^\p{Ll}$/u;
const UPPER = /^[\p{Lu}\p{Lt}]$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;

const test = (re: RegExp, cp: number): boolean => cp >= 0 && re.test(String.fromCodePoint(cp));

export const isLower = (cp: number): boolean => test(LOWER, cp);
export const isUpper = (cp: number): boolean => test(UPPER, cp);
export const isLetter = (cp: number): boolean => test(LETTER, cp);
export const isDigit = (cp: number): boolean => test(DIGIT, cp);
export const isCjk = (cp: number): boolean => test(CJK, cp);
/** Japanese particles are hiragana: `「…。」と言った` goes on after the quote. */
export const isHiragana = (cp: number): boolean => cp >= 0x3041 && cp <= 0x309f;

/** The code point at a UTF-16 index, or -1 past the end. */
export const codePointAt = (s: string, i: number): number => s.codePointAt(i) ?? -1;
