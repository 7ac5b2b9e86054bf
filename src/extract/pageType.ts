import { isHeadingTag, type ElInfo, type Flattened } from "./blocks.js";
import type { Metadata } from "./metadata.js";
import type { PageType } from "./types.js";

/**
 * What kind of page this is, from what the page says of itself (JSON-LD types, `og:type`), how
 * its address is shaped, and how its body is built (prose, posts, prices, code, repeated cards).
 * Each signal adds evidence to a type; an article is the default, since most links are.
 * No signal names a site: each is a convention many sites share.
 */

export type PageFeatures = {
  /** Share of the body's text that reads as sentences of prose. */
  proseShare: number;
  /** Elements whose class or id says post, comment, reply or message. */
  posts: number;
  /** Text blocks that state a price. */
  prices: number;
  /** Code blocks (`<pre>`). */
  codeBlocks: number;
  /** `<article>` elements: one is an article, many are cards of a listing. */
  articles: number;
  /** Headings that are links: the titles of cards. */
  linkedHeadings: number;
  /** Whether the page offers to put something in a cart or bag. */
  buyButton: boolean;
  /** `<section>` elements: service and landing pages are built of many. */
  sections: number;
  /** Share of link text in the body's text outside navigation, header, footer and asides (mega-menus would say "all links"). */
  linkShare: number;
};

const FRAME_TAGS = new Set(["nav", "header", "footer", "aside"]);
const POST_HINT = /(^|[\s_-])(post|posts|comment|comments|reply|replies|message|messages|topic-?post|thread-?post|answer|answers)($|[\s_-]|\d)/;
const PRICE = /(?:[$€£¥₹]\s?\d[\d.,]*|\d[\d.,]*\s?(?:€|£|USD|EUR|GBP|kr|zł))/;

export function pageFeatures(flat: Flattened): PageFeatures {
  const body = flat.elements.find((e) => e.tag === "body") ?? flat.root;
  let posts = 0;
  let codeBlocks = 0;
  let articles = 0;
  let linkedHeadings = 0;
  let sections = 0;
  for (const e of flat.elements) {
    if (e.tag === "pre") codeBlocks++;
    else if (e.tag === "section") sections++;
    else if (e.tag === "article") articles++;
    else if (isHeadingTag(e.tag) && e.chars > 0 && e.linkChars / e.chars > 0.8) linkedHeadings++;
    if (e.prose > 0 && e.hints !== "" && POST_HINT.test(e.hints)) posts++;
  }
  let prices = 0;
  for (const b of flat.blocks) if (b.chars < 60 && PRICE.test(b.text)) prices++;
  // Parents come before their children: one pass marks everything inside the page's frame.
  const framed = new Set<ElInfo>();
  for (const e of flat.elements) if (FRAME_TAGS.has(e.tag) || e.unlikely || (e.parent && framed.has(e.parent))) framed.add(e);
  let text = 0;
  let links = 0;
  for (const b of flat.blocks) {
    if (framed.has(b.owner)) continue;
    text += b.chars;
    links += b.linkChars;
  }
  return {
    proseShare: body && body.chars > 0 ? body.prose / body.chars : 0,
    posts,
    prices,
    codeBlocks,
    articles,
    linkedHeadings,
    buyButton: flat.buyControls > 0,
    sections,
    linkShare: text > 0 ? links / text : 0,
  };
}

const FORUM_PATH = /\/(t|threads?|topics?|forums?|community|discussions?|d|questions|comments|showthread(\.php)?|viewtopic(\.php)?|board|boards)\/|showthread|viewtopic/i;
const FORUM_HOST = /^(forums?|community|communities|discuss|discussion|answers|boards|talk|users|developer-forums)\./i;
const DOCS_PATH = /\/(docs?|documentation|manual|reference|api|apis|guides?|userguide|user-guide|handbook|tutorials?|learn|wiki|kb|knowledge-?base|help|support|reference-guide|man)\b/i;
const DOCS_HOST = /^(docs?|developers?|devcenter|wiki|learn|help|support|manual|api)\./i;
const PRODUCT_PATH = /\/(products?|p|dp|itm|item|items|listing|app|shop\/p|sku)\/[^/]+/i;
const COLLECTION_PATH = /\/(collections?|c|cat|category|categories|catalog|shop|store|department|w|s|browse|range)(\/|$)/i;
/** A section's own page (`/news`, `/blog/page/2`, `/tag/rust`), not a piece inside it (`/news/some-story`). */
const LISTING_PATH = /\/(list|lists|news|blog|blogs|articles|latest|trending|directory|search|events|archive|archives)(\/page\/\d+)?\/?$|\/(tag|tags|topic|topics|category|categories|subject|city|list|archive)\/[^/]+\/?$/i;
/** MediaWiki's own conventions for pages that are lists: `List_of_…` articles and `Category:` pages. */
const WIKI_LIST_PATH = /\/(List_of_[^/]+|Category:[^/]+)$/;
const LIST_TITLE = /^(a |the )?(list|lists|index) of\b/i;
const SERVICE_PATH = /\/(services?|solutions?|pricing|plans|features|platform|products?|enterprise|business|consulting|offers?|tuition|certificates?|programs?|about|contact|why-|use-cases?)(\/|$|-)/i;

type Url = { host: string; path: string; depth: number };

function parseUrl(url: string | undefined): Url | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    const path = u.pathname.replace(/\/+$/, "") || "/";
    return { host: u.hostname.replace(/^www\./, ""), path, depth: path === "/" ? 0 : path.split("/").length - 1 };
  } catch {
    return null;
  }
}

export function detectPageType(meta: Metadata, f: PageFeatures, url: string | undefined): PageType {
  const score: Record<PageType, number> = { article: 1, forum: 0, product: 0, collection: 0, listing: 0, documentation: 0, service: 0 };
  const types = meta.linkedData.types;
  const has = (...names: string[]) => names.some((n) => types.has(n));
  const og = meta.ogType ?? "";
  const u = parseUrl(url);

  if (has("DiscussionForumPosting", "QAPage", "SocialMediaPosting")) score.forum += 4;
  if (has("Question") && !has("FAQPage")) score.forum += 1;
  if (has("NewsArticle", "BlogPosting", "Article", "ReportageNewsArticle", "OpinionNewsArticle")) score.article += 2;
  if (has("TechArticle", "APIReference")) score.documentation += 3;
  if (meta.linkedData.products === 1 || has("ProductGroup")) score.product += 3;
  if (meta.linkedData.products > 2) score.collection += 3;
  if (has("CollectionPage", "SearchResultsPage")) {
    score.collection += 2.5;
    score.listing += 3;
  } else if (has("ItemList")) {
    score.collection += 1;
    score.listing += 1;
  }
  // "List of …" pages and wiki categories are lists by their own name.
  if (LIST_TITLE.test(meta.title ?? "")) score.listing += 2;
  if (has("Service", "LocalBusiness", "ProfessionalService", "FinancialProduct", "Course", "SoftwareApplication") && !has("Article", "BlogPosting", "NewsArticle")) score.service += 1.5;
  // Open Graph's product.group is a range of products: a category page.
  if (/^product[.:]group/.test(og)) score.collection += 3;
  else if (og.startsWith("product")) score.product += 2.5;
  if (og === "article") score.article += 1.5;
  if (og === "website") score.service += 0.5;

  if (u) {
    if (FORUM_PATH.test(u.path)) score.forum += 1.5;
    if (FORUM_HOST.test(u.host)) score.forum += 2;
    if (/reddit\.com$|news\.ycombinator\.com$|stackexchange\.com$|stackoverflow\.com$/.test(u.host) && u.depth >= 2) score.forum += 3;
    if (DOCS_HOST.test(u.host)) score.documentation += 2;
    if (DOCS_PATH.test(u.path)) score.documentation += 1.5;
    if (PRODUCT_PATH.test(u.path)) score.product += 1.5;
    if (COLLECTION_PATH.test(u.path)) score.collection += 1;
    if (LISTING_PATH.test(u.path)) score.listing += 1;
    if (WIKI_LIST_PATH.test(u.path)) score.listing += 2;
    if (SERVICE_PATH.test(u.path)) score.service += 1;
    if (u.depth === 0) {
      score.service += 1.5;
      score.listing += 1;
      score.article -= 1;
    }
    // A dated path or a long slug names one piece of writing.
    if (/\/(19|20)\d\d\/\d{1,2}\//.test(u.path) || /[a-z0-9]+(-[a-z0-9]+){4,}/i.test(u.path.split("/").pop() ?? "")) score.article += 1;
  }

  // Blogs call their comments posts too: many posts say forum only with something else that does.
  if (f.posts >= 3) score.forum += score.forum > 0 ? Math.min(2, f.posts / 4) : 0.5;
  if (f.codeBlocks >= 3) score.documentation += 2;
  else if (f.codeBlocks >= 1) score.documentation += 0.5;
  if (f.buyButton) {
    score.product += 2;
    score.collection += 0.5;
  }
  if (f.prices >= 10) score.collection += f.linkedHeadings >= 10 || f.articles >= 10 ? 3 : 2;
  else if (f.prices >= 1) score.product += 0.5;
  // Cards: titles that are links, or many <article> elements. A story has a few related ones at most.
  if (f.linkedHeadings >= 10 || (f.linkedHeadings >= 6 && f.proseShare < 0.5)) {
    score.listing += 2;
    score.collection += 0.5;
  }
  if (f.articles >= 5) score.listing += 1.5;
  // Mostly links and hardly a sentence: a page of items (a news river, a board of links, a catalogue).
  if (f.linkShare > 0.5 && f.proseShare < 0.25) {
    score.listing += 1.5;
    score.collection += 1;
  }
  if (f.sections >= 4 && f.proseShare < 0.65) score.service += 1;
  // Prose is what an article is made of; pages of cards, specs and calls to action have little.
  if (f.proseShare > 0.6) score.article += 1.5;
  else if (f.proseShare < 0.3) score.article -= 2;
  else if (f.proseShare < 0.45) score.article -= 1;

  let best: PageType = "article";
  for (const t of Object.keys(score) as PageType[]) if (score[t] > score[best]) best = t;
  // Another type needs real evidence of its own, not only an article's lack of prose.
  return score[best] >= 1 ? best : "article";
}
