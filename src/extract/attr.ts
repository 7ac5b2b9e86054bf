import type { Element } from "./parse.js";

/**
 * Reads one attribute straight from the element's raw attribute text with one pattern per name.
 * `attribute` parses and entity-decodes the element's attributes, which costs more than the rest
 * of the walk on attribute-heavy pages; the hot paths only need a few plain ASCII values (role,
 * style, hidden), so they skip that work. Values are not decoded.
 */
const patterns = new Map<string, RegExp>();

function patternFor(name: string): RegExp {
  let re = patterns.get(name);
  if (!re) {
    re = new RegExp(`(?:^|\\s)${name}(?:\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+)))?(?=\\s|/|$)`, "i");
    patterns.set(name, re);
  }
  return re;
}

export function rawAttr(el: Element, name: string): string | undefined {
  const raw = el.attrs;
  if (raw.length === 0) return undefined;
  // Cheap rejection first: most elements do not carry the attribute at all.
  // Attribute names are lower case in practice; an upper-case one is missed, never misread.
  if (raw.indexOf(name) < 0) return undefined;
  const m = patternFor(name).exec(raw);
  if (!m) return undefined;
  return m[1] ?? m[2] ?? m[3] ?? "";
}
