/**
 * Cuts what can never be article text (scripts, styles, inline SVG, templates, comments) out of
 * the markup before it is parsed. On news pages that is often most of the bytes, and parsing is
 * the extractor's main cost. JSON-LD scripts are kept aside for the metadata reader.
 * A linear scan with indexOf: no regular expression runs over the whole page.
 */
export type Prescanned = { html: string; jsonLd: string[] };

const INERT = ["script", "style", "svg", "template", "noscript"] as const;

export function prescan(html: string): Prescanned {
  const lower = html.toLowerCase();
  const out: string[] = [];
  const jsonLd: string[] = [];
  let pos = 0;
  let from = 0;
  while (from < html.length) {
    const lt = lower.indexOf("<", from);
    if (lt < 0) break;
    if (lower.startsWith("<!--", lt)) {
      const end = lower.indexOf("-->", lt + 4);
      const stop = end < 0 ? html.length : end + 3;
      out.push(html.slice(pos, lt));
      pos = from = stop;
      continue;
    }
    const tag = INERT.find((t) => lower.startsWith(t, lt + 1) && !/[a-z0-9-]/.test(lower[lt + 1 + t.length] ?? ""));
    if (!tag) {
      from = lt + 1;
      continue;
    }
    const openEnd = lower.indexOf(">", lt);
    const close = openEnd < 0 ? -1 : lower.indexOf(`</${tag}`, openEnd);
    const closeEnd = close < 0 ? -1 : lower.indexOf(">", close);
    const stop = closeEnd < 0 ? html.length : closeEnd + 1;
    if (tag === "script" && openEnd > 0 && /application\/ld\+json/.test(lower.slice(lt, openEnd))) {
      jsonLd.push(html.slice(openEnd + 1, close < 0 ? html.length : close));
    }
    out.push(html.slice(pos, lt));
    pos = from = stop;
  }
  out.push(html.slice(pos));
  return { html: out.join(""), jsonLd };
}
