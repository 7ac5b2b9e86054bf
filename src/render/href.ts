/** The only addresses a rendering links to: absolute http(s) URLs, without credentials. Anything else stays unlinked. */
export function httpUrl(raw: string | null): URL | null {
  if (raw === null) return null;
  const trimmed = raw.trim();
  if (!URL.canParse(trimmed)) return null;
  const url = new URL(trimmed);
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  // A link shown to a whole chat never carries someone's user name and password.
  url.username = "";
  url.password = "";
  return url;
}
