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

function textDirective(sentence: string): string | null {
  const spans: Array<{ start: number; end: number }> = [];
  for (const s of words.segment(sentence)) {
    if (s.isWordLike === true) spans.push({ start: s.index, end: s.index + s.segment.length });
  }
  const first = spans[0];
  const last = spans[spans.length - 1];
  if (first === undefined || last === undefined) return null;
  if (spans.length <= WHOLE_SENTENCE_MAX_WORDS) return encodePart(sentence.slice(first.start, last.end));
  const startEnd = spans[EDGE_WORDS - 1];
  const endStart = spans[spans.length - EDGE_WORDS];
  if (startEnd === undefined || endStart === undefined) return null;
  return `${encodePart(sentence.slice(first.start, startEnd.end))},${encodePart(sentence.slice(endStart.start, last.end))}`;
}

/** Whitespace as one space (pages are matched as rendered, where runs of whitespace collapse), then encoded. */
function encodePart(text: string): string {
  return encodeURIComponent(text.replace(/\s+/g, " ")).replace(
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
