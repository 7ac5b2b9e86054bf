import { paragraphsWeight as weightOf } from "./blocks.js";
import type { Metadata } from "./metadata.js";

/**
 * Content a page carries outside its visible markup: the JSON-LD `articleBody` or a product's
 * description, and the state a JavaScript framework renders from (Next.js `__NEXT_DATA__` and
 * its streamed `self.__next_f` payload, Nuxt's `__NUXT_DATA__` / `window.__NUXT__`, Remix and
 * React Router contexts, the `window.__INITIAL_STATE__` of Redux-style stores). Used when
 * the DOM holds only an app shell or a teaser. From framework state only strings that read as
 * prose are taken, in page order: titles, labels, ids and code stay out.
 */

export type Embedded = { source: "json-ld" | "product" | "framework"; paragraphs: string[] };

/** Strings shorter than this are labels, not paragraphs. */
const MIN_STRING = 60;
/** No page's text needs more: the reader stops there. */
const MAX_TEXT = 200_000;

const STRING_LITERAL = /"((?:[^"\\\n]|\\.){60,})"/g;
const TAG = /<[^<>]{0,2000}>/g;
const BREAK_TAG = /<\/(?:p|div|li|h[1-6]|blockquote|pre|tr)>|<br\s*\/?>/gi;
const ENTITY: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

function htmlToParagraphs(s: string): string[] {
  if (!s.includes("<")) return s.split(/\n\s*\n|\n/);
  return s
    .replace(BREAK_TAG, "\n")
    .replace(TAG, " ")
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, e: string) => ENTITY[e] ?? " ")
    .split(/\n+/);
}

const clean = (p: string) => p.replace(/\s+/g, " ").trim();

/** A string that reads as a sentence or more of prose, not an id, a URL, a class list or code. */
function isProseString(s: string): boolean {
  if (s.length < MIN_STRING) return false;
  const words = s.split(" ").length;
  if (words < 8) return false;
  if (!/[.!?…。！？]/.test(s)) return false;
  if (/https?:\/\/\S+/.test(s) && s.replace(/https?:\/\/\S+/g, "").length < s.length * 0.6) return false;
  const letters = s.match(/\p{L}/gu)?.length ?? 0;
  if (letters < s.length * 0.6) return false;
  // Code and markup-in-a-string: braces, arrows and semicolons a sentence does not have.
  const code = s.match(/[{};=<>]|=>/g)?.length ?? 0;
  return code <= words / 10;
}

function paragraphsOf(strings: Iterable<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let size = 0;
  for (const raw of strings) {
    for (const piece of htmlToParagraphs(raw)) {
      const p = clean(piece);
      if (!isProseString(p) || seen.has(p)) continue;
      seen.add(p);
      out.push(p);
      size += p.length;
      if (size > MAX_TEXT) return out;
    }
  }
  return out;
}

/** String literals of a JSON or JavaScript text, unescaped, in order. */
function* literals(source: string): Generator<string> {
  STRING_LITERAL.lastIndex = 0;
  for (let m = STRING_LITERAL.exec(source); m !== null; m = STRING_LITERAL.exec(source)) {
    try {
      yield JSON.parse(`"${m[1]}"`) as string;
    } catch {
      // A JavaScript escape JSON does not know (\x41, \'): not worth reading.
    }
  }
}

const FLIGHT_PUSH = /^\s*self\.__next_f\.push\(([\s\S]*)\)\s*;?\s*$/;

/** Next.js streams its server components as `self.__next_f.push([1, "<chunk>"])`: the chunks join into one payload. */
function flightPayload(scripts: readonly string[]): string {
  const chunks: string[] = [];
  for (const s of scripts) {
    const m = FLIGHT_PUSH.exec(s);
    if (!m) continue;
    try {
      const arg = JSON.parse(m[1]!) as unknown;
      if (Array.isArray(arg) && typeof arg[1] === "string") chunks.push(arg[1]);
    } catch {
      // Not a literal array: nothing to read.
    }
  }
  return chunks.join("");
}

export function frameworkText(scripts: readonly string[]): string[] {
  const flight = flightPayload(scripts);
  const others = scripts.filter((s) => !FLIGHT_PUSH.test(s));
  function* all(): Generator<string> {
    for (const s of others) yield* literals(s);
    if (flight) yield* literals(flight);
  }
  return paragraphsOf(all());
}

/** The JSON-LD's own body text, unless the page says it is not free to read (no paywall is got round). */
function linkedText(meta: Metadata): Embedded | null {
  const linked = meta.linked;
  if (linked?.articleBody && linked.isAccessibleForFree !== false) {
    const paragraphs = htmlToParagraphs(linked.articleBody).map(clean).filter((p) => p.length > 0);
    if (paragraphs.length > 0) return { source: "json-ld", paragraphs };
  }
  const product = meta.linkedData.product;
  if (product?.description) {
    const paragraphs = htmlToParagraphs(product.description).map(clean).filter((p) => p.length > 0);
    if (product.name) paragraphs.unshift(clean(product.name));
    return { source: "product", paragraphs };
  }
  return null;
}


/** Below this much text the DOM may be a teaser of the JSON-LD's body. */
const TEASER_BELOW = 3_000;
/** Below this it is an app shell: framework state is read (it also holds every review and every related item, so not sooner). */
const SHELL_BELOW = 250;
/** Embedded text replaces the DOM's when it says at least this many times as much. */
const FACTOR = 3;

/** What the page embeds, when it says much more than the DOM did. Framework state is read only for an app shell. */
export function embeddedContent(meta: Metadata, state: () => string[], domWeight: number): Embedded | null {
  if (domWeight >= TEASER_BELOW) return null;
  const linked = linkedText(meta);
  if (linked && weightOf(linked.paragraphs) >= Math.max(domWeight * FACTOR, 1)) return linked;
  if (domWeight >= SHELL_BELOW) return null;
  const scripts = state();
  if (scripts.length === 0) return null;
  const paragraphs = frameworkText(scripts);
  return weightOf(paragraphs) >= Math.max(domWeight * FACTOR, 1) ? { source: "framework", paragraphs } : null;
}
