import { classNames, textContent } from "./parse.js";
import { type Block, type ElInfo, type Flattened } from "./blocks.js";

/**
 * Finds the article among the blocks: paragraphs vote for their ancestors (Readability's idea),
 * the best-voted container and its kin siblings become the content, and inside it the parts that
 * look like lists of links, galleries or forms are dropped block by block.
 */

/** A block shorter than this (in weighted characters) does not vote. */
const MIN_VOTING_WEIGHT = 25;
/** How many ancestors a paragraph's vote reaches. */
const VOTE_LEVELS = 5;
const TOP_CANDIDATES = 5;

const PARAGRAPH_OWNERS = new Set(["p", "pre", "td", "blockquote", "div", "section", "article", "main", "font", "center", "dd", "h2", "h3", "h4", "h5", "h6"]);

function initialScore(e: ElInfo): number {
  let s = e.classWeight;
  switch (e.tag) {
    case "div":
      s += 5;
      break;
    case "pre":
    case "td":
    case "blockquote":
      s += 3;
      break;
    case "address":
    case "ol":
    case "ul":
    case "dl":
    case "dd":
    case "dt":
    case "li":
    case "form":
      s -= 3;
      break;
    case "h1":
    case "h2":
    case "h3":
    case "h4":
    case "h5":
    case "h6":
    case "th":
      s -= 5;
      break;
  }
  return s;
}

export const linkDensity = (e: ElInfo): number => (e.chars === 0 ? 0 : Math.min(1, e.linkChars / e.chars));

function vote(flat: Flattened): ElInfo[] {
  const candidates: ElInfo[] = [];
  const touch = (e: ElInfo) => {
    if (!e.scored) {
      e.scored = true;
      e.score = initialScore(e);
      candidates.push(e);
    }
  };
  for (const b of flat.blocks) {
    if (b.weight < MIN_VOTING_WEIGHT) continue;
    const owner = b.owner;
    if (!PARAGRAPH_OWNERS.has(owner.tag)) continue;
    const commas = b.text.match(/[,\u060C\u3001\uFF0C]/g)?.length ?? 0;
    const s = 1 + commas + Math.min(Math.floor(b.weight / 100), 3);
    // A paragraph's own element is the voter; a container holding loose text votes for itself.
    let target: ElInfo | null = owner.blockChildren === 0 ? owner.parent : owner;
    for (let level = 0; target && level < VOTE_LEVELS; level++, target = target.parent) {
      if (target.tag === "html" || target.tag === "#root") break;
      touch(target);
      const divider = level === 0 ? 1 : level === 1 ? 2 : level * 3;
      target.score += s / divider;
    }
  }
  for (const c of candidates) c.score *= 1 - linkDensity(c);
  candidates.sort((a, b) => b.score - a.score);
  return candidates;
}

const isAncestor = (a: ElInfo, b: ElInfo): boolean => a.order < b.order && b.order < a.end;

function pickTop(candidates: ElInfo[], root: ElInfo): ElInfo {
  let top = candidates[0];
  if (!top) return root;
  // Several strong candidates under one ancestor: the article is split into sections.
  const alternatives = candidates.slice(1, TOP_CANDIDATES).filter((c) => c.score / top!.score >= 0.75);
  if (alternatives.length >= 3) {
    for (let p = top.parent; p && p.tag !== "body" && p.tag !== "html"; p = p.parent) {
      const contained = alternatives.filter((a) => isAncestor(p!, a)).length;
      if (contained >= 3) {
        top = p;
        break;
      }
    }
  }
  if (!top.scored) {
    top.scored = true;
    top.score = initialScore(top);
  }
  // Climb while the parent holds comparable weight: the candidate was one part of the article.
  let last = top.score;
  const threshold = last / 3;
  for (let p = top.parent; p && p.tag !== "body" && p.tag !== "html"; p = p.parent) {
    if (!p.scored) continue;
    if (p.score < threshold) break;
    if (p.score > last) {
      top = p;
      break;
    }
    last = p.score;
  }
  // A lone child says nothing by itself: its parent is the real container.
  while (top.parent && top.parent.tag !== "body" && top.parent.tag !== "html" && top.parent.blockChildren === 1) {
    top = top.parent;
  }
  return widen(top);
}

/**
 * Articles split over several containers (sections, "continue reading" halves) leave the winner
 * holding only a part. Take the parent while what it adds is mostly prose, and a real share of it.
 */
function widen(top: ElInfo): ElInfo {
  for (let p = top.parent; p && p.tag !== "body" && p.tag !== "html" && p.tag !== "#root"; p = p.parent) {
    const addedProse = p.prose - top.prose;
    const added = p.chars - top.chars;
    if (added <= 0) {
      top = p;
      continue;
    }
    if (addedProse < Math.max(200, top.prose * 0.15) || addedProse / added < 0.6 || linkDensity(p) > 0.25) break;
    top = p;
  }
  return top;
}

/** The top candidate and the siblings that look like more of the same article. */
function gatherSiblings(top: ElInfo, elements: ElInfo[]): Set<ElInfo> {
  const roots = new Set<ElInfo>([top]);
  const parent = top.parent;
  if (!parent) return roots;
  const threshold = Math.max(10, top.score * 0.2);
  const cls = classNames(top.el);
  for (const s of childrenOf(parent, elements)) {
    if (s === top) continue;
    let bonus = 0;
    if (cls !== "" && classNames(s.el) === cls) bonus += top.score * 0.2;
    if (s.scored && s.score + bonus >= threshold) {
      roots.add(s);
      continue;
    }
    if (s.tag === "p") {
      const ld = linkDensity(s);
      if (s.chars > 80 && ld < 0.25) roots.add(s);
      else if (s.chars > 0 && s.chars <= 80 && ld === 0 && /\.( |$)/.test(textContent(s.el))) roots.add(s);
    }
  }
  return roots;
}

function childrenOf(parent: ElInfo, elements: ElInfo[]): ElInfo[] {
  const out: ElInfo[] = [];
  for (let i = parent.order + 1; i < parent.end; i = elements[i]!.end) out.push(elements[i]!);
  return out;
}

const CONDITIONAL = new Set(["form", "fieldset", "table", "ul", "ol", "dl", "div", "section", "aside", "figure", "header", "footer", "nav"]);

/** Readability's "clean conditionally": containers that look like link lists, galleries or forms. */
function looksLikeClutter(e: ElInfo): boolean {
  if (!CONDITIONAL.has(e.tag)) return false;
  if (e.tag === "nav" || e.tag === "aside") return true;
  // Headers and footers inside an article hold bylines, dates and share bars, unless they hold prose.
  if ((e.tag === "header" || e.tag === "footer") && e.prose < Math.max(200, e.chars * 0.5)) return true;
  const weight = e.classWeight;
  // Paragraph votes outweigh a misleading class name ("widget-container" holding the article).
  if (weight + (e.scored ? e.score : 0) < 0) return true;
  if (e.commas >= 10) return false;
  const isList = e.tag === "ul" || e.tag === "ol" || e.tag === "dl";
  const ld = linkDensity(e);
  const p = e.paragraphs;
  const img = e.images;
  const li = e.listItems - (isList ? 0 : 0);
  const headingDensity = e.chars === 0 ? 0 : e.headingChars / e.chars;
  if (img > 1 && p / img < 0.5) return true;
  if (!isList && li > p && e.tag !== "div" && e.tag !== "section") return true;
  if (e.inputs > Math.floor(p / 3)) return true;
  if (!isList && headingDensity < 0.9 && e.chars < 25 && (img === 0 || img > 2) && ld > 0) return true;
  if (weight < 25 && ld > 0.2 + (isList ? 0.3 : 0)) return true;
  if (weight >= 25 && ld > 0.5) return true;
  if ((e.embeds === 1 && e.chars < 75) || e.embeds > 1) return true;
  return false;
}

export type Selection = { blocks: Block[]; top: ElInfo | null };

export function selectContent(flat: Flattened): Selection {
  const root = flat.root;
  if (!root) return { blocks: [], top: null };
  const candidates = vote(flat);
  const top = pickTop(candidates, root);
  const roots = gatherSiblings(top, flat.elements);

  // Memoised walk up from each block's owner: inside a content root, and not inside clutter.
  const status = new Map<ElInfo, boolean>();
  const keep = (owner: ElInfo): boolean => {
    const path: ElInfo[] = [];
    let verdict = false;
    for (let e: ElInfo | null = owner; e; e = e.parent) {
      const known = status.get(e);
      if (known !== undefined) {
        verdict = known;
        break;
      }
      path.push(e);
      if (roots.has(e)) {
        verdict = !looksLikeClutter(e) || e === top;
        break;
      }
      if (looksLikeClutter(e)) {
        verdict = false;
        // Keep walking only to learn nothing more: clutter inside or outside is dropped alike.
        break;
      }
    }
    for (const e of path) status.set(e, verdict);
    return verdict;
  };
  const blocks = flat.blocks.filter((b) => keep(b.owner));
  return { blocks, top };
}
