import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { HTMLElement, NodeType, parse, type Node } from "node-html-parser";
import { describe, expect, it } from "vitest";
import { attribute, classNames, parseHtml, textContent, type Child, type Element } from "../../src/extract/parse.js";
import { prescan } from "../../src/extract/prescan.js";

/**
 * Our tree builder follows node-html-parser's rules with the options Skim used it with: the library
 * stays the reference, and on every fixture page (and on hand-made broken markup) the trees agree.
 */
const REFERENCE_OPTIONS = {
  lowerCaseTagName: false,
  comment: false,
  parseNoneClosedTags: true,
  closeAllByClosing: true,
  blockTextElements: {},
} as const;

type Shape = string | { tag: string; attrs: string; id: string; cls: string; children: Shape[] };

/** Both trees as plain data, iteratively built (deep fixtures would overflow a recursive walk). */
function ours(root: Element): Shape {
  const convert = (c: Child): Shape => (typeof c === "string" ? c : { tag: c.tag, attrs: c.attrs, id: c.id, cls: classNames(c), children: c.children.map(convert) });
  return convert(root);
}

function reference(root: HTMLElement): Shape {
  const convert = (n: Node): Shape => {
    if (n.nodeType !== NodeType.ELEMENT_NODE) return n.rawText;
    const el = n as HTMLElement;
    const raw = el.rawTagName ?? "";
    const tag = /^[A-Z]/.test(raw) ? raw.toLowerCase() : raw;
    return { tag, attrs: el.rawAttrs, id: el.id, cls: el.classList.length > 0 ? el.classNames : "", children: el.childNodes.map(convert) };
  };
  return convert(root);
}

const fixtures = join(import.meta.dirname, "../fixtures");
const pages: [string, string][] = [
  ...readdirSync(join(fixtures, "pages"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d): [string, string] => [d.name, gunzipSync(readFileSync(join(fixtures, "pages", d.name, "source.html.gz"))).toString("utf8")]),
  ...readdirSync(join(fixtures, "wcxb"))
    .filter((f) => f.endsWith(".html.gz"))
    .map((f): [string, string] => [`wcxb/${f}`, gunzipSync(readFileSync(join(fixtures, "wcxb", f))).toString("utf8")]),
];

const BROKEN = [
  "<div><p>one<p>two</div><li>a<li>b</ul>",
  "<table><tr><td>a<td>b<tr><td>c</table>tail",
  "<b><div>x</b></div><i>y",
  "<a href=/path/>link</a><br/><img src=x>",
  "<div class='a  a b' ID=\"X\" class=c>t</div><DIV>up</DIV><Span>mixed</Span>",
  "<dl><dt>t<dd>d</dl><h1>a<h1>b",
  "<p>text &amp; more<![CDATA[raw]]> <!-- gone --> end",
  "<div><span>open at the end <em title='half",
  "before<documentfragmentcontainer>inside</documentfragmentcontainer>after",
  "<ul><li><p>para</ul></li>",
];

describe("parseHtml", () => {
  it.each(pages)("builds node-html-parser's tree for %s", (_name, html) => {
    const markup = prescan(html).html;
    expect(ours(parseHtml(markup))).toEqual(reference(parse(markup, REFERENCE_OPTIONS)));
  });

  it.each(BROKEN)("builds node-html-parser's tree for broken markup %#", (markup) => {
    expect(ours(parseHtml(markup))).toEqual(reference(parse(markup, REFERENCE_OPTIONS)));
  });

  it("reads attributes and text as the library does", () => {
    const markup = `<meta Content="first" content="second"><a title="" title="Tom &amp; Jerry" href>x &lt; y<br>z</a>`;
    const mine = parseHtml(markup).children as Element[];
    const theirs = parse(markup, REFERENCE_OPTIONS).childNodes as HTMLElement[];
    for (const name of ["content", "title", "href", "missing"]) {
      for (let i = 0; i < 2; i++) expect(attribute(mine[i]!, name)).toBe(theirs[i]!.getAttribute(name));
    }
    expect(attribute(mine[1]!, "title")).toBe("Tom & Jerry");
    expect(textContent(mine[1]!)).toBe(theirs[1]!.text);
    expect(textContent(mine[1]!)).toBe("x < y\nz");
  });

  it("ends a head the page never closes where its body starts, as a browser does (the library nests the page in the head)", () => {
    const markup = `<html><head><title>T</title><link rel="x"><BODY class="b"><div><p>Read me</p></div></BODY></html>`;
    const html = parseHtml(markup).children[0] as Element;
    expect(html.children.map((c) => (typeof c === "string" ? c : c.tag))).toEqual(["head", "body"]);
    const body = html.children[1] as Element;
    expect(body.cls).toBe("b");
    expect(textContent(body)).toBe("Read me");
    // The one place the trees differ on purpose.
    expect(ours(parseHtml(markup))).not.toEqual(reference(parse(markup, REFERENCE_OPTIONS)));
  });

  it("keeps a page nested a hundred thousand deep without overflowing the stack", () => {
    const root = parseHtml("<div>".repeat(100_000) + "deep");
    let el = root;
    let depth = 0;
    while (el.children.length > 0 && typeof el.children[0] !== "string") {
      el = el.children[0] as Element;
      depth++;
    }
    expect(depth).toBe(100_000);
    expect(el.children[0]).toBe("deep");
  });
});
