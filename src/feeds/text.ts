/**
 * Feed text to plain text: entity decoding and markup stripping by linear scans, with no DOM and
 * no recursion, so a hostile item costs time in proportion to its length and no more.
 */

/** Longest summary kept, in characters (the ellipsis included). */
export const MAX_SUMMARY_CHARS = 1_000;
/** Markup read per field: far more than a 1,000-character summary needs, little enough to bound work. */
const MAX_MARKUP_TEXT = 20_000;

/**
 * Named references decoded: XML's five, and the HTML ones feeds actually use (RSS 0.91's DTD made
 * them common; HTML in descriptions uses them everywhere). Unknown names stay as written, and
 * so do entities a document declares itself: declarations are never expanded.
 */
const NAMED: Readonly<Record<string, string>> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'",
  nbsp: "\u00a0", shy: "\u00ad", copy: "©", reg: "®", trade: "™", deg: "°", plusmn: "±", micro: "µ",
  para: "¶", sect: "§", middot: "·", bull: "•", hellip: "…", prime: "′", Prime: "″",
  ndash: "–", mdash: "—", lsquo: "‘", rsquo: "’", sbquo: "‚", ldquo: "“", rdquo: "”", bdquo: "„",
  laquo: "«", raquo: "»", lsaquo: "‹", rsaquo: "›", dagger: "†", Dagger: "‡", permil: "‰",
  euro: "€", pound: "£", yen: "¥", cent: "¢", curren: "¤", times: "×", divide: "÷", minus: "−",
  frac12: "½", frac14: "¼", frac34: "¾", sup1: "¹", sup2: "²", sup3: "³", iexcl: "¡", iquest: "¿",
  ordf: "ª", ordm: "º", not: "¬", macr: "¯", acute: "´", cedil: "¸", uml: "¨", brvbar: "¦",
  ensp: "\u2002", emsp: "\u2003", thinsp: "\u2009", zwnj: "\u200c", zwj: "\u200d", lrm: "\u200e", rlm: "\u200f",
  larr: "←", rarr: "→", uarr: "↑", darr: "↓", harr: "↔", check: "✓",
  Agrave: "À", Aacute: "Á", Acirc: "Â", Atilde: "Ã", Auml: "Ä", Aring: "Å", AElig: "Æ", Ccedil: "Ç",
  Egrave: "È", Eacute: "É", Ecirc: "Ê", Euml: "Ë", Igrave: "Ì", Iacute: "Í", Icirc: "Î", Iuml: "Ï",
  ETH: "Ð", Ntilde: "Ñ", Ograve: "Ò", Oacute: "Ó", Ocirc: "Ô", Otilde: "Õ", Ouml: "Ö", Oslash: "Ø",
  Ugrave: "Ù", Uacute: "Ú", Ucirc: "Û", Uuml: "Ü", Yacute: "Ý", THORN: "Þ", szlig: "ß",
  agrave: "à", aacute: "á", acirc: "â", atilde: "ã", auml: "ä", aring: "å", aelig: "æ", ccedil: "ç",
  egrave: "è", eacute: "é", ecirc: "ê", euml: "ë", igrave: "ì", iacute: "í", icirc: "î", iuml: "ï",
  eth: "ð", ntilde: "ñ", ograve: "ò", oacute: "ó", ocirc: "ô", otilde: "õ", ouml: "ö", oslash: "ø",
  ugrave: "ù", uacute: "ú", ucirc: "û", uuml: "ü", yacute: "ý", thorn: "þ", yuml: "ÿ",
  OElig: "Œ", oelig: "œ", Scaron: "Š", scaron: "š", Yuml: "Ÿ", fnof: "ƒ", circ: "ˆ", tilde: "˜",
};

/** `&#128;`–`&#159;` as HTML reads them: Windows-1252, which is what such references meant. */
const WINDOWS_1252 = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";

const REFERENCE = /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

function fromCodePoint(code: number): string {
  if (code >= 0x80 && code <= 0x9f) return WINDOWS_1252[code - 0x80] ?? "\ufffd";
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(code);
}

/** Character references and the known named entities, decoded once. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(REFERENCE, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (dec !== undefined) return fromCodePoint(Number.parseInt(dec, 10));
    if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16));
    return name !== undefined && Object.hasOwn(NAMED, name) ? (NAMED[name] ?? whole) : whole;
  });
}

/** Whitespace runs (no-break spaces included) to one space, trimmed. */
export function collapse(text: string): string {
  return text.replace(/[\s\u00a0\u200b]+/g, " ").trim();
}

/** At most `max` characters, cut at a word when one ends near the limit, with an ellipsis. */
export function clip(text: string, max = MAX_SUMMARY_CHARS): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  if (space >= max * 0.8) cut = cut.slice(0, space);
  // Never leave half of a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/** Elements whose contents are not text a reader sees. */
const SKIPPED_ELEMENTS = ["script", "style", "template", "noscript", "iframe", "object", "svg", "math"];
/** Elements that separate words: replaced by a space rather than nothing. */
const BLOCK_ELEMENT = /^\/?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|table|tr|td|th|thead|tbody|tfoot|caption|section|article|aside|header|footer|nav|figure|figcaption|img|address|main|details|summary)$/;

/**
 * The text of an HTML fragment: tags removed (block tags leave a space), comments, scripts and
 * styles dropped, CDATA kept, entities decoded. One pass, each character looked at a bounded
 * number of times; stops once far more text than a summary needs has been read.
 */
export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  const out: string[] = [];
  let length = 0;
  let i = 0;
  const push = (s: string) => {
    out.push(s);
    length += s.length;
  };
  while (i < html.length && length < MAX_MARKUP_TEXT) {
    const lt = html.indexOf("<", i);
    if (lt === -1) {
      push(html.slice(i));
      break;
    }
    push(html.slice(i, lt));
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      if (end === -1) break;
      i = end + 3;
      continue;
    }
    if (html.startsWith("<![CDATA[", lt)) {
      const end = html.indexOf("]]>", lt + 9);
      push(end === -1 ? html.slice(lt + 9) : html.slice(lt + 9, end));
      if (end === -1) break;
      i = end + 3;
      continue;
    }
    const next = html.charCodeAt(lt + 1);
    const isLetter = (next >= 65 && next <= 90) || (next >= 97 && next <= 122);
    if (!isLetter && next !== 47 /* / */ && next !== 33 /* ! */ && next !== 63 /* ? */) {
      push("<");
      i = lt + 1;
      continue;
    }
    const gt = html.indexOf(">", lt + 1);
    if (gt === -1) break;
    const name = /^\/?[a-z][a-z0-9-]*/.exec(lower.slice(lt + 1, Math.min(gt, lt + 40)))?.[0] ?? "";
    if (SKIPPED_ELEMENTS.includes(name) && html[gt - 1] !== "/") {
      const close = lower.indexOf(`</${name}`, gt + 1);
      if (close === -1) break;
      const closeEnd = html.indexOf(">", close);
      if (closeEnd === -1) break;
      push(" ");
      i = closeEnd + 1;
      continue;
    }
    if (BLOCK_ELEMENT.test(name)) push(" ");
    i = gt + 1;
  }
  return decodeEntities(out.join(""));
}

/** A summary from HTML: stripped, collapsed, clipped; null when nothing is left. */
export function htmlSummary(html: string): string | null {
  const text = collapse(htmlToText(html));
  return text === "" ? null : clip(text);
}

/** A summary from plain text: collapsed, clipped; null when empty. */
export function textSummary(text: string): string | null {
  const collapsed = collapse(text.length > MAX_MARKUP_TEXT ? text.slice(0, MAX_MARKUP_TEXT) : text);
  return collapsed === "" ? null : clip(collapsed);
}

/** A title: entities decoded, whitespace collapsed; null when empty. Titles keep any `<` as written. */
export function titleText(text: string): string | null {
  const title = collapse(decodeEntities(text.length > MAX_MARKUP_TEXT ? text.slice(0, MAX_MARKUP_TEXT) : text));
  return title === "" ? null : title;
}
