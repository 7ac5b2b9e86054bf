/** Cutting text to a length without splitting a word when it can, and never a grapheme. */

export const ELLIPSIS = "…";
/** A cut at the last space must keep at least this share of the allowed length, else it cuts mid-word. */
const MIN_WORD_CUT_SHARE = 0.6;
/** Trailing separators that would read oddly before the ellipsis. */
const TRAILING_SEPARATORS = /[\s,;:\-–—]+$/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * `text` itself when it fits in `max` UTF-16 units; otherwise a prefix ending in "…" that does.
 * Whole graphemes only, so an emoji ZWJ sequence or a surrogate pair is kept or dropped entire.
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return "";
  const budget = max - ELLIPSIS.length;
  // A grapheme boundary depends only on what precedes it and the next code point, so a short
  // window past the budget decides every boundary inside it.
  let end = 0;
  for (const { index, segment } of graphemes.segment(text.slice(0, budget + 2))) {
    if (index + segment.length > budget) break;
    end = index + segment.length;
  }
  let cut = text.slice(0, end);
  if (!/\s/.test(text.charAt(end))) {
    const lastSpace = cut.search(/\s\S*$/);
    if (lastSpace >= budget * MIN_WORD_CUT_SHARE) cut = cut.slice(0, lastSpace);
  }
  return cut.replace(TRAILING_SEPARATORS, "") + ELLIPSIS;
}
