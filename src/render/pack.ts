/**
 * Puts rendered parts into as few messages as fit a platform's limit, splitting only between
 * parts, so markup (tags, entities, escapes) is never cut. A part longer than the limit on its
 * own is a bug in its renderer; it is sent alone rather than broken.
 */
export function packMessages(parts: readonly string[], limit: number, separator = "\n\n"): string[] {
  const out: string[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (last !== undefined && last.length + separator.length + part.length <= limit) out[out.length - 1] = `${last}${separator}${part}`;
    else out.push(part);
  }
  return out;
}
