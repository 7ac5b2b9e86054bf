import { rawAttr } from "./attr.js";
import { attribute, decodeText, rawText, type Child, type Element } from "./parse.js";
import type { Article } from "./types.js";
import { readLinkedData, type LinkedArticle, type LinkedData } from "./jsonld.js";

/** Page facts from `<meta>`, `<link>`, `<title>`, JSON-LD and microdata, gathered in one iterative pass. */
export type Metadata = Pick<Article, "title" | "byline" | "siteName" | "publishedAt" | "lang" | "canonicalUrl" | "imageUrl"> & {
  /** The `<title>`, which often carries the site's name after a separator. */
  documentTitle: string | null;
  linked: LinkedArticle | null;
  /** All of the page's JSON-LD, products and types included. */
  linkedData: LinkedData;
  /** `og:type` as the page states it (lower case): "article", "product", "website"… */
  ogType: string | null;
};

const clean = (s: string | undefined | null): string | null => {
  if (!s) return null;
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > 0 ? t : null;
};

function resolveUrl(href: string | null, base: string | undefined): string | null {
  if (!href) return null;
  try {
    const u = new URL(href, base);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

function toIsoDate(raw: string | null): string | null {
  if (!raw) return null;
  const t = raw.trim();
  // Only forms Date parses consistently: ISO-like stamps and RFC 2822 dates.
  if (!/^\d{4}-\d{2}-\d{2}|^[A-Z][a-z]{2},? \d{1,2} [A-Z][a-z]{2} \d{4}|^\d{4}\/\d{2}\/\d{2}/.test(t)) return null;
  const d = new Date(t.replace(/^(\d{4})\/(\d{2})\/(\d{2})/, "$1-$2-$3"));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Text of an element, up to about `limit` characters, without scripts and styles. */
export function textOf(el: Element, limit = 2_000): string {
  const parts: string[] = [];
  let size = 0;
  const stack: Child[] = [el];
  while (stack.length > 0 && size < limit) {
    const n = stack.pop()!;
    if (typeof n === "string") {
      parts.push(decodeText(n));
      size += n.length;
    } else {
      const tag = n.tag.toLowerCase();
      if (tag === "script" || tag === "style") continue;
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
  }
  return parts.join("").replace(/\s+/g, " ").trim();
}

/** The `<meta>` keys read below. */
const META_KEYS = new Set([
  "og:title", "og:site_name", "og:url", "og:image", "og:locale", "og:type", "twitter:title", "twitter:image",
  "application-name", "author", "article:author", "article:published_time", "date", "pubdate",
  "publish-date", "dc.date", "citation_publication_date", "content-language",
]);

const SITE_SEPARATOR = /\s+[|\-–—:·•»]\s+/;

/** "Headline | Site" → "Headline", when the part cut off looks like a site name. */
function titleWithoutSite(title: string, siteName: string | null): string {
  const parts = title.split(SITE_SEPARATOR);
  if (parts.length < 2) return title;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (siteName && last.toLowerCase().includes(siteName.toLowerCase().slice(0, 12))) {
    return title.slice(0, title.length - last.length).replace(new RegExp(`${SITE_SEPARATOR.source}$`), "").trim();
  }
  // Without a known site name, cut only a short trailing segment from a longer headline.
  if (last.split(/\s+/).length <= 4 && first.split(/\s+/).length >= 3) {
    return title.slice(0, title.length - last.length).replace(new RegExp(`${SITE_SEPARATOR.source}$`), "").trim();
  }
  return title;
}

export function readMetadata(root: Element, url: string | undefined, jsonLd: readonly string[] = []): Metadata {
  const meta = new Map<string, string>();
  const scripts: string[] = [...jsonLd];
  let documentTitle: string | null = null;
  let htmlLang: string | null = null;
  let canonical: string | null = null;
  let relAuthor: string | null = null;
  let itempropAuthor: string | null = null;
  let itempropDate: string | null = null;
  let firstTime: string | null = null;
  let firstH1: string | null = null;

  const stack: Element[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    const tag = el.tag;
    switch (tag) {
      case "meta": {
        // The key is read raw; only the few keys used below pay for a full, decoded attribute parse.
        const key = (rawAttr(el, "property") ?? rawAttr(el, "name") ?? rawAttr(el, "itemprop") ?? rawAttr(el, "http-equiv"))?.toLowerCase();
        if (key && META_KEYS.has(key) && !meta.has(key)) {
          const content = attribute(el, "content");
          if (content) meta.set(key, content);
        }
        break;
      }
      case "link": {
        const rel = attribute(el, "rel")?.toLowerCase() ?? "";
        if (rel.split(/\s+/).includes("canonical") && canonical === null) canonical = attribute(el, "href") ?? null;
        break;
      }
      case "title":
        if (documentTitle === null) documentTitle = clean(textOf(el));
        break;
      case "html":
        htmlLang = clean(attribute(el, "lang") ?? attribute(el, "xml:lang"));
        break;
      case "script":
        if (attribute(el, "type")?.toLowerCase() === "application/ld+json") scripts.push(rawText(el));
        continue;
      case "style":
        continue;
      case "time":
        if (firstTime === null) firstTime = attribute(el, "datetime") ?? null;
        break;
      case "h1":
        if (firstH1 === null) firstH1 = clean(textOf(el, 400));
        break;
      case "a":
        if (relAuthor === null && rawAttr(el, "rel")?.toLowerCase() === "author") relAuthor = clean(textOf(el, 200));
        break;
    }
    const itemprop = rawAttr(el, "itemprop");
    if (itemprop) {
      if (itemprop === "author" && itempropAuthor === null && tag !== "meta") {
        itempropAuthor = clean(textOf(el, 200));
      } else if (itemprop === "datePublished" && itempropDate === null) {
        itempropDate = attribute(el, "content") ?? attribute(el, "datetime") ?? null;
      }
    }
    const kids = el.children;
    // Only elements carry metadata: text, most of the tree, is not even stacked.
    for (let i = kids.length - 1; i >= 0; i--) {
      const kid = kids[i]!;
      if (typeof kid !== "string") stack.push(kid);
    }
  }

  const linkedData = readLinkedData(scripts);
  const linked = linkedData.article;
  const siteName = clean(meta.get("og:site_name") ?? linked?.publisher ?? meta.get("application-name")) ?? null;
  const rawTitle =
    clean(meta.get("og:title")) ?? clean(linked?.headline) ?? clean(meta.get("twitter:title")) ?? (documentTitle ? titleWithoutSite(documentTitle, siteName) : null) ?? firstH1;
  const author = clean(meta.get("author")) ?? clean(linked?.authors.join(", ")) ?? itempropAuthor ?? relAuthor ?? clean(meta.get("article:author"));
  const published =
    toIsoDate(meta.get("article:published_time") ?? null) ??
    toIsoDate(linked?.datePublished ?? null) ??
    toIsoDate(itempropDate) ??
    toIsoDate(meta.get("date") ?? meta.get("pubdate") ?? meta.get("publish-date") ?? meta.get("dc.date") ?? meta.get("citation_publication_date") ?? null) ??
    toIsoDate(firstTime);
  const lang = htmlLang ?? clean(linked?.inLanguage) ?? clean(meta.get("content-language")) ?? clean(meta.get("og:locale")?.replace("_", "-"));

  return {
    title: rawTitle,
    documentTitle,
    byline: author && !/^https?:/.test(author) ? author : null,
    siteName: siteName ?? (url ? hostnameOf(url) : null),
    publishedAt: published,
    lang,
    canonicalUrl: resolveUrl(canonical, url) ?? resolveUrl(meta.get("og:url") ?? null, url),
    imageUrl: resolveUrl(meta.get("og:image") ?? meta.get("twitter:image") ?? linked?.image ?? null, url),
    linked,
    linkedData,
    ogType: clean(meta.get("og:type"))?.toLowerCase() ?? null,
  };
}

function hostnameOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^www\./, "") || null;
  } catch {
    return null;
  }
}
