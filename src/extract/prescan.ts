/**
 * Cuts what can never be article text (scripts, styles, inline SVG, templates, comments, the
 * doctype and `<?xml …?>` instructions) out of the markup before it is parsed. On news pages that is often most of the bytes,
 * and parsing is the extractor's main cost. JSON-LD scripts are kept aside for the metadata reader.
 * A `<noscript>` is cut too, unless it holds a page of markup: forum engines and lazy sites serve
 * their whole content there for readers without JavaScript, and an empty app shell outside it.
 * Each regular expression here is a literal search that cannot backtrack.
 */
export type Prescanned = {
  html: string;
  jsonLd: string[];
  /** Framework state (Next.js, Nuxt) that may hold the content an app shell renders with JavaScript. */
  state: string[];
};

/** The HTML elements that end an unclosed `<svg>` (the HTML standard's breakout list for foreign content). */
const SVG_BREAKOUT_NAMES = ["b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var"];
const OPEN = /<(?:(!--)|(![a-z]|\?[a-z])|(script|style|svg|template|noscript)(?=[\s/>]))/gi;
const CLOSE: Record<string, RegExp> = {
  script: /<\/script\s*>/gi,
  style: /<\/style\s*>/gi,
  // An `<svg>` the page never closes ends, as in a browser, at the first HTML element that
  // cannot live in it (a `<div>`, a `<p>`, a list…): otherwise it would swallow the page.
  svg: new RegExp(`<\\/svg\\s*>|<(?:${SVG_BREAKOUT_NAMES.join("|")})(?=[\\s/>])`, "gi"),
  template: /<\/template\s*>/gi,
  noscript: /<\/noscript\s*>/gi,
};
const JSON_LD = /application\/ld\+json/i;
/** Scripts that carry a framework's page state, by their id or their first statement. */
const STATE_ID = /__NEXT_DATA__|__NUXT_DATA__|__FRSH_STATE|__sveltekit/;
const STATE_START =
  /^\s*(self\.__next_f\.push|(window\.)?(__NUXT__|__remixContext|__reactRouterContext|__INITIAL_STATE__|__PRELOADED_STATE__|__APOLLO_STATE__|__APP_STATE__)\s*=)/;
/** More state than this is no page's text; past it the rest is not kept (the page has its DOM). */
const MAX_STATE_BYTES = 4_000_000;
/** A `<noscript>` this large, holding block markup, is the page's content, not a "please enable JavaScript". */
const NOSCRIPT_CONTENT_BYTES = 2_000;
const BLOCK_MARKUP = /<(?:p|div|article|li|h[1-6]|section|table)[\s>]/i;

export function prescan(html: string): Prescanned {
  const out: string[] = [];
  const jsonLd: string[] = [];
  const state: string[] = [];
  let stateBytes = 0;
  let pos = 0;
  OPEN.lastIndex = 0;
  for (let m = OPEN.exec(html); m !== null; m = OPEN.exec(html)) {
    const start = m.index;
    let stop: number;
    if (m[1] !== undefined) {
      const end = html.indexOf("-->", start + 4);
      stop = end < 0 ? html.length : end + 3;
    } else if (m[2] !== undefined) {
      const end = html.indexOf(">", start);
      stop = end < 0 ? html.length : end + 1;
    } else {
      const tag = m[3]!.toLowerCase();
      const openEnd = html.indexOf(">", start);
      if (openEnd < 0) {
        stop = html.length;
      } else {
        const close = CLOSE[tag]!;
        close.lastIndex = openEnd;
        const c = close.exec(html);
        // A breakout tag (not a closing one) ends an svg before itself: the tag stays in the markup.
        stop = c ? c.index + (c[0][1] === "/" ? c[0].length : 0) : html.length;
        const inner = () => html.slice(openEnd + 1, c ? c.index : html.length);
        if (tag === "script" && JSON_LD.test(html.slice(start, openEnd))) {
          jsonLd.push(inner());
        } else if (tag === "script" && stateBytes < MAX_STATE_BYTES && (STATE_ID.test(html.slice(start, openEnd)) || STATE_START.test(html.slice(openEnd + 1, openEnd + 60)))) {
          const text = inner();
          stateBytes += text.length;
          state.push(text);
        } else if (tag === "noscript" && isContent(html.slice(openEnd + 1, c ? c.index : html.length))) {
          // Only the tag goes: the scan goes on inside, where scripts are cut as anywhere else.
          stop = openEnd + 1;
        }
      }
    }
    out.push(html.slice(pos, start));
    pos = stop;
    OPEN.lastIndex = stop;
  }
  out.push(html.slice(pos));
  return { html: out.join(""), jsonLd, state };
}

function isContent(inner: string): boolean {
  return inner.length >= NOSCRIPT_CONTENT_BYTES && BLOCK_MARKUP.test(inner);
}

export type PrescannedBytes = { bytes: Uint8Array; jsonLd: Uint8Array[]; state: Uint8Array[] };

const NAMES = ["script", "style", "svg", "template", "noscript"].map((n) => Buffer.from(n, "latin1"));
const SVG_NAME = NAMES[2]!;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;

/** Case-insensitive match of a lower-case ASCII word at `at`. */
function wordAt(buf: Buffer, at: number, word: Buffer): boolean {
  if (at + word.length > buf.length) return false;
  for (let k = 0; k < word.length; k++) {
    const b = buf[at + k]!;
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== word[k]) return false;
  }
  return true;
}

const isBoundary = (b: number | undefined) => b === undefined || b === GT || b === SLASH || b === 0x20 || (b >= 0x09 && b <= 0x0d);

const SVG_BREAKOUT = SVG_BREAKOUT_NAMES.map((n) => Buffer.from(n, "latin1"));
const SVG = Buffer.from("svg", "latin1");

/** Where an `<svg>` ends: past its `</svg>`, or before the first breakout element if that comes first. */
function svgEnd(buf: Buffer, from: number): { start: number; end: number } | null {
  for (let i = buf.indexOf(LT, from); i >= 0; i = buf.indexOf(LT, i + 1)) {
    if (buf[i + 1] === SLASH) {
      if (wordAt(buf, i + 2, SVG) && isBoundary(buf[i + 5])) {
        const end = buf.indexOf(GT, i + 5);
        return { start: i, end: end < 0 ? buf.length : end + 1 };
      }
      continue;
    }
    if (SVG_BREAKOUT.some((n) => wordAt(buf, i + 1, n) && isBoundary(buf[i + 1 + n.length]))) return { start: i, end: i };
  }
  return null;
}

/** Index just past `</name ... >` at or after `from`, or -1. */
function closeOf(buf: Buffer, from: number, name: Buffer): { start: number; end: number } | null {
  for (let i = buf.indexOf("</", from, "latin1"); i >= 0; i = buf.indexOf("</", i + 2, "latin1")) {
    if (wordAt(buf, i + 2, name) && isBoundary(buf[i + 2 + name.length])) {
      const end = buf.indexOf(GT, i + 2 + name.length);
      return { start: i, end: end < 0 ? buf.length : end + 1 };
    }
  }
  return null;
}

/**
 * The same cut on undecoded bytes, for ASCII-compatible charsets: decoding is a large share of
 * the cost of reading a page, and most of a news page's bytes are the scripts thrown away here.
 */
export function prescanBytes(bytes: Uint8Array): PrescannedBytes {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Buffer[] = [];
  const jsonLd: Uint8Array[] = [];
  const state: Uint8Array[] = [];
  let stateBytes = 0;
  let pos = 0;
  for (let i = buf.indexOf(LT); i >= 0 && i < buf.length; i = buf.indexOf(LT, i + 1)) {
    let stop = -1;
    if (buf[i + 1] === 0x21 && buf[i + 2] === 0x2d && buf[i + 3] === 0x2d) {
      const end = buf.indexOf("-->", i + 4, "latin1");
      stop = end < 0 ? buf.length : end + 3;
    } else if ((buf[i + 1] === 0x21 || buf[i + 1] === 0x3f) && ((buf[i + 2] ?? 0) | 0x20) >= 0x61 && ((buf[i + 2] ?? 0) | 0x20) <= 0x7a) {
      // A declaration (`<!DOCTYPE …>`) or a processing instruction (`<?xml …?>`): never text.
      const end = buf.indexOf(GT, i + 2);
      stop = end < 0 ? buf.length : end + 1;
    } else {
      // Most tags start with another letter: test the first one before any word comparison.
      const first = (buf[i + 1] ?? 0) | 0x20;
      if (first !== 0x73 && first !== 0x74 && first !== 0x6e) continue; // s, t, n
      const name = NAMES.find((n) => wordAt(buf, i + 1, n) && isBoundary(buf[i + 1 + n.length]));
      if (!name) continue;
      const openEnd = buf.indexOf(GT, i);
      if (openEnd < 0) {
        stop = buf.length;
      } else {
        const close = name === SVG_NAME ? svgEnd(buf, openEnd + 1) : closeOf(buf, openEnd + 1, name);
        stop = close ? close.end : buf.length;
        const end = close ? close.start : buf.length;
        if (name === NAMES[0]) {
          const open = buf.toString("latin1", i, openEnd);
          if (JSON_LD.test(open)) jsonLd.push(buf.subarray(openEnd + 1, end));
          else if (stateBytes < MAX_STATE_BYTES && (STATE_ID.test(open) || STATE_START.test(buf.toString("latin1", openEnd + 1, Math.min(end, openEnd + 60))))) {
            stateBytes += end - openEnd - 1;
            state.push(buf.subarray(openEnd + 1, end));
          }
        } else if (name === NAMES[4] && isContent(buf.toString("latin1", openEnd + 1, Math.min(close ? close.start : buf.length, openEnd + 1 + 65_536)))) {
          stop = openEnd + 1;
        }
      }
    }
    kept.push(buf.subarray(pos, i));
    pos = stop;
    i = stop - 1;
  }
  if (pos === 0) return { bytes, jsonLd, state };
  kept.push(buf.subarray(pos));
  return { bytes: Buffer.concat(kept), jsonLd, state };
}
