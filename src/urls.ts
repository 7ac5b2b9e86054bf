/**
 * Finding links in chat text and naming a page by one normalized URL, so that the same article
 * shared with different tracking tails is fetched once and cached once.
 */

/** http(s) URLs and bare www. hosts; stops at whitespace, angle brackets and quotes. */
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than a URL ("see https://x.com/a."). */
const TRAILING = /[.,;:!?)\]}'"»”’]+$/;
/** Most links in a message that are looked at: a message with thousands of URLs is not a request for thousands of fetches. */
export const MAX_LINKS_SCANNED = 20;

export function findLinks(text: string, limit = MAX_LINKS_SCANNED): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(LINK)) {
    let url = m[0];
    // Keep a closing bracket that belongs to the URL ("wiki/Foo_(bar)").
    while (TRAILING.test(url)) {
      const last = url[url.length - 1]!;
      if (last === ")" && url.split("(").length > url.split(")").length - 1) break;
      url = url.slice(0, -1);
    }
    if (/^www\./i.test(url)) url = `https://${url}`;
    if (!URL.canParse(url)) continue;
    if (!out.includes(url)) out.push(url);
    if (out.length >= limit) break;
  }
  return out;
}

const TRACKING = /^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|mkt_tok|ref_src|ref_url|cmpid|spm|s_cid|ocid)$/i;

/** One name per page: lower-case host, no default port, no fragment, no tracking parameters. */
export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  url.hash = "";
  url.hostname = url.hostname.toLowerCase();
  if ((url.protocol === "http:" && url.port === "80") || (url.protocol === "https:" && url.port === "443")) url.port = "";
  for (const key of [...url.searchParams.keys()]) if (TRACKING.test(key)) url.searchParams.delete(key);
  url.searchParams.sort();
  return url.href;
}
