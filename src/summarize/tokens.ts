import type { Language } from "./language.js";

/**
 * Content words of a sentence: lower-cased, stop words and single letters out, stemmed, so that
 * "rebels", "rebel" and "Rebel's" count as one word when sentences are compared.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const segmenters = new Map<string, Intl.Segmenter>();

function rawWords(text: string, language: Language): string[] {
  if (!language.segmentWords) return text.toLowerCase().match(WORD) ?? [];
  let seg = segmenters.get(language.code);
  if (!seg) {
    seg = new Intl.Segmenter(language.code, { granularity: "word" });
    segmenters.set(language.code, seg);
  }
  const out: string[] = [];
  // ICU's dictionary segmentation takes quadratic time on a long unbroken run of CJK (3.5 s at
  // 50,000 characters): it is given pieces of a bounded size, which splits at most one word each.
  for (let at = 0; at < text.length; at += SEGMENT_CHUNK) {
    for (const s of seg.segment(text.slice(at, at + SEGMENT_CHUNK))) if (s.isWordLike) out.push(s.segment.toLowerCase());
  }
  return out;
}

const SEGMENT_CHUNK = 1_000;

export type Token = { stem: string; word: string };

export function contentTokens(text: string, language: Language): Token[] {
  const out: Token[] = [];
  for (const raw of rawWords(text, language)) {
    const word = raw.replace(/['’](s|d|ll|re|ve|t)?$/u, "");
    if (word.length < (language.segmentWords ? 1 : 2) || language.stopwords.has(word) || /^\d+$/.test(word)) continue;
    out.push({ stem: language.stem(word), word });
  }
  return out;
}

/** Words as a reader counts them, for reading time: CJK characters count as about a third of a word. */
export function wordCount(text: string): number {
  const cjk = text.match(/[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/g)?.length ?? 0;
  const words = text.replace(/[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/g, " ").match(/\S+/g)?.length ?? 0;
  return words + Math.round(cjk / 3);
}
