import { XMLParser } from "fast-xml-parser";
import { fail, ok, type Result } from "../result.js";
import { parseDate } from "./dates.js";
import { finishItems, MAX_ITEMS, resolveHttpUrl, type RawItem } from "./items.js";
import { collapse, decodeEntities, htmlSummary, htmlToText, textSummary, titleText } from "./text.js";
import type { Feed, FeedError } from "./types.js";

/**
 * RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom, through fast-xml-parser.
 *
 * Entities: the parser expands none (`processEntities: false`), so a DOCTYPE's declarations are
 * read past and never expanded, whatever they nest (billion laughs is inert); text is decoded
 * here afterwards, once, with XML's predefined entities, character references and common HTML
 * names only. CDATA is kept apart from text so its contents are not entity-decoded as XML.
 */

const CDATA = "__cdata";
const ATTR = "@_";
/** Elements deeper than this make the document malformed (the parser throws; we report it). */
const MAX_DEPTH = 100;
/** Characters of one element's text decoded: plenty for a title, a link or a 1,000-character summary. */
const MAX_FIELD_CHARS = 200_000;

const bounded = (s: string): string => (s.length > MAX_FIELD_CHARS ? s.slice(0, MAX_FIELD_CHARS) : s);

type XObj = { readonly [name: string]: unknown };
type XNode = string | XObj;

const isObj = (v: unknown): v is XObj => typeof v === "object" && v !== null && !Array.isArray(v);
const isNode = (v: unknown): v is XNode => typeof v === "string" || isObj(v);

/** Every child element called `name`. */
function all(node: XNode | undefined, name: string): XNode[] {
  if (!isObj(node) || !Object.hasOwn(node, name)) return [];
  const v = node[name];
  return (Array.isArray(v) ? v : [v]).filter(isNode);
}

const first = (node: XNode | undefined, name: string): XNode | undefined => all(node, name)[0];

function attr(node: XNode | undefined, name: string): string | null {
  if (!isObj(node)) return null;
  const v = node[ATTR + name];
  return typeof v === "string" ? decodeEntities(v) : null;
}

/** An element's text: text entity-decoded, CDATA as written. Null when the element is absent. */
function text(node: XNode | undefined): string | null {
  if (node === undefined) return null;
  if (typeof node === "string") return decodeEntities(bounded(node));
  const parts: string[] = [];
  const t = node["#text"];
  if (typeof t === "string") parts.push(decodeEntities(bounded(t)));
  for (const c of all(node, CDATA)) if (typeof c === "string") parts.push(bounded(c));
  return parts.join("");
}

/** The first of `names` with non-blank text. */
function firstText(node: XNode | undefined, ...names: string[]): string | null {
  for (const name of names) {
    for (const child of all(node, name)) {
      const t = text(child);
      if (t !== null && t.trim() !== "") return t;
    }
  }
  return null;
}

/** Raw inner markup of an element the parser left unparsed (Atom text constructs). */
function raw(node: XNode | undefined): string {
  if (node === undefined) return "";
  if (typeof node === "string") return bounded(node);
  const t = node["#text"];
  return typeof t === "string" ? bounded(t) : "";
}

/** Raw XML character data to text: CDATA sections as written, the rest entity-decoded. */
function xmlCharData(source: string): string {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const start = source.indexOf("<![CDATA[", i);
    if (start === -1) break;
    const end = source.indexOf("]]>", start + 9);
    out.push(decodeEntities(source.slice(i, start)), source.slice(start + 9, end === -1 ? undefined : end));
    if (end === -1) return out.join("");
    i = end + 3;
  }
  out.push(decodeEntities(source.slice(i)));
  return out.join("");
}

/** An Atom text construct (`type` text, html or xhtml) as plain text. */
function atomText(node: XNode | undefined): string | null {
  if (node === undefined) return null;
  const type = (attr(node, "type") ?? "text").trim().toLowerCase();
  const source = raw(node);
  if (type === "xhtml" || type === "application/xhtml+xml") return htmlToText(source);
  if (type === "html" || type === "text/html") return htmlToText(xmlCharData(source));
  return xmlCharData(source);
}

function atomTitle(node: XNode | undefined): string | null {
  const t = atomText(node);
  if (t === null) return null;
  const type = (attr(node, "type") ?? "text").trim().toLowerCase();
  // html/xhtml titles were decoded while stripping; plain ones get the same decoding RSS titles get.
  return type === "text" ? titleText(t) : collapse(t) || null;
}

/** `xml:base` of `node` applied to the base in effect around it. */
function baseOf(node: XNode | undefined, outer: string | null): string | null {
  const declared = attr(node, "xml:base");
  return declared === null ? outer : (resolveHttpUrl(declared, outer) ?? outer);
}

const ALTERNATE = new Set(["alternate", "http://www.iana.org/assignments/relation/alternate"]);

/** The Atom element's alternate link (a missing rel means alternate), HTML preferred. */
function atomLink(node: XNode | undefined, base: string | null, prefix: string): string | null {
  let fallback: string | null = null;
  for (const link of all(node, `${prefix}link`)) {
    const rel = (attr(link, "rel") ?? "alternate").trim().toLowerCase();
    if (!ALTERNATE.has(rel)) continue;
    const url = resolveHttpUrl(attr(link, "href"), baseOf(link, base));
    if (url === null) continue;
    const type = (attr(link, "type") ?? "").trim().toLowerCase();
    if (type === "" || type === "text/html" || type === "application/xhtml+xml") return url;
    fallback ??= url;
  }
  return fallback;
}

function readAtom(doc: XNode, root: string, baseUrl: string | null): Feed {
  const prefix = root.includes(":") ? `${root.split(":")[0]}:` : "";
  const feed = first(doc, root);
  const feedBase = baseOf(feed, baseUrl);
  const siteUrl = atomLink(feed, feedBase, prefix);
  const items: RawItem[] = [];
  for (const entry of all(feed, `${prefix}entry`).slice(0, MAX_ITEMS)) {
    const base = baseOf(entry, feedBase);
    const summary = first(entry, `${prefix}summary`) ?? first(entry, `${prefix}content`);
    const summaryText = atomText(summary);
    items.push({
      id: firstText(entry, `${prefix}id`),
      url: atomLink(entry, base, prefix),
      title: atomTitle(first(entry, `${prefix}title`)),
      summary: summaryText === null ? null : textSummary(summaryText),
      publishedAt: parseDate(firstText(entry, `${prefix}published`, `${prefix}updated`, `${prefix}issued`, `${prefix}modified`)),
    });
  }
  return { title: atomTitle(first(feed, `${prefix}title`)), siteUrl, items: finishItems(items) };
}

function readRss(doc: XNode, root: string, rdf: boolean, baseUrl: string | null): Feed {
  const top = first(doc, root);
  const channel = first(top, "channel");
  const siteUrl = resolveHttpUrl(firstText(channel, "link"), baseUrl);
  // RSS 1.0 puts items beside the channel; some generators put them inside anyway.
  const elements = rdf && all(top, "item").length > 0 ? all(top, "item") : all(channel, "item");
  const base = baseUrl ?? siteUrl;
  const items: RawItem[] = [];
  for (const item of elements.slice(0, MAX_ITEMS)) {
    const guid = first(item, "guid");
    const id = (rdf ? attr(item, "rdf:about") : null) ?? text(guid);
    const permalink = guid !== undefined && (attr(guid, "isPermaLink") ?? "true").trim().toLowerCase() !== "false";
    const description = firstText(item, "description", "content:encoded");
    const title = firstText(item, "title");
    items.push({
      id,
      url:
        resolveHttpUrl(firstText(item, "link"), base) ??
        // Some generators write an Atom-style <link href="…"/> into RSS.
        resolveHttpUrl(attr(first(item, "link"), "href"), base) ??
        (permalink ? resolveHttpUrl(text(guid)) : null),
      title: title === null ? null : titleText(title),
      summary: description === null ? null : htmlSummary(description),
      publishedAt: parseDate(firstText(item, "pubDate", "dc:date", "dcterms:issued", "dcterms:modified")),
    });
  }
  const title = firstText(channel, "title");
  return { title: title === null ? null : titleText(title), siteUrl, items: finishItems(items) };
}

/**
 * A document whose root element does not close was cut short (a dropped connection, a size
 * cap); the parser itself is lenient about unclosed elements, so this is checked by hand.
 */
function isComplete(body: string, root: string): boolean {
  let tail = body.trimEnd();
  for (;;) {
    if (tail.endsWith("-->")) {
      const start = tail.lastIndexOf("<!--");
      if (start === -1) return false;
      tail = tail.slice(0, start).trimEnd();
    } else if (tail.endsWith("?>")) {
      const start = tail.lastIndexOf("<?");
      if (start === -1) return false;
      tail = tail.slice(0, start).trimEnd();
    } else break;
  }
  const name = root.replace(/[.-]/g, "\\$&");
  if (new RegExp(`</\\s*${name}\\s*>$`).test(tail)) return true;
  // An empty root element closed on itself (`<rss version="2.0"/>`).
  return new RegExp(`^<${name}(?:\\s[^<>]*)?/>$`).test(tail.slice(tail.lastIndexOf("<")));
}

export function parseXmlFeed(
  body: string,
  format: "rss" | "rdf" | "atom",
  root: string,
  baseUrl: string | null,
): Result<Feed, FeedError> {
  if (!isComplete(body, root)) return fail({ kind: "malformed", detail: `the document ends before </${root}>` });
  const prefix = root.includes(":") ? `${root.split(":")[0]}:` : "";
  const feedPath = `${root}`;
  const entryPath = `${root}.${prefix}entry`;
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    cdataPropName: CDATA,
    allowBooleanAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: MAX_DEPTH,
    // Callbacks get a matcher rather than a path string built per element: a third faster.
    jPath: false,
    // Every element a list, so one item and many read the same way.
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
    // Atom text constructs may hold XHTML: kept as raw markup rather than parsed into elements.
    stopNodes:
      format === "atom"
        ? [`${feedPath}.${prefix}title`, `${feedPath}.${prefix}subtitle`, `${entryPath}.${prefix}title`, `${entryPath}.${prefix}summary`, `${entryPath}.${prefix}content`]
        : [],
  });
  const doc: unknown = parser.parse(body);
  if (!isObj(doc) || first(doc, root) === undefined) return fail({ kind: "malformed", detail: `no <${root}> element` });
  return ok(format === "atom" ? readAtom(doc, root, baseUrl) : readRss(doc, root, format === "rdf", baseUrl));
}
