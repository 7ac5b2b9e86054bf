import type { Digest } from "../summarize/types.js";
import { oneLine } from "./clean.js";
import { keywordsOf, SOURCE_SEPARATOR, sourceParts, titleOf } from "./meta.js";
import type { RenderOptions } from "./options.js";

/**
 * A digest as plain text for the console: no markup to escape, but page text still loses its control
 * characters and bidi overrides, which a terminal would act on.
 */

const BULLET_MARK = "• ";
const KEYWORDS_LABEL = "Keywords: ";

/**
 * Title
 * Site · Byline · 2024-05-01 · 4 min read
 * https://example.com/article
 *
 * • Sentence
 *
 * Keywords: a, b
 *
 * Text fragments are not printed: a terminal has no short link text to hide them behind, and the
 * full links would bury the sentences. `options` is taken for the same call shape as the others.
 */
export function renderPlain(digest: Digest, _options: RenderOptions): string {
  const lines = [titleOf(digest), sourceParts(digest).join(SOURCE_SEPARATOR)];
  const url = oneLine(digest.url ?? "");
  if (url !== "") lines.push(url);
  const bullets = digest.bullets.map(oneLine).filter((b) => b !== "");
  if (bullets.length > 0) lines.push("", ...bullets.map((b) => BULLET_MARK + b));
  const keywords = keywordsOf(digest);
  if (keywords.length > 0) lines.push("", KEYWORDS_LABEL + keywords.join(", "));
  return lines.join("\n");
}
