/**
 * Reads schema.org objects from `<script type="application/ld+json">`: many publishers state the
 * headline, authors, dates and sometimes the whole article body there, more reliably than in markup.
 */
export type LinkedArticle = {
  headline?: string;
  authors: string[];
  datePublished?: string;
  articleBody?: string;
  isAccessibleForFree?: boolean;
  publisher?: string;
  image?: string;
  inLanguage?: string;
};

/** A product as its page states it in JSON-LD: often the only place its description is whole. */
export type LinkedProduct = { name?: string; description?: string; brand?: string };

/** Everything read from a page's JSON-LD. */
export type LinkedData = {
  article: LinkedArticle | null;
  product: LinkedProduct | null;
  /** Every `@type` named, for the page-type guess. */
  types: Set<string>;
  /** How many Product objects the page lists: one is a product page, many a category. */
  products: number;
};

const ARTICLE_TYPE = /Article|BlogPosting|Report|Posting|NewsArticle|Review|Recipe|WebPage/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const str = (v: Json | undefined): string | undefined => {
  if (typeof v === "string") return v.trim() || undefined;
  if (Array.isArray(v)) return str(v[0]);
  if (v && typeof v === "object") return str(v["name"] ?? v["url"] ?? v["@value"]);
  return undefined;
};

function names(v: Json | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(names);
  if (typeof v === "string") return v.trim() ? [v.trim()] : [];
  if (typeof v === "object") {
    const n = v["name"];
    return typeof n === "string" && n.trim() ? [n.trim()] : [];
  }
  return [];
}

function typeOf(o: { [key: string]: Json }): string {
  const t = o["@type"];
  return Array.isArray(t) ? t.filter((x) => typeof x === "string").join(" ") : typeof t === "string" ? t : "";
}

/** Objects of the document, flattened out of arrays and `@graph`, without recursion into the rest. */
function objects(root: Json): { [key: string]: Json }[] {
  const out: { [key: string]: Json }[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0 && out.length < 200) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === "object") {
      out.push(v);
      const graph = v["@graph"];
      if (graph) stack.push(graph);
      const main = v["mainEntity"] ?? v["mainEntityOfPage"];
      if (main && typeof main === "object") stack.push(main);
    }
  }
  return out;
}

export function readLinkedData(scripts: readonly string[]): LinkedData {
  let best: LinkedArticle | null = null;
  let bestRank = -1;
  let product: LinkedProduct | null = null;
  let products = 0;
  const types = new Set<string>();
  for (const raw of scripts) {
    let parsed: Json;
    try {
      parsed = JSON.parse(raw.trim().replace(/^<!--|-->$/g, "")) as Json;
    } catch {
      continue;
    }
    for (const o of objects(parsed)) {
      const type = typeOf(o);
      for (const t of type.split(" ")) if (t) types.add(t);
      if (/\bProduct(Group|Model)?\b/.test(type)) {
        products++;
        const description = str(o["description"]);
        if (!product || (description && (product.description?.length ?? 0) < description.length)) {
          product = { name: str(o["name"]), description, brand: str(o["brand"]) };
        }
      }
      if (!ARTICLE_TYPE.test(type)) continue;
      const rank = /WebPage/.test(type) && !/Article/.test(type) ? 0 : 1;
      if (rank <= bestRank) continue;
      const free = o["isAccessibleForFree"];
      best = {
        headline: str(o["headline"]) ?? str(o["name"]),
        authors: names(o["author"]),
        datePublished: str(o["datePublished"]) ?? str(o["dateCreated"]),
        articleBody: str(o["articleBody"]) ?? str(o["text"]),
        isAccessibleForFree: free === false || free === "False" || free === "false" ? false : free === undefined ? undefined : true,
        publisher: str(o["publisher"]),
        image: str(o["image"]),
        inLanguage: str(o["inLanguage"]),
      };
      bestRank = rank;
    }
  }
  return { article: best, product, types, products };
}
