import type { HTMLElement } from "node-html-parser";

/**
 * Reads one attribute straight from the element's raw attribute text. node-html-parser's own
 * `getAttribute` parses and entity-decodes every attribute of the element on first use, which
 * costs more than the rest of the walk on attribute-heavy pages; the hot paths only need a few
 * plain ASCII values (role, style, hidden), so they skip that work. Values are not decoded.
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

export function rawAttr(el: HTMLElement, name: string): string | undefined {
  const raw = el.rawAttrs;
  if (raw.length === 0) return undefined;
  // Cheap rejection first: most elements do not carry the attribute at all.
  // Attribute names are lower case in practice; an upper-case one is missed, never misread.
  if (raw.indexOf(name) < 0) return undefined;
  const m = patternFor(name).exec(raw);
  if (!m) return undefined;
  return m[1] ?? m[2] ?? m[3] ?? "";
}
