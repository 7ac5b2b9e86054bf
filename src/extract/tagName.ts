import type { HTMLElement } from "node-html-parser";

/** Lower-case tag name. Pages write tags in lower case almost always: copy only when the first letter says otherwise. */
export function tagName(el: HTMLElement): string {
  const raw = el.rawTagName;
  if (!raw) return "";
  const c = raw.charCodeAt(0);
  return c >= 65 && c <= 90 ? raw.toLowerCase() : raw;
}
