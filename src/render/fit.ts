import type { Digest } from "../summarize/types.js";
import { oneLine } from "./clean.js";
import { shorten } from "./shorten.js";

/**
 * Fitting a digest into a platform's length limit. Shortening works on the clean text before any
 * escaping and the platform renders again after each step, so a cut can never split an escape,
 * an entity or a tag, and the length checked is always that of the final string.
 */

/** One bullet: the whole sentence (its text fragment points at all of it) and the text shown. */
/** `anchor`: the article sentence the bullet's text-fragment link points at (the bullet itself when it is one). */
export type Bullet = { sentence: string; shown: string; anchor: string | null };
export type Layout = { bullets: Bullet[]; keywords: boolean };

/** A bullet cut shorter than this says too little to keep. */
const MIN_SHORTENED_CHARS = 40;
/** While other bullets remain to drop, a bullet is only cut if it keeps at least this share of its sentence. */
const MIN_KEPT_SHARE = 0.5;

/**
 * The digest's bullets as one-line bullets, each at most `maxChars` long. A bullet that is not an
 * article sentence (a model's rephrasing) links to the sentence it rests on, or nowhere.
 */
export function prepareBullets(digest: Pick<Digest, "bullets" | "sources">, maxChars: number): Bullet[] {
  return digest.bullets
    .map((text, i) => ({ sentence: oneLine(text), anchor: digest.sources ? (digest.sources[i] ?? null) : text }))
    .filter((b) => b.sentence !== "")
    .map((b) => ({ ...b, shown: shorten(b.sentence, maxChars) }));
}

/**
 * `render(layout)` made to fit in `limit` UTF-16 units (which is never fewer than the platform's
 * characters or code points). In order: drop the keywords, then either cut the longest bullet at a
 * word, when a modest cut is enough, or drop the last bullet. The header alone must fit; the caps
 * in meta.ts make sure it does, so a header that does not is a bug and throws.
 */
export function fitLayout(layout: Layout, render: (layout: Layout) => string, limit: number): string {
  let current = layout;
  let out = render(current);
  if (out.length > limit && current.keywords) {
    current = { ...current, keywords: false };
    out = render(current);
  }
  while (out.length > limit && current.bullets.length > 0) {
    current = { ...current, bullets: nextBullets(current.bullets, out.length - limit) };
    out = render(current);
  }
  if (out.length > limit) throw new Error(`render: header alone is ${out.length} chars, over the limit of ${limit}`);
  return out;
}

/** One step towards fitting: a shorter longest bullet, or one bullet fewer. */
function nextBullets(bullets: Bullet[], overflow: number): Bullet[] {
  let longest = 0;
  bullets.forEach((b, i) => {
    if (b.shown.length > (bullets[longest]?.shown.length ?? 0)) longest = i;
  });
  const bullet = bullets[longest];
  if (bullet === undefined) return [];
  // Removing k characters of clean text removes at least k from the output (escaping only adds),
  // so cutting by the overflow is enough unless the cut falls back to an earlier word.
  const target = bullet.shown.length - overflow;
  const modest = target >= Math.max(MIN_SHORTENED_CHARS, bullet.sentence.length * MIN_KEPT_SHARE);
  const lastResort = bullets.length === 1 && target >= MIN_SHORTENED_CHARS;
  if (modest || lastResort) {
    return bullets.map((b, i) => (i === longest ? { ...b, shown: shorten(b.shown, target) } : b));
  }
  return bullets.slice(0, -1);
}
