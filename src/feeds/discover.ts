import { resolveHttpUrl } from "./items.js";
import { decodeEntities } from "./text.js";

/**
 * A site page's feeds, from its `<link rel="alternate" type="…" href="…">` tags. One linear scan
 * of the head (no DOM, no recursion: hostile pages may nest without end), stopping at `<body`
 * or `</head>`, skipping comments and script/style contents.
 */

/** How much of the page is scanned for the head: feeds are announced early. */
const MAX_HEAD_CHARS = 512 * 1024;
/** Most feed links returned. */
const MAX_FEEDS = 20;

/** Media types announcing a feed. `application/json` comes last: on WordPress it is the REST API. */
const FEED_TYPES = ["application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml"];
const MAYBE_FEED_TYPES = ["application/json"];

/** Elements whose contents are not markup to scan. */
const RAW_TEXT = ["script", "style", "textarea", "title", "template"];

/** Attributes of one tag's source (`<link a="1" b=2 c>`), names lower-cased, values decoded. */
function attributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const pattern = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  // Skip the tag name itself.
  pattern.lastIndex = tag.search(/[\s/]/) === -1 ? tag.length : tag.search(/[\s/]/);
  for (let m = pattern.exec(tag); m !== null; m = pattern.exec(tag)) {
    const name = (m[1] ?? "").toLowerCase();
    if (!attrs.has(name)) attrs.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ""));
  }
  return attrs;
}

/**
 * End of the tag starting at `lt` (index after `>`); -1 when it never ends. A quote only opens a
 * value right after `=`, as browsers read it, so a stray apostrophe does not swallow the page.
 */
function tagEnd(html: string, lt: number): number {
  let quote = "";
  let afterEquals = false;
  for (let i = lt + 1; i < html.length; i++) {
    const c = html[i] ?? "";
    if (quote !== "") {
      if (c === quote) quote = "";
      continue;
    }
    if (c === ">") return i + 1;
    if ((c === '"' || c === "'") && afterEquals) quote = c;
    if (c === "=") afterEquals = true;
    else if (!/\s/.test(c)) afterEquals = false;
  }
  return -1;
}

export function discoverFeeds(html: string, pageUrl: string): string[] {
  const source = html.length > MAX_HEAD_CHARS ? html.slice(0, MAX_HEAD_CHARS) : html;
  const lower = source.toLowerCase();
  let baseHref: string | null = null;
  const sure: string[] = [];
  const maybe: string[] = [];
  let i = 0;
  while (i < source.length && sure.length + maybe.length < MAX_FEEDS * 4) {
    const lt = source.indexOf("<", i);
    if (lt === -1) break;
    if (lower.startsWith("<!--", lt)) {
      const end = source.indexOf("-->", lt + 4);
      if (end === -1) break;
      i = end + 3;
      continue;
    }
    const name = /^<([a-z][a-z0-9-]*)/.exec(lower.slice(lt, lt + 20))?.[1];
    if (name === "body" || lower.startsWith("</head", lt)) break;
    if (name === undefined) {
      i = lt + 1;
      continue;
    }
    const end = tagEnd(source, lt);
    if (end === -1) break;
    if (RAW_TEXT.includes(name)) {
      const close = lower.indexOf(`</${name}`, end);
      if (close === -1) break;
      i = close;
      continue;
    }
    if (name === "base" || name === "link") {
      const attrs = attributes(source.slice(lt + 1, end - 1));
      const href = attrs.get("href");
      if (name === "base") {
        // The first <base href> counts, for every link in the document.
        baseHref ??= href ?? null;
      } else if (href !== undefined && (attrs.get("rel") ?? "").toLowerCase().split(/\s+/).includes("alternate")) {
        const type = (attrs.get("type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
        if (FEED_TYPES.includes(type)) sure.push(href);
        else if (MAYBE_FEED_TYPES.includes(type)) maybe.push(href);
      }
    }
    i = end;
  }
  const base = (baseHref === null ? null : resolveHttpUrl(baseHref, pageUrl)) ?? pageUrl;
  const found = new Set<string>();
  for (const href of [...sure, ...maybe]) {
    const url = resolveHttpUrl(href, base);
    if (url !== null) found.add(url);
  }
  return [...found].slice(0, MAX_FEEDS);
}
