import type { HTMLElement } from "node-html-parser";

const UPPER = /[A-Z]/;

/** Lower-case tag name; documents almost always write them lower-case already, so skip the copy then. */
export function tagName(el: HTMLElement): string {
  const raw = el.rawTagName;
  if (!raw) return "";
  return UPPER.test(raw) ? raw.toLowerCase() : raw;
}
