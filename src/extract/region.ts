import { type Block, type ElInfo, type Flattened } from "./blocks.js";
import { linkDensity } from "./content.js";

/**
 * The page's main region, all of it: what a thread, a product, a listing or a service page is.
 * Readability's question ("which container holds the most prose?") finds an article's body but
 * keeps one card of a listing, one post of a thread, one section of a service page. Here the
 * region is the page's declared main element (or the body), and only what is plainly chrome
 * inside it goes: navigation, sidebars, footers, banners, share bars, cookie notices, menus of
 * links — every rule about a kind of element, never about a site.
 */

export type RegionOptions = {
  /** Keep comment threads: on a forum page the comments are the content. */
  keepComments: boolean;
  /** Keep blocks of bare links: on a listing or a category page they are its items. */
  keepLinkLists: boolean;
  /** Drop customer reviews: on a product page they are what others say, not what the product is. */
  dropReviews?: boolean;
};

export type Region = { blocks: Block[]; root: ElInfo | null };

const CHROME_TAGS = new Set(["nav", "aside", "footer", "dialog"]);
const CHROME_ROLES = new Set(["navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "menu", "menubar", "search", "toolbar", "tablist"]);

/** Class and id words of chrome on today's sites, whole words of a class name ("pager" but not "pagerank"). */
const CHROME_HINT =
  /(^|[\s_-])(breadcrumbs?|cookies?|cookie-?(banner|notice|consent|bar)|consent|gdpr|subscribe|sign-?up|login|modal|popup|toast|author-?(bio|box)|about-?the-?author|related|recommended|recirc|outbrain|taboola|pagination|pager|mega-?menu|site-?(header|footer|nav|navigation)|navbar|footer|promo|sponsored|sharing|socials|share-?(bar|buttons|links|tools)|back-?to-?top|post-?tags|offcanvas)($|[\s_-])/;
/**
 * On a thread, what forum engines put around each post: the poster's rank, stats and signature,
 * guest teasers, quote-and-reply bars, the board's sidebar. The poster's name and the date stay.
 */
const THREAD_CHROME_HINT =
  /(^|[\s_-])(user-?title|user-?banner|user-?extras|userinfo_extra|user-?stats|member-?(title|stats|rank)|postprofile|post-?signature|signature|sidebar|guest-?teaser|cguestteaser|loginbar|notices|postfoot|profile-?icons|textcontrols|likes-?summary|likessummary|similar-?threads|block-?minorheader)($|[\s_-]|\d)/;
const REVIEW_HINT = /(^|[\s_-])(reviews?|review-?(list|widget|section|container)|ratings?-?(summary|histogram)?|testimonials?|customer-?reviews?|product-?reviews?)($|[\s_-]|\d)/;
const COMMENT_HINT = /(^|[\s_-])(comments?|comment-?(list|section|form|respond)|respond|disqus|replies)($|[\s_-])/;

export function selectRegion(flat: Flattened, options: RegionOptions): Region {
  const root = flat.root;
  if (!root) return { blocks: [], root: null };
  const body = flat.elements.find((e) => e.tag === "body") ?? root;
  const region = mainOf(flat, body);

  // On a listing, "Latest news" and "Most popular" are sections of the content itself.
  const titled = options.keepLinkLists ? new Set<ElInfo>() : titledAsides(flat, region, options.keepComments ? ASIDE_TITLE : ASIDE_OR_COMMENTS_TITLE);
  const verdict = new Map<ElInfo, boolean>();
  const isChrome = (e: ElInfo): boolean => titled.has(e) || chromeReason(e, region, options) !== null;
  // Kept when no element from the block's owner up to the region is chrome; memoised per element.
  const keep = (owner: ElInfo): boolean => {
    const path: ElInfo[] = [];
    let kept = false;
    for (let e: ElInfo | null = owner; e; e = e.parent) {
      const known = verdict.get(e);
      if (known !== undefined) {
        kept = known;
        break;
      }
      if (e === region) {
        kept = true;
        verdict.set(e, true);
        break;
      }
      path.push(e);
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const e = path[i]!;
      kept = kept && !isChrome(e);
      verdict.set(e, kept);
    }
    return kept;
  };
  return { blocks: flat.blocks.filter((b) => keep(b.owner)), root: region };
}

/** Headings of what is not the page's own content: suggestions, other items, the next read. */
const ASIDE_TITLE =
  /^((other |more )?(posts|articles|stories|recipes|guides|reads)? ?you (may|might|will|'ll|’ll)( also)? (like|enjoy|love)|you may be interested in|related( (products|items|articles|posts|stories|content|reading|links|topics|videos|guides|questions))?|customers (who|also)\b.*|people (who|also)\b.*|similar (items|products|posts|articles|threads|topics|questions|discussions)|recently viewed( items| products)?|recommended( for you| products| reading| articles| posts)?|more from .{1,40}|more (stories|articles|posts|news|to explore)|complete the (look|set)|frequently bought together|pairs? (well )?with|shop (similar|the look)|read next|up next|what to read next|keep reading|trending( now)?|most (popular|read|viewed)|popular (posts|articles|stories)|latest (posts|articles|news)|(also|more) in .{1,30}|explore more|don't miss|sponsored|from our partners|around the web|about the (author|authors|reviewer|writer|contributors?)|meet the (author|team)|blog archives?|popular tags|follow us( on .{1,20})?|get (new )?\w+ by email|sign up for .{1,40}|share (this|on)( .{1,20})?|share:)\s*[:.…!]*$/i;
/** Headings of the comment section: chrome under an article, the content of a thread. */
const COMMENTS_TITLE = /^(\d+ )?(comments?|responses?|replies|discussion|leave a (reply|comment)|join the (discussion|conversation)|what do you think\??)(\s*\(\d+\))?\s*[:.]?$/i;

/**
 * Containers that open with such a heading (a "Related articles" section, a "You may also like"
 * carousel), found through the first text block of each element, in one linear pass.
 */
const ASIDE_OR_COMMENTS_TITLE = new RegExp(`${ASIDE_TITLE.source}|${COMMENTS_TITLE.source}`, "i");

function titledAsides(flat: Flattened, region: ElInfo, title: RegExp): Set<ElInfo> {
  const out = new Set<ElInfo>();
  const titles = flat.blocks.filter((b) => b.chars <= 60 && title.test(b.text));
  if (titles.length === 0) return out;
  const first = new Map<ElInfo, Block>();
  for (const b of flat.blocks) {
    for (let e: ElInfo | null = b.owner; e && !first.has(e); e = e.parent) first.set(e, b);
  }
  for (const b of titles) {
    let e = b.owner;
    // Up to the largest container the heading opens, short of one that holds much of the page's
    // prose: a share bar at the top of the content column does not make the column an aside.
    while (e.parent && e.parent !== region && first.get(e.parent) === b && e.parent.chars < region.chars * 0.5 && e.parent.prose <= region.prose * 0.3) e = e.parent;
    if (e !== b.owner || e.chars > b.weight) out.add(e);
  }
  return out;
}

/** Why an element inside the region is chrome, or null when it is not. */
/** What the class words say, per distinct class-and-id string: pages repeat a few thousands of times. */
type HintVerdict = { chrome: string | null; thread: boolean; comments: boolean; reviews: boolean };
const hintVerdicts = new Map<string, HintVerdict>();
const HINT_CACHE_LIMIT = 20_000;

/**
 * Class words that state what an element has or allows rather than what it is: a post classed
 * `has-comments` or `comments-open` is the post, not its comment section.
 */
const STATE_WORD = /(^|\s)((has|no|with|without|allow|enable|disable|show)-\S*|\S*-(open|closed|enabled|disabled|allowed))(?=\s|$)/g;

function hintVerdict(key: string): HintVerdict {
  let v = hintVerdicts.get(key);
  if (v === undefined) {
    const hints = key.replace(STATE_WORD, " ");
    const m = CHROME_HINT.exec(hints);
    v = { chrome: m ? m[2]! : null, thread: THREAD_CHROME_HINT.test(hints), comments: COMMENT_HINT.test(hints), reviews: REVIEW_HINT.test(hints) };
    if (hintVerdicts.size >= HINT_CACHE_LIMIT) hintVerdicts.clear();
    hintVerdicts.set(key, v);
  }
  return v;
}

export function chromeReason(e: ElInfo, region: ElInfo, options: RegionOptions): string | null {
  if (e === region) return null;
  if (CHROME_TAGS.has(e.tag)) return e.tag;
  // Themes put `role=tablist` on the wrapper of the tabs and their panels: holding most of the region, it is the content.
  if (e.role !== undefined && CHROME_ROLES.has(e.role) && !(e.role === "tablist" && e.chars >= region.chars * 0.5)) return `role=${e.role}`;
  // The site's header is chrome; on a listing, a card's own `<header>` (its title and teaser) is the item.
  if (e.tag === "header" && e.prose < 200 && !(options.keepLinkLists && insideArticle(e, region))) return "header";
  if (e.hints !== "") {
    const v = hintVerdict(e.hints);
    const holds = holdsRegion(e, region);
    if (v.chrome !== null && !holds) return `hint:${v.chrome}`;
    if (!options.keepComments && v.comments) return "comments";
    if (options.keepComments && !holds && v.thread) return "thread-chrome";
    if (options.dropReviews && !holds && v.reviews) return "reviews";
  }
  // A block of links with nothing to read between them is a menu, unless it is the region's substance.
  if (!options.keepLinkLists && e.chars >= 40 && linkDensity(e) > 0.85 && e.prose === 0 && e.chars < region.chars * 0.4) return "links";
  return null;
}

/** An ancestor of the region (a "page-with-sidebar" wrapper) is not chrome, whatever its name. */
const holdsRegion = (e: ElInfo, region: ElInfo): boolean => e.order <= region.order && region.order < e.end;

/**
 * The declared main element (`<main>`, `role=main`) when it holds a fair share of the page's
 * text; a page with several picks the largest. Else the body.
 */
function mainOf(flat: Flattened, body: ElInfo): ElInfo {
  let best: ElInfo | null = null;
  for (const e of flat.elements) {
    if (e.tag !== "main" && e.role !== "main") continue;
    if (!best || e.chars > best.chars) best = e;
  }
  if (best && best.chars >= body.chars * 0.2 && (best.prose > 0 || best.chars >= 200)) return best;
  return body;
}


/** A `<header>` inside an `<article>` is that article's heading (a card's title and teaser), not the site's. */
function insideArticle(e: ElInfo, region: ElInfo): boolean {
  for (let a = e.parent; a && a !== region; a = a.parent) if (a.tag === "article") return true;
  return false;
}
