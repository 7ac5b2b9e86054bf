import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";

/** The comparison point of the benchmark: Mozilla Readability on linkedom's DOM. */
export function readabilityText(html: string, url: string): string {
  const { document } = parseHTML(html);
  // Readability resolves links against the document's URL; linkedom has none unless given a base.
  const head = document.querySelector("head");
  if (head && !document.querySelector("base")) {
    const base = document.createElement("base");
    base.setAttribute("href", url);
    head.appendChild(base);
  }
  try {
    const parsed = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
    return parsed?.textContent?.replace(/\s+/g, " ").trim() ?? "";
  } catch {
    // It throws on a few malformed documents (a candidate with no parent): that page gets nothing.
    return "";
  }
}
