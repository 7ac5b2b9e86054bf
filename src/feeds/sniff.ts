import type { FeedFormat } from "./types.js";

/**
 * Which format a body is, judged by its content alone: servers label feeds every which way.
 * Looks past the XML declaration, comments, processing instructions and the DOCTYPE to the
 * root element; never parses the document.
 */

export type Sniffed = { format: Exclude<FeedFormat, "json">; root: string } | { format: "json" };

/** The prolog before the root element is short in any real feed; beyond this it is not a feed. */
const MAX_PROLOG_CHARS = 256 * 1024;

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i] ?? "")) i++;
  return i;
}

/** Past the DOCTYPE starting at `i`, internal subset included; -1 when it never ends. */
function skipDoctype(text: string, i: number): number {
  const gt = text.indexOf(">", i);
  const bracket = text.indexOf("[", i);
  if (gt === -1) return -1;
  if (bracket === -1 || bracket > gt) return gt + 1;
  const end = /\]\s*>/g;
  end.lastIndex = bracket;
  const m = end.exec(text);
  return m ? m.index + m[0].length : -1;
}

export function sniffFormat(body: string): Sniffed | null {
  let i = skipSpace(body, body.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (body[i] === "{") return { format: "json" };
  while (i !== -1 && i < Math.min(body.length, MAX_PROLOG_CHARS)) {
    if (body.startsWith("<?", i)) {
      const end = body.indexOf("?>", i + 2);
      i = end === -1 ? -1 : skipSpace(body, end + 2);
    } else if (body.startsWith("<!--", i)) {
      const end = body.indexOf("-->", i + 4);
      i = end === -1 ? -1 : skipSpace(body, end + 3);
    } else if (body.slice(i, i + 9).toUpperCase() === "<!DOCTYPE") {
      const end = skipDoctype(body, i + 9);
      i = end === -1 ? -1 : skipSpace(body, end);
    } else {
      const m = /^<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)[\s/>]/.exec(body.slice(i, i + 200));
      if (!m?.[1]) return null;
      const root = m[1];
      const local = (root.split(":").pop() ?? "").toLowerCase();
      if (local === "rss") return { format: "rss", root };
      if (local === "rdf") return { format: "rdf", root };
      if (local === "feed") return { format: "atom", root };
      return null;
    }
  }
  return null;
}
