import { sentencesIn } from "./boundary.js";
import { codePointAt, isCloser, isDigit, isLetter, isLower, isOpener, isUpper, SPACE, stopKind } from "./chars.js";

/**
 * A paragraph whose lines mostly run on without a stop has been hard-wrapped (an e-mail, text copied
 * from a PDF): its line breaks are spaces, and a capital after one is usually a name, not a new sentence.
 */
const WRAP_MIN_LINES = 3;
/** A caption between two paragraph lines is one line running on; a wrapped paragraph has several. */
const WRAP_MIN_RUN_ON_LINES = 2;
const WRAP_MIN_LINE_CHARS = 40;
const WRAP_MIN_SHARE = 0.5;
/** In a hard-wrapped paragraph a heading stands out by being this much shorter than the longest line. */
const WRAPPED_HEADING_MAX_SHARE = 0.6;
/** Opening quotes and brackets skipped to find the first letter of a line. */
const MAX_OPENERS = 8;

/** A line ending in one of these goes on in the next line ("Results:", "apples,", "self-"). */
const RUNS_ON = new Set([...",;:-–—/(&+"].map((c) => c.charCodeAt(0)));
/** List bullets that are never text; "•item" needs no space. */
const BULLETS = new Set([..."•▪◦‣●○■□►▸▶✓✔➢"].map((c) => c.charCodeAt(0)));
/** List bullets that are also text ("-5 °C", "*emphasis*"): a bullet only when a space follows. */
const SPACED_BULLETS = new Set([..."-*–—+"].map((c) => c.charCodeAt(0)));
/** "1." to "999." and "1)" number list items; "2020." starts no list. */
const MAX_LIST_DIGITS = 3;

/** Paragraphs (separated by blank lines), whitespace collapsed, empty ones dropped. */
export function splitParagraphs(text: string): string[] {
  return paragraphLines(text).map((lines) => lines.join(" "));
}

/**
 * The sentences of a text, in order: trimmed, whitespace collapsed to single spaces, never empty,
 * each a verbatim slice of the text up to whitespace (a list bullet such as "•" is left out).
 * `lang` (BCP 47, may be empty) only tunes German ordinals; abbreviations of all languages are known.
 * Linear in the length of the text; never throws.
 */
export function splitSentences(text: string, lang?: string | null): string[] {
  return splitSentencesByParagraph(text, lang).flat();
}

/** The sentences of each paragraph, for callers that weigh a sentence by its place in the text. */
export function splitSentencesByParagraph(text: string, lang?: string | null): string[][] {
  if (typeof text !== "string" || text.length === 0) return [];
  const options = { german: /^de(?:$|[-_])/i.test(lang ?? "") };
  const out: string[][] = [];
  for (const lines of paragraphLines(text)) {
    const sentences = segmentsOf(lines).flatMap((segment) => sentencesIn(segment, options));
    if (sentences.length > 0) out.push(sentences);
  }
  return out;
}

/** Each paragraph as its non-empty lines, whitespace collapsed. */
function paragraphLines(text: string): string[][] {
  if (typeof text !== "string") return [];
  const normal = text.replace(/\r\n?|[\u2028\u0085]/g, "\n").replace(/[\u2029\f\v]/g, "\n\n");
  const paragraphs: string[][] = [];
  let lines: string[] = [];
  for (const raw of normal.split("\n")) {
    const line = raw.replace(/\s+/g, " ").trim();
    if (line.length > 0) {
      lines.push(line);
    } else if (lines.length > 0) {
      paragraphs.push(lines);
      lines = [];
    }
  }
  if (lines.length > 0) paragraphs.push(lines);
  return paragraphs;
}

/**
 * Joins the lines of a paragraph into stretches that no sentence crosses the end of: a line break
 * ends a sentence before and after a list item, and after a heading or caption — a line with no
 * final stop, itself starting a sentence, followed by a line that starts one.
 */
function segmentsOf(lines: readonly string[]): string[] {
  const wrapped = isHardWrapped(lines);
  let longest = 0;
  for (const line of lines) longest = Math.max(longest, line.length);
  const segments: string[] = [];
  let current: string[] = [];
  let inList = false;
  let startsSentence = true;
  const begin = (line: string) => {
    if (current.length > 0) segments.push(current.join(" "));
    inList = isListItem(line);
    const text = withoutBullet(line);
    current = text.length > 0 ? [text] : [];
    startsSentence = true;
  };
  let previous: string | undefined;
  for (const line of lines) {
    if (previous === undefined) {
      begin(line);
      previous = line;
      continue;
    }
    const breaks =
      isListItem(line) ||
      (inList && !startsLowerCase(line)) ||
      (startsSentence &&
        looksLikeHeading(previous) &&
        startsNewSentence(line) &&
        (!wrapped || previous.length <= longest * WRAPPED_HEADING_MAX_SHARE));
    if (breaks) {
      begin(line);
    } else {
      current.push(line);
      startsSentence = endsWithStop(previous);
    }
    previous = line;
  }
  if (current.length > 0) segments.push(current.join(" "));
  return segments;
}

function isHardWrapped(lines: readonly string[]): boolean {
  if (lines.length < WRAP_MIN_LINES) return false;
  let runOn = 0;
  for (let k = 0; k < lines.length - 1; k++) {
    const line = lines[k] ?? "";
    if (line.length >= WRAP_MIN_LINE_CHARS && !endsWithStop(line)) runOn++;
  }
  return runOn >= WRAP_MIN_RUN_ON_LINES && runOn >= (lines.length - 1) * WRAP_MIN_SHARE;
}

/** The last character before any closing quotes or brackets. */
function lastCode(line: string): number {
  let i = line.length - 1;
  while (i > 0 && isCloser(line.charCodeAt(i))) i--;
  return line.charCodeAt(i);
}

const endsWithStop = (line: string): boolean => stopKind(lastCode(line)) !== undefined;

const looksLikeHeading = (line: string): boolean => !endsWithStop(line) && !RUNS_ON.has(lastCode(line));

/** The first letter or digit of a line, past opening quotes, brackets and ¿¡. */
function firstContent(line: string): number {
  let i = 0;
  while (i < line.length && i < MAX_OPENERS && isOpener(line.charCodeAt(i))) i++;
  return codePointAt(line, i);
}

/** A capital, a digit or a letter of a script without case (Chinese, Arabic) starts a sentence. */
function startsNewSentence(line: string): boolean {
  const cp = firstContent(line);
  return isUpper(cp) || isDigit(cp) || (isLetter(cp) && !isLower(cp));
}

const startsLowerCase = (line: string): boolean => isLower(firstContent(line));

function isListItem(line: string): boolean {
  const first = line.charCodeAt(0);
  if (BULLETS.has(first)) return true;
  if (SPACED_BULLETS.has(first)) return line.charCodeAt(1) === SPACE;
  // "(1) item", "(a) item"
  if (first === 0x28) {
    const close = line.slice(0, MAX_LIST_DIGITS + 2).indexOf(")");
    return close > 1 && close <= MAX_LIST_DIGITS + 1 && line.charCodeAt(close + 1) === SPACE && isMarker(line.slice(1, close));
  }
  // "1. item", "1) item", "a) item"
  let i = 0;
  while (i < line.length && i <= MAX_LIST_DIGITS && line.charCodeAt(i) >= 0x30 && line.charCodeAt(i) <= 0x39) i++;
  const mark = line.charCodeAt(i);
  if (i >= 1 && i <= MAX_LIST_DIGITS) return (mark === 0x2e || mark === 0x29) && line.charCodeAt(i + 1) === SPACE;
  return isAsciiLetter(first) && line.charCodeAt(1) === 0x29 && line.charCodeAt(2) === SPACE;
}

function isMarker(inside: string): boolean {
  if (inside.length === 1 && isAsciiLetter(inside.charCodeAt(0))) return true;
  return /^[0-9]+$/.test(inside);
}

const isAsciiLetter = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/** A bullet symbol is layout, not text: the sentence starts after it. Numbers stay ("1. Preheat the oven."). */
function withoutBullet(line: string): string {
  const first = line.charCodeAt(0);
  if (BULLETS.has(first) || (SPACED_BULLETS.has(first) && line.charCodeAt(1) === SPACE)) return line.slice(1).trim();
  return line;
}
