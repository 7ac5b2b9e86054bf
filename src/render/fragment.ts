import { wellFormed } from "./clean.js";
import { httpUrl } from "./href.js";

/**
 * Links that scroll to a sentence and highlight it: `#:~:text=` directives from the WICG Text Fragments
 * spec (https://wicg.github.io/scroll-to-text-fragment/). Browsers that lack them just open the page.
 */

/** Sentences of up to this many words are matched whole. */
const WHOLE_SENTENCE_MAX_WORDS = 8;
/** Longer ones are matched as `start,end`, this many words each: a link or an emphasis inside
 * the sentence in the page then does not stop the match, and the URL stays short. */
const EDGE_WORDS = 4;

/** `-`, `,` and `&` delimit parts of the directive; encodeURIComponent leaves `-` alone, so it is done by hand. */
const DIRECTIVE_SYNTAX = /[-,&]/g;

// Word segmentation (not splitting on spaces) finds words in Chinese, Japanese and Thai too, and
// leaves out the quotes and punctuation at the edges that a page may set apart in its own markup.
const words = new Intl.Segmenter(undefined, { granularity: "word" });

/**
 * `url` with its fragment replaced by a text directive for `sentence`. The URL comes back unchanged
 * when it is not an http(s) address, or when the sentence has no words to match.
 */
export function textFragmentUrl(url: string, sentence: string): string {
  const target = httpUrl(url);
  if (target === null) return url;
  const directive = textDirective(sentence);
  if (directive === null) return url;
  target.hash = "";
  return `${target.href}#:~:text=${directive}`;
}

/**
 * Only a sentence's edges are segmented: ICU's word segmentation takes quadratic time on some long
 * runs (20,000 tabs: a third of a second), and only the first and last few words are needed.
 */
const EDGE_WINDOW = 600;

function wordSpans(text: string, offset: number): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  for (const s of words.segment(text)) {
    if (s.isWordLike === true) spans.push({ start: offset + s.index, end: offset + s.index + s.segment.length });
  }
  return spans;
}

function textDirective(sentence: string): string | null {
  const long = sentence.length > 2 * EDGE_WINDOW;
  // A word cut by a window's edge is dropped: the directive must hold whole words of the page.
  const head = long ? wordSpans(sentence.slice(0, EDGE_WINDOW), 0).slice(0, -1) : wordSpans(sentence, 0);
  const first = head[0];
  const last = head[head.length - 1];
  if (first === undefined || last === undefined) return null;
  if (!long && head.length <= WHOLE_SENTENCE_MAX_WORDS) return encodePart(sentence.slice(first.start, last.end));
  const tailStart = sentence.length - EDGE_WINDOW;
  const tail = long ? wordSpans(sentence.slice(tailStart), tailStart).slice(1) : head;
  const opening = head.slice(0, EDGE_WORDS);
  const closing = tail.slice(-EDGE_WORDS);
  if (opening.length < EDGE_WORDS || closing.length < EDGE_WORDS) return null;
  return `${encodePart(sentence.slice(opening[0]!.start, opening[EDGE_WORDS - 1]!.end))},${encodePart(sentence.slice(closing[0]!.start, closing[EDGE_WORDS - 1]!.end))}`;
}

/**
 * Whitespace as one space (pages are matched as rendered, where runs of whitespace collapse), then
 * encoded. A lone surrogate (a page can write `&#xD800;`) would make encodeURIComponent throw.
 */
function encodePart(text: string): string {
  return encodeURIComponent(wellFormed(text).replace(/\s+/g, " ")).replace(
    DIRECTIVE_SYNTAX,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/**
 * The link for each bullet's sentence, as `toHref` makes it ready for a platform, or null for none:
 * fragments turned off, no article URL, or a sentence with no words to match (a second plain link to
 * the article would add nothing). Memoised, since fitting a message renders the same bullets many times.
 */
export function sentenceLinks(
  url: string | null,
  enabled: boolean,
  toHref: (url: string) => string | null,
): (sentence: string) => string | null {
  const cache = new Map<string, string | null>();
  return (sentence) => {
    if (!enabled || url === null) return null;
    let link = cache.get(sentence);
    if (link === undefined) {
      const fragment = textFragmentUrl(url, sentence);
      link = fragment === url ? null : toHref(fragment);
      cache.set(sentence, link);
    }
    return link;
  };
}
