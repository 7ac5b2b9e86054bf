import { rawAttr } from "./attr.js";
import { classNames, decodeText, type Child, type Element } from "./parse.js";

/**
 * Flattens a parsed page into text blocks (runs of inline text between block boundaries) and a
 * light record per element, in one iterative pass: hostile pages nest tens of thousands deep, and
 * every recursive walk overflows the stack there.
 */

export type ElInfo = {
  el: Element;
  tag: string;
  parent: ElInfo | null;
  /** Pre-order position: sorts blocks and elements in document order. */
  order: number;
  /** One past the pre-order position of the last descendant: `order < x.order < end` means inside. */
  end: number;
  /** Lower-cased `class` and `id`, for the hint patterns. */
  hints: string;
  /** Whether the element matched a "this is chrome, not content" hint. */
  unlikely: boolean;
  /** The ARIA role, when the element states one. */
  role: string | undefined;
  /** Class and id hints: +25 for each that looks like content, -25 for each that looks like chrome. */
  classWeight: number;
  /** Images, form controls and embeds directly in this element (not in child records). */
  ownImages: number;
  ownInputs: number;
  ownEmbeds: number;
  // Aggregates over the subtree, filled bottom-up after the walk.
  chars: number;
  linkChars: number;
  commas: number;
  paragraphs: number;
  images: number;
  listItems: number;
  inputs: number;
  embeds: number;
  headingChars: number;
  /** Weight of the blocks that read like sentences of prose (see `isProse`). */
  prose: number;
  /** Element children that are block-level (decides if the element is a paragraph or a container). */
  blockChildren: number;
  score: number;
  scored: boolean;
};

export type Block = {
  text: string;
  /** Length weighted for script: a CJK character carries about as much as a short word. */
  weight: number;
  linkChars: number;
  chars: number;
  owner: ElInfo;
  order: number;
  /** Position in the page's run of blocks: tells which blocks were next to each other. */
  seq: number;
  /** The block goes on the previous one's paragraph after a single `<br>`: a new line, not a new paragraph. */
  continues: boolean;
};

export type Flattened = {
  blocks: Block[];
  elements: ElInfo[];
  root: ElInfo | null;
  /** Buttons and elements whose words or class put something in a cart or bag (a shop's page). */
  buyControls: number;
  /** Hidden elements with something inside that the walk skipped. */
  hidden: number;
};

export type FlattenOptions = {
  /** Read hidden elements too: for an app that hides its whole page until its scripts have run. */
  revealHidden?: boolean;
};

const BLOCK_TAGS = new Set([
  "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
  "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
  "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol",
  "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
]);

/** Never content: their text is code, styling, controls or invisible. */
const SKIP_TAGS = new Set([
  "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object", "embed",
  "select", "option", "textarea", "button", "input", "head", "title", "meta", "link", "audio", "video",
  "source", "track", "map", "area", "dialog", "figcaption",
]);

const HEADING = /^h[1-6]$/;

/**
 * Class and id fragments of page chrome (Readability's list, widened with what news sites use for
 * share bars, newsletters and consent banners). `MAYBE` rescues elements that also look like content.
 */
const UNLIKELY =
  /-ad-|ai2html|banner|breadcrumb|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|(^|[\s_-])pager($|[\s_-])|popup|yom-remote|cookie|consent|newsletter|subscribe|share|sharing|promo|outbrain|taboola|recirc|trending|most-?popular|signup|modal|overlay|toolbar|navbar|masthead|tags?-list|author-bio|gallery|slideshow|carousel|lightbox|caption|photo|credit/;
const MAYBE = /and|article|body|column|content|main|shadow|story|entry|post|text/;
/** Chrome that names itself so plainly that a content-sounding word beside it does not rescue it. */
const SURELY_CHROME =
  /author-?bio|author-?box|about-(the-)?author|newsletter|cookie|consent|gdpr|social-?share|share-?(bar|buttons|tools)|related-(posts|articles|stories|content)|recirc|outbrain|taboola|callout/;

const POSITIVE = /article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story/;
const NEGATIVE =
  /-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget|newsletter|subscribe|social|caption|credit/;

function hintWeight(value: string | undefined): number {
  if (!value) return 0;
  const v = value.toLowerCase();
  let w = 0;
  if (NEGATIVE.test(v)) w -= 25;
  if (POSITIVE.test(v)) w += 25;
  return w;
}

type Hint = { hints: string; unlikely: boolean; weight: number; buy: boolean };
const NO_HINT: Hint = { hints: "", unlikely: false, weight: 0, buy: false };
/** Class and id of a shop's buy control, in the words shop themes use. */
const BUY_HINT = /add-?to-?(cart|bag|basket)|add_to_(cart|bag|basket)|addtocart|buy-?now|product-?form__(submit|buttons)/;
/** What a buy button says, in the languages most shops are in. */
const BUY_TEXT = /add to (cart|bag|basket|trolley)|buy (it )?now|in den warenkorb|ajouter au panier|añadir al carrito|aggiungi al carrello/i;
/** Pages repeat a few class names thousands of times: judge each class-and-id pair once. */
const hintCache = new Map<string, Hint>();
const HINT_CACHE_LIMIT = 20_000;

function hintOf(el: Element): Hint {
  // Both read when the element was parsed: no attribute parsing needed for them.
  const cls = classNames(el);
  const id = el.id;
  if (cls === "" && id === "") return NO_HINT;
  const key = `${cls}#${id}`;
  let hint = hintCache.get(key);
  if (hint === undefined) {
    const hints = `${cls} ${id}`.toLowerCase();
    const unlikely = (UNLIKELY.test(hints) && !MAYBE.test(hints)) || SURELY_CHROME.test(hints);
    hint = { hints, unlikely, weight: hintWeight(cls) + hintWeight(id), buy: BUY_HINT.test(hints) };
    if (hintCache.size >= HINT_CACHE_LIMIT) hintCache.clear();
    hintCache.set(key, hint);
  }
  return hint;
}

const UNLIKELY_ROLES = new Set(["menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog", "banner", "contentinfo"]);

const COMMAS = /[,\u060C\u3001\uFE50\uFE51\uFF0C\u201A]/g;
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;
const SPACES = /\s+/g;
/** A code block's lines without trailing white space or blank lines, by a split (a pattern would backtrack on long runs of spaces). */
function codeLines(text: string): string {
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    const l = line.trimEnd();
    if (l.length > 0) lines.push(l);
  }
  return lines.join("\n").trim();
}

const LANDMARKS = new Set(["main", "article", "body", "html"]);

/** Accordion and tab panels: folded away until a click, but the page's content (an FAQ's answers, a plan's details). */
const PANEL_HINT = /accordion|collaps|panel|tab-?(content|pane)|faq|answer|expand/i;
const isFoldedPanel = (el: Element): boolean => {
  const role = rawAttr(el, "role");
  return role === "tabpanel" || role === "region" || PANEL_HINT.test(el.cls) || PANEL_HINT.test(el.id);
};

function isHidden(el: Element): boolean {
  if (el.attrs.length === 0) return false;
  // React streams server-rendered parts late in `<div hidden id="S:n">` and moves them into place
  // at once: that is the page's content, not something hidden.
  if (rawAttr(el, "hidden") !== undefined) return !/^S:\d/.test(el.id);
  // aria-hidden hides from screen readers, not from sight: on a copy or an icon it marks what is
  // not text, but shops set it on the whole <main> while a dialog is open, and cards set it on a
  // link that repeats the card's own link around its teaser, which is all the teaser there is.
  if (rawAttr(el, "aria-hidden") === "true" && el.tag !== "a" && !LANDMARKS.has(el.tag) && !isFoldedPanel(el)) return true;
  const style = rawAttr(el, "style");
  if (style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  return false;
}

function newInfo(el: Element, tag: string, parent: ElInfo | null, order: number, hints: string): ElInfo {
  return {
    el, tag, parent, order, end: order + 1, hints, unlikely: false, role: undefined, classWeight: 0,
    ownImages: 0, ownInputs: 0, ownEmbeds: 0, chars: 0, linkChars: 0, commas: 0, paragraphs: 0, images: 0, listItems: 0, inputs: 0, embeds: 0,
    headingChars: 0, prose: 0, blockChildren: 0, score: 0, scored: false,
  };
}

export function textWeight(text: string): number {
  const cjk = text.match(CJK);
  return text.length + (cjk ? cjk.length * 2 : 0);
}

/** The weight of paragraphs that came from elsewhere than blocks (embedded text). */
export const paragraphsWeight = (paragraphs: readonly string[]): number => paragraphs.reduce((n, p) => n + textWeight(p), 0);

/** Marks, on the walk's stack, the end of a link: inline elements get no record of their own. */
const LINK_END = { linkEnd: true } as const;
type Frame = Child | ElInfo | typeof LINK_END;

/**
 * Every block of the page, with each element's chrome verdict recorded rather than acted on:
 * `withoutChrome` derives the strict view from it without walking the tree again.
 */
export function flatten(root: Element, options: FlattenOptions = {}): Flattened {
  const blocks: Block[] = [];
  const elements: ElInfo[] = [];
  let buyControls = 0;
  let hidden = 0;
  let preDepth = 0;
  let parts: string[] = [];
  let partLink = 0;
  let linkDepth = 0;
  // `<br>`s since the last block: one is a line break inside a paragraph, two or more end it.
  let breaks = 0;
  // The innermost block element: owner of the text being gathered, and parent of the next block.
  let current: ElInfo | null = null;

  const flush = () => {
    if (parts.length === 0 || current === null) {
      parts = [];
      partLink = 0;
      return;
    }
    // Code keeps its lines and indents (blank lines aside); everywhere else white space is the browser's: one space.
    const joined = parts.join("");
    const text = preDepth > 0 ? codeLines(joined) : joined.replace(SPACES, " ").trim();
    if (text.length > 0) {
      const previous = blocks[blocks.length - 1];
      blocks.push({
        text, weight: textWeight(text), chars: text.length, linkChars: Math.min(partLink, text.length),
        owner: current, order: elements.length, seq: blocks.length,
        continues: breaks === 1 && previous !== undefined && previous.owner === current,
      });
      breaks = 0;
    }
    parts = [];
    partLink = 0;
  };

  // Nodes to visit, and (pushed beneath an element's children) the record or marker that closes it.
  const stack: Frame[] = [root];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (typeof frame === "string") {
      const t = decodeText(frame);
      if (t.length > 0) {
        parts.push(t);
        if (linkDepth > 0) partLink += t.trim().length;
      }
      continue;
    }
    if ("linkEnd" in frame) {
      linkDepth--;
      continue;
    }
    if ("order" in frame) {
      flush();
      breaks = 0;
      frame.end = elements.length;
      if (frame.tag === "pre") preDepth--;
      current = frame.parent;
      continue;
    }
    const el = frame;
    const tag = el.tag !== "" ? el.tag : "#root";
    if (tag === "img" || tag === "picture") {
      if (current) current.ownImages++;
      continue;
    }
    if (tag === "input" || tag === "textarea" || tag === "select") {
      if (current) current.ownInputs++;
      continue;
    }
    if (tag === "iframe" || tag === "embed" || tag === "object" || tag === "video") {
      if (current) current.ownEmbeds++;
      continue;
    }
    if (SKIP_TAGS.has(tag)) {
      if (tag === "button" && (hintOf(el).buy || BUY_TEXT.test(shortText(el)))) buyControls++;
      continue;
    }
    if (tag === "br" || tag === "hr") {
      flush();
      breaks = tag === "br" ? breaks + 1 : 0;
      continue;
    }
    if (!options.revealHidden && isHidden(el)) {
      if (el.children.length > 0) hidden++;
      continue;
    }
    const hint = hintOf(el);
    if (hint.buy) buyControls++;
    const role = hint === NO_HINT && el.attrs.length === 0 ? undefined : rawAttr(el, "role");
    const chrome = hint.unlikely || (role !== undefined && UNLIKELY_ROLES.has(role));
    const exempt = tag === "body" || tag === "a" || tag === "html" || tag === "main" || tag === "article";
    const kids = el.children;
    // Inline chrome (a share `<span>`) gets a record too, so that the strict view can cut it.
    if (BLOCK_TAGS.has(tag) || current === null || (chrome && !exempt)) {
      flush();
      breaks = 0;
      const info = newInfo(el, tag, current, elements.length, hint.hints);
      info.classWeight = hint.weight;
      info.unlikely = chrome && !exempt;
      info.role = role;
      if (current && BLOCK_TAGS.has(tag)) current.blockChildren++;
      if (tag === "pre") preDepth++;
      elements.push(info);
      stack.push(info);
      current = info;
    } else if (tag === "a") {
      linkDepth++;
      stack.push(LINK_END);
    }
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  flush();

  const flat = { blocks, elements, root: elements[0] ?? null, buyControls, hidden };
  aggregate(flat);
  return flat;
}

/** The first words of an element's text, gathered iteratively and within a bound (a button nests a few spans, a hostile page thousands). */
function shortText(el: Element): string {
  let out = "";
  const stack: Child[] = [el];
  for (let visited = 0; stack.length > 0 && visited < 40 && out.length < 80; visited++) {
    const n = stack.pop()!;
    if (typeof n === "string") out += decodeText(n);
    else for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out.replace(SPACES, " ").trim();
}

/** Fills each element's subtree aggregates from its blocks and own counts. */
function aggregate({ blocks, elements }: Flattened): void {
  for (const e of elements) {
    e.chars = e.linkChars = e.commas = e.headingChars = e.prose = 0;
    e.paragraphs = e.tag === "p" ? 1 : 0;
    e.listItems = e.tag === "li" ? 1 : 0;
    e.images = e.ownImages;
    e.inputs = e.ownInputs;
    e.embeds = e.ownEmbeds;
  }
  for (const b of blocks) {
    const o = b.owner;
    o.chars += b.weight;
    o.linkChars += b.linkChars * (b.weight / Math.max(1, b.chars));
    const commas = b.text.match(COMMAS);
    if (commas) o.commas += commas.length;
    if (HEADING.test(o.tag)) o.headingChars += b.weight;
    if (isProse(b)) o.prose += b.weight;
  }
  // Children come after their parents in pre-order, so a reverse sweep sums each subtree once.
  for (let i = elements.length - 1; i >= 0; i--) {
    const e = elements[i]!;
    const p = e.parent;
    if (!p) continue;
    p.chars += e.chars;
    p.linkChars += e.linkChars;
    p.commas += e.commas;
    p.paragraphs += e.paragraphs;
    p.images += e.images;
    p.listItems += e.listItems;
    p.inputs += e.inputs;
    p.embeds += e.embeds;
    p.headingChars += e.headingChars;
    p.prose += e.prose;
  }
}

/**
 * The page without the subtrees whose class, id or role say chrome: the strict view the article
 * vote starts from. Records are copied (the vote writes scores into them), blocks re-pointed.
 */
export function withoutChrome(flat: Flattened): Flattened {
  const copies = new Map<ElInfo, ElInfo>();
  const elements: ElInfo[] = [];
  for (const e of flat.elements) {
    if (e.unlikely) continue;
    let parent: ElInfo | null = null;
    if (e.parent) {
      const p = copies.get(e.parent);
      if (p === undefined) continue; // inside a subtree already cut
      parent = p;
    }
    const c = newInfo(e.el, e.tag, parent, elements.length, e.hints);
    c.classWeight = e.classWeight;
    c.role = e.role;
    c.ownImages = e.ownImages;
    c.ownInputs = e.ownInputs;
    c.ownEmbeds = e.ownEmbeds;
    if (parent && BLOCK_TAGS.has(e.tag)) parent.blockChildren++;
    copies.set(e, c);
    elements.push(c);
  }
  for (let i = elements.length - 1; i >= 0; i--) {
    const e = elements[i]!;
    if (e.parent && e.end > e.parent.end) e.parent.end = e.end;
  }
  const blocks: Block[] = [];
  for (const b of flat.blocks) {
    const owner = copies.get(b.owner);
    if (owner) blocks.push({ ...b, owner, order: owner.order });
  }
  const out = { blocks, elements, root: elements[0] ?? null, buyControls: flat.buyControls, hidden: flat.hidden };
  aggregate(out);
  return out;
}

const SENTENCE_END = /[.!?…。！？]["'”’»)\]]?(\s|$)/;

/** A run of text that reads like a sentence or more of prose rather than a label, a link or a teaser. */
export function isProse(b: Block): boolean {
  return b.weight >= 60 && b.linkChars < b.chars * 0.3 && SENTENCE_END.test(b.text);
}

export const isHeadingTag = (tag: string): boolean => HEADING.test(tag);
