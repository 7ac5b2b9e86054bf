import type { Block } from "./blocks.js";
import { isDateline } from "./dateline.js";
import type { Metadata } from "./metadata.js";

/**
 * Last pass over the chosen blocks: drops the headline and byline repeated above the body and
 * the one-line chrome that survives inside article containers (share prompts, "read more",
 * advertisement labels). Each rule is about a kind of line, never about a site.
 */

const BOILERPLATE = [
  /^(advertisement|advertising|sponsored|ad|anzeige|реклама|publicité)$/i,
  /^(share|share this|share this article|share on \w+|tweet|email|print|comments?|\d+ comments?)$/i,
  /^(read more|continue reading|see more|show more|load more|more:?|related:?|related articles?|related stories|recommended|you may also like|most popular|trending)\b.{0,80}$/i,
  /^(sign up|subscribe|join our|get our|follow us|like us)\b.{0,160}(newsletter|inbox|email|updates|facebook|twitter|instagram)/i,
  /^(subscribe|sign up|sign in|log in|register)\b.{0,120}$/i,
  /^(previous|next) (article|post|story)\b/i,
  /^(image|photo|picture|video)( credit)?:/i,
  /^(copyright|©)\s/i,
  /^no time to read\?/i,
  /^skip to (the )?(main )?(content|navigation|menu|search|footer)$/i,
];

/**
 * What a shop prints on every card and beside every buy button: badges, stock, the labels of its
 * controls. On a product or a category page these are the shop's interface, not what it sells;
 * a whole line of one of them says nothing a reader of the digest needs.
 */
const SHOP_CONTROL =
  /^(add to (cart|bag|basket|wish ?list|favou?rites|compare)|add|remove|buy (it )?now|shop now|(out of|in|low) stock|sold out|back in stock|only \d+ left( in stock)?|pre-?order( now)?|notify me( when (it.s )?(available|back in stock))?|free (shipping|delivery|returns)|select (a |your )?(size|colou?r|options?|style)s?|choose options|view (details|product|options)|see details|quick (view|shop|add|look)|(regular|sale|unit|original) price|price|from|sale|new|save \d+%|compare|wish ?list|qty|quantity|view cart|checkout|continue shopping|write a review|be the first to review.{0,60}|(\d+ )?colou?rs? available|\+ ?\d+ (more )?colou?rs?)\s*[:.!]?$/i;

/**
 * What forum engines print around each post: the poster's counts and join date, the "last edited"
 * stamp, the signature a phone app adds, the controls under a post, the notices of a closed thread.
 * Lines about the thread's machinery, not what anyone said in it.
 */
const THREAD_CHROME =
  /^((join(ed)?( date)?|posts|threads|messages|reputation|reaction score|points|likes( received)?|trophies|solutions|credits|rep power)\s*:\s*[\w ,./-]{1,30}|[\d,.]+k? (posts|messages|reactions?|likes)( · joined \w+( \d+)?)?|sent from my .{1,60}( using .{1,60})?|this (topic|thread) was automatically closed .{0,80}|not open for further replies\.?|(you must )?log ?in (or register )?to (reply|answer|comment|post).{0,40}|reply to this (topic|thread|question)\.*|report (inappropriate content|post|abuse)|powered by \S+( \S+){0,3}|similar (threads|topics|questions|discussions)|jump to:?|you are not logged in\.?|click to expand\.*|reply|quote|like|share|report|permalink|last edited( by .{1,40})?( on .{1,40})?\.?|edited( by .{1,40})?\.?)$/i;

const BYLINE = /^(by|from|written by|posted by|von|par|por|автор)\s+[\p{Lu}][\p{L}'’.-]+(\s+[\p{L}'’.-]+){0,4}\s*(,|\||$)/iu;

/** Shorter repeats are labels and prices ("$19.99" on every card), which a listing may really repeat. */
const DEDUPE_MIN_CHARS = 10;
/**
 * Shops, threads and service pages render a section twice, for phones and for desktops, and hide
 * one copy with CSS: a block said before is such a copy. Not on articles, where a writer repeats
 * lines on purpose (the same step in each day of a meal plan).
 */
function copiesOf(blocks: readonly Block[]): boolean[] {
  const seen = new Set<string>();
  return blocks.map((b) => {
    if (b.chars < DEDUPE_MIN_CHARS) return false;
    if (seen.has(b.text)) return true;
    seen.add(b.text);
    return false;
  });
}

const URL_RUN = /\bhttps?:\/\/\S+/g;
/** No word runs this long in Latin letters without a space: ids, hashes, base64, obfuscated labels. */
const LONG_TOKEN = /[A-Za-z0-9+/=_-]{40,}/g;
const DIGITS = /\d\D*\d\D*\d/;

/** Leaked markup data (image lists, tracking blobs, strings of ids): more address or hash than words. */
function mostlyNotWords(text: string): boolean {
  // Short lines ("Registration: https://…") and code, where addresses and long names are the point, stay.
  if (text.length < 40 || text.includes("\n")) return false;
  const words = text.includes("http") ? text.replace(URL_RUN, "") : text;
  let n = text.length - words.length;
  // Ids and hashes mix in digits; a run of words joined by dashes ("SIN-CGK-DXB-…") does not.
  for (const m of words.matchAll(LONG_TOKEN)) if (DIGITS.test(m[0])) n += m[0].length;
  return n > text.length * 0.5;
}

/** Short lines that only state who wrote the piece or when. */
function isDatelineOrByline(text: string, byline: string | null): boolean {
  if (text.length > 120) return false;
  if (isDateline(text)) return true;
  if (BYLINE.test(text)) return true;
  if (byline && normalize(text) === normalize(byline)) return true;
  return false;
}

const normalize = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();

export type TidyOptions = {
  /** Keep lines that are only a link: the items of a listing or a category are exactly that. */
  keepLinkLines: boolean;
  /** Say a repeated block once (pages that are not articles: see `copiesOf`). */
  dropCopies: boolean;
  /** A product or a category page: drop the shop's own labels (see `SHOP_CONTROL`). */
  shop?: boolean;
  /** A forum thread: drop the engine's lines around each post (see `THREAD_CHROME`). */
  thread?: boolean;
};

export function tidyBlocks(blocks: readonly Block[], meta: Metadata, options: TidyOptions = { keepLinkLines: false, dropCopies: false }): string[] {
  const title = meta.title ? normalize(meta.title) : null;
  const out: string[] = [];
  const copies = options.dropCopies ? copiesOf(blocks) : [];
  let last: Block | null = null;
  for (const [i, b] of blocks.entries()) {
    const text = b.text;
    if (copies[i]) continue;
    if (BOILERPLATE.some((re) => re.test(text))) continue;
    if (options.shop && text.length <= 80 && SHOP_CONTROL.test(text)) continue;
    if (options.thread && text.length <= 160 && THREAD_CHROME.test(text)) continue;
    if (i < 12 && isDatelineOrByline(text, meta.byline)) continue;
    if (mostlyNotWords(text)) continue;
    // Link-only lines inside the article are "related" teasers, not prose.
    if (!options.keepLinkLines && b.chars > 0 && b.linkChars / b.chars > 0.75 && b.chars < 200) continue;
    // The first-level heading above the body is the headline, whatever the metadata calls it.
    if (b.owner.tag === "h1" && out.length === 0) continue;
    if (i < 8 && title) {
      const n = normalize(text);
      if (n === title || (n.length > 20 && (title.startsWith(n) || n.startsWith(title)) && Math.abs(n.length - title.length) < 30)) continue;
    }
    if (b.continues && last !== null && last.seq === b.seq - 1) out[out.length - 1] += lineJoin(last.text, text) + text;
    else out.push(text);
    last = b;
  }
  return out;
}

const ENDS_LINE = /[.!?…:;。！？"”’)\]]$/u;
const STARTS_LOWER = /^[\p{Ll}\p{N}(]/u;
/** A `<br>` inside a paragraph: a hard-wrapped sentence goes on with a space; a line that ends a thought keeps its break. */
function lineJoin(before: string, after: string): string {
  return !ENDS_LINE.test(before) && STARTS_LOWER.test(after) ? " " : "\n";
}
