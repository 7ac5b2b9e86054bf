import { decodeHTML, decodeHTMLAttribute } from "entities";

/**
 * The page as a tree of plain records. The tree is node-html-parser's (9.0), built by the same rules
 * with the options Skim used it with: its tag pattern; the elements an opening or a closing tag
 * closes; a closing tag closes every element opened inside its match, as browsers do (otherwise one
 * stray `<div>` for `</div>` inside a button nests the rest of the page in the button); unclosed
 * elements stay nested, as browsers keep them; no raw-text elements (prescan has already cut
 * scripts and styles out); comments dropped. One rule is the browser's and not the library's: an
 * unclosed head ends where the body starts. A differential test holds the two trees equal.
 *
 * What is left out is the library's object model: a node object with range, class list and parsed
 * id per element, getters, parent links. On a short-lived `skim extract` process most of the work
 * runs before the JIT has warmed up, and there those objects cost as much as the rest of the
 * extractor.
 */

export type Element = {
  /** Lower-case when the page writes it with a capital first letter (as pages do in practice). */
  tag: string;
  /** The attribute text as written, entities undecoded, without the separating space. */
  attrs: string;
  /** `id` and `class` as written (the last one given), unquoted. */
  id: string;
  cls: string;
  children: Child[];
};

/** Raw text (entities undecoded) or an element. */
export type Child = string | Element;

const MARKUP =
  /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][-.:0-9_a-zA-Z@\xB7\xC0-\xD6\xD8-\xF6\u00F8-\u03A1\u03A3-\u03D9\u03DB-\u03EF\u03F7-\u03FF\u0400-\u04FF\u0500-\u052F\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1E9B\u1F00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2126\u212A-\u212B\u2132\u214E\u2160-\u2188\u2C60-\u2C7F\uA722-\uA787\uA78B-\uA78E\uA790-\uA7AD\uA7B0-\uA7B7\uA7F7-\uA7FF\uAB30-\uAB5A\uAB5C-\uAB5F\uAB64-\uAB65\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A\x37F-\u1FFF\u200C-\u200D\u203F-\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]*)((?:\s+[^>]*?(?:(?:'[^']*')|(?:"[^"]*"))?)*)\s*(\/?)>/gu;
const MARKUP_WITH_CDATA = new RegExp(MARKUP.source.replace("<!--[\\s\\S]*?-->|", "<!--[\\s\\S]*?-->|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|"), "gu");
const UNQUOTED_VALUE_AT_END = /(?:^|\s)[^\s"'<>=/]+\s*=\s*[^\s"'<>`]+$/;
const ID_OR_CLASS = /(?:^|\s)(id|class)\s*=\s*((?:'[^']*')|(?:"[^"]*")|\S+)/gi;
const ID_OR_CLASS_NAME = /id|class/i;

/** Tag-name tables match a name written all in lower or all in upper case, as the library's do. */
function table(entries: Record<string, string[]>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [open, closers] of Object.entries(entries)) {
    const set = new Set(closers.flatMap((c) => [c, c.toUpperCase()]));
    out.set(open, set);
    out.set(open.toUpperCase(), set);
  }
  return out;
}

const CELL_CLOSERS = ["td", "th", "tr", "tbody", "tfoot"];
/** An open element that a new opening tag closes first (`<p>` ends at the next `<p>` or `<div>`). */
const CLOSED_BY_OPENING = table({
  li: ["li"], p: ["p", "div"], b: ["div"], td: CELL_CLOSERS, th: CELL_CLOSERS, tr: ["tr", "tbody", "tfoot"],
  thead: ["tbody", "tfoot"], tbody: ["tbody", "tfoot"], h1: ["h1"], h2: ["h2"], h3: ["h3"], h4: ["h4"], h5: ["h5"],
  h6: ["h6"], dt: ["dt", "dd"], dd: ["dt", "dd"],
});
const TABLE_PARTS = ["tr", "table", "thead", "tbody", "tfoot"];
/** An open element that a closing tag of its container closes on the way (`</ul>` ends an open `<li>`). */
const CLOSED_BY_CLOSING = table({
  li: ["ul", "ol"], a: ["div"], b: ["div"], i: ["div"], p: ["div"], td: TABLE_PARTS, th: TABLE_PARTS,
  tr: ["table", "thead", "tbody", "tfoot"], tbody: ["table"], tfoot: ["table"], dt: ["dl", "body", "html"], dd: ["dl", "body", "html"],
});
/** Containers whose closing tag does not close an open `<p>` inside them. */
const P_STAYS_OPEN_IN = new Set(["a", "audio", "del", "ins", "map", "noscript", "video"]);
const VOID = new Set(
  ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"].flatMap((t) => [t, t.toUpperCase()]),
);

function lowerTag(raw: string): string {
  const c = raw.charCodeAt(0);
  return c >= 65 && c <= 90 ? raw.toLowerCase() : raw;
}

function newElement(raw: string, attributes: string): Element {
  let id = "";
  let cls = "";
  if (attributes.length > 0 && ID_OR_CLASS_NAME.test(attributes)) {
    ID_OR_CLASS.lastIndex = 0;
    for (let m; (m = ID_OR_CLASS.exec(attributes)); ) {
      const v = m[2]!;
      const value = v[0] === "'" || v[0] === '"' ? v.slice(1, v.length - 1) : v;
      if (m[1]!.length === 2) id = value;
      else cls = value;
    }
  }
  return { tag: lowerTag(raw), attrs: attributes.slice(1), id, cls, children: [] };
}

/** The library wraps the markup in a frame element of this name, and ignores any the page writes. */
const FRAME = "documentfragmentcontainer";

/** Parses markup into a root element (tag ""), iteratively: hostile pages nest tens of thousands deep. */
export function parseHtml(markup: string): Element {
  const root: Element = { tag: "", attrs: "", id: "", cls: "", children: [] };
  const pattern = markup.includes("<![CDATA[") ? MARKUP_WITH_CDATA : MARKUP;
  // The frame decides where the last text ends: a tag left open at the end swallows it, text and all.
  const data = `<${FRAME}>${markup}</${FRAME}>`;
  // The open elements, and beside them the tag names as written: the rules compare those.
  const stack: Element[] = [root];
  const names: string[] = [""];
  let current = root;
  let currentName = "";
  let lastText = -1;
  const pop = () => {
    stack.pop();
    names.pop();
    current = stack[stack.length - 1]!;
    currentName = names[names.length - 1]!;
  };
  pattern.lastIndex = 0;
  for (let match; (match = pattern.exec(data)); ) {
    const text = match[0];
    const end = pattern.lastIndex;
    const start = end - text.length;
    if (lastText > -1 && lastText < start) current.children.push(data.substring(lastText, start));
    lastText = end;
    if (text.charCodeAt(1) === 33 /* ! */) {
      if (text.startsWith("<![CDATA[")) current.children.push(text);
      continue; // a comment
    }
    const leadingSlash = match[1] !== "";
    const name = match[2]!;
    if (name === FRAME) continue;
    let attributes = match[3]!;
    let closingSlash = match[4] !== "";
    // `<a href=/path/>`: the slash ends an unquoted value, it does not close the element.
    if (closingSlash && !leadingSlash && UNQUOTED_VALUE_AT_END.test(attributes) && !VOID.has(name)) {
      attributes += "/";
      closingSlash = false;
    }
    if (!leadingSlash) {
      if (!closingSlash) while (CLOSED_BY_OPENING.get(currentName)?.has(name)) pop();
      // A page that never closes its head: the body ends it, as in a browser (node-html-parser
      // would nest the whole page in the head, which is never read).
      if (name.length === 4 && name.toLowerCase() === "body") {
        const head = names.findIndex((n) => n.toLowerCase() === "head");
        if (head > 0) while (stack.length > head) pop();
      }
      const el = newElement(name, attributes);
      current.children.push(el);
      stack.push(el);
      names.push(name);
      current = el;
      currentName = name;
      if (!closingSlash && !VOID.has(name)) continue;
    }
    for (;;) {
      if (currentName === name) {
        pop();
        break;
      }
      if (CLOSED_BY_CLOSING.get(currentName.toUpperCase())?.has(name)) {
        pop();
        continue;
      }
      if (stack.length > 1 && currentName.toLowerCase() === "p") {
        const container = names[names.length - 2]!.toLowerCase();
        if (container !== "" && container === name.toLowerCase() && !P_STAYS_OPEN_IN.has(container)) {
          pop();
          continue;
        }
      }
      // A closing tag closes every element opened inside its match, as browsers do.
      let i = names.length - 2;
      while (i >= 0 && names[i] !== name) i--;
      if (i < 0) break;
      while (stack.length > i) pop();
    }
  }
  return root;
}

/** A text child's text, entities decoded. */
export const decodeText = (raw: string): string => (raw.includes("&") ? decodeHTML(raw) : raw);

/** The element's class names as the DOM's class list gives them: unique, in order, space-separated. */
export function classNames(el: Element): string {
  if (el.cls === "") return "";
  return [...new Set(el.cls.split(/\s+/))].join(" ");
}

/** All text below an element, entities decoded (a `<br>` counts as a line break). */
export const textContent = (el: Element): string => decodeText(rawText(el));

const ATTRIBUTE = /([_a-zA-Z()[\]#@$.?:][a-zA-Z0-9-._:()[\]#]*)(?:\s*=\s*((?:'[^']*')|(?:"[^"]*")|\S+))?/g;

/**
 * One attribute, decoded, as the library's `getAttribute` reads it: names match in any case; of a
 * name written twice the first non-empty value counts; of names differing only in case, the one
 * written first last.
 */
export function attribute(el: Element, name: string): string | undefined {
  if (el.attrs.length === 0) return undefined;
  const wanted = name.toLowerCase();
  let values: Map<string, string> | undefined;
  ATTRIBUTE.lastIndex = 0;
  for (let m; (m = ATTRIBUTE.exec(el.attrs)); ) {
    const key = m[1]!;
    if (key.length !== wanted.length || key.toLowerCase() !== wanted) continue;
    let value = m[2] ?? "";
    if (value[0] === "'" || value[0] === '"') value = value.slice(1, value.length - 1);
    values ??= new Map();
    if (!values.get(key)) values.set(key, value);
  }
  if (values === undefined) return undefined;
  let last = "";
  for (const v of values.values()) last = v;
  return last === "" ? "" : decodeHTMLAttribute(last);
}

/** All text below an element as written, entities undecoded (a `<br>` counts as a line break). */
export function rawText(el: Element): string {
  const parts: string[] = [];
  const stack: Child[] = [el];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (typeof n === "string") parts.push(n);
    else if (isBr(n)) parts.push("\n");
    else for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return parts.join("");
}

const isBr = (el: Element): boolean => el.tag.length === 2 && el.tag.toLowerCase() === "br";
