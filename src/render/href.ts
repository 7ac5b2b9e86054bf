/** The only addresses a rendering links to: absolute http(s) URLs. Anything else stays unlinked. */
export function httpUrl(raw: string | null): URL | null {
  if (raw === null) return null;
  const trimmed = raw.trim();
  if (!URL.canParse(trimmed)) return null;
  const url = new URL(trimmed);
  return url.protocol === "http:" || url.protocol === "https:" ? url : null;
}
