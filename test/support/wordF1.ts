/**
 * The WCXB benchmark's per-page metric, as `npm run eval` computes it (scripts/lib/wcxb.ts; the
 * benchmark's evaluate.py): bag-of-words P/R/F1 over `\w+` tokens and the shares of `with` and
 * `without` snippets found. One implementation for the eval and the golden tests.
 */
export { scoreWcxb as wordScore, type PageScore as WordScore } from "../../scripts/lib/wcxb.js";
