import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCommand, type Command } from "../../src/commands.js";
import { extractArticle } from "../../src/extract/index.js";
import { MAX_BULLET_CHARS, summarize } from "../../src/summarize/index.js";
import { findLinks, MAX_LINKS_SCANNED } from "../../src/urls.js";
import { anyText, hostileText, manyUrls } from "./arbitraries.js";

/**
 * The parts that read what strangers send — chat text, page markup, article text — for any input:
 * the command parser returns a command or "not for me", the extractor returns an article (or says
 * it found none) in bounded time, the summarizer's bullets are sentences of its input.
 */

/** More runs for a longer fuzz: SKIM_FUZZ_RUNS=5000 npx vitest run test/property. */
const RUNS = Number(process.env["SKIM_FUZZ_RUNS"] ?? 150);
/** Generous: what takes milliseconds must not take seconds, whatever the input. */
const BOUND_MS = 2_000;

/** Whitespace folded: sentences are slices of their input "up to whitespace". */
const fold = (s: string) => s.replace(/[\s\u0085]+/g, " ").trim();

const COMMAND_KINDS = new Set<Command["kind"]>([
  "summary", "auto", "subscribe", "subscriptions", "unsubscribe", "digest", "settings", "length", "timezone",
  "fragments", "engine", "language", "forget", "help", "start", "usage", "message",
]);
const COMMAND_NAMES = ["summary", "summarize", "tldr", "auto", "subscribe", "subscriptions", "unsubscribe", "digest", "settings", "length", "timezone", "fragments", "engine", "language", "forget", "help", "start", "nope"];

/** "/name", sometimes "@bot", then hostile arguments: the parser's real input space. */
const commandText = fc
  .tuple(
    fc.constantFrom("/", " /", "/", "\u202E/", ""),
    fc.constantFrom(...COMMAND_NAMES).chain((n) => fc.constantFrom(n, n.toUpperCase(), `${n}_x`)),
    fc.constantFrom("", "@skim_bot", "@other_bot", "@", "@SKIM_BOT"),
    fc.constantFrom("", " ", "\n", "\t", "  "),
    anyText,
  )
  .map(([slash, name, mention, gap, args]) => `${slash}${name}${mention}${gap}${args}`);

describe("parseCommand, for any message text", () => {
  it("returns a command or 'not for me', never throws, and quotes back only what was typed", () => {
    fc.assert(
      fc.property(fc.oneof(commandText, anyText), fc.option(fc.constantFrom("skim_bot", "other_bot"), { nil: undefined }), (text, bot) => {
        const command = parseCommand(text, bot);
        expect(COMMAND_KINDS.has(command.kind)).toBe(true);
        // Nothing is invented: every string the command carries (a URL, a zone, a name) was typed.
        // (A language tag comes back canonical, a www. link with its scheme: those are compared loosely.)
        for (const [key, value] of Object.entries(command)) {
          if (key === "kind" || key === "usage" || typeof value !== "string") continue;
          const typed = key === "language" ? value.split("-")[0]! : fold(value).replace(/^https:\/\/(?=www\.)/i, "");
          expect(fold(text).toLowerCase()).toContain(typed.toLowerCase());
        }
        if (!text.trimStart().startsWith("/")) expect(command.kind).toBe("message");
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it("reads absurd arguments quickly: a megabyte of them, thousands of links", () => {
    for (const text of [`/summary ${"x".repeat(1_000_000)}`, `/subscribe ${manyUrls(5_000)}`, `/timezone ${"Europe/".repeat(200_000)}`, `/language ${"a-".repeat(500_000)}`, `/${"a".repeat(1_000_000)}`]) {
      const started = performance.now();
      expect(COMMAND_KINDS.has(parseCommand(text, "skim_bot").kind)).toBe(true);
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
    }
  });
});

describe("findLinks, for any message text", () => {
  it("returns at most a few distinct http(s) URLs, never throws", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.integer({ min: 0, max: 3_000 }).map(manyUrls)), (text) => {
        const links = findLinks(text);
        expect(links.length).toBeLessThanOrEqual(MAX_LINKS_SCANNED);
        expect(new Set(links).size).toBe(links.length);
        for (const link of links) expect(new URL(link).protocol).toMatch(/^https?:$/);
      }),
      { numRuns: RUNS },
    );
  });
});

/** Element names an extractor treats specially, and some it has never heard of. */
const TAGS = ["div", "p", "article", "main", "section", "span", "a", "b", "i", "li", "ul", "ol", "table", "tr", "td", "h1", "h2", "pre", "br", "img", "nav", "header", "footer", "aside", "form", "figure", "figcaption", "blockquote", "script", "style", "noscript", "template", "svg", "iframe", "x-widget", "DIV", "P", "button", "dialog", "dl", "dt", "dd"];
const ATTRS = ['class="article-body"', 'class="nav menu share"', 'id="comments"', 'hidden', 'style="display:none"', 'role="main"', 'itemprop="articleBody"', 'href="javascript:x"', 'class="', 'data-x="<p>"', "aria-hidden=true",
  'hidden id="S:0"', 'class="add-to-cart"', 'role="navigation"', 'class="message-userextras"', 'class="related-posts"', 'class="card"', 'id="__NEXT_DATA__"'];
/** Markup that does not close, opens comments, or claims a charset or JSON-LD. */
const JUNK = ["<", ">", "</", "<!--", "-->", "<![CDATA[", "]]>", "<!doctype html>", "<html>", "</body>", "<p", "<div class=", "&", "&amp", "&#xD800;", "&#0;", "&#x10FFFF;", '<meta charset="shift_jis">', '<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false', "</script>", "<title>", "</title>", "\u0000", "\uFEFF",
  // Framework state and JSON-LD bodies an app shell is read from, whole or cut short.
  '<script id="__NEXT_DATA__" type="application/json">{"props":{"html":"', '<script>self.__next_f.push([1,"', '"])</script>', "<noscript>",
  '<script type="application/ld+json">{"@type":"Product","name":"x","description":"', '<script type="application/ld+json">{"@type":"Article","articleBody":"', '"}</script>'];

type Tree = string;
const text = fc.oneof({ arbitrary: hostileText, weight: 3 }, { arbitrary: fc.lorem({ mode: "sentences", maxCount: 4 }), weight: 3 }, { arbitrary: fc.constantFrom(...JUNK), weight: 2 });
const { node } = fc.letrec<{ node: Tree; element: Tree }>((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, text, tie("element"), tie("element")),
  element: fc
    .tuple(fc.constantFrom(...TAGS), fc.array(fc.constantFrom(...ATTRS), { maxLength: 3 }), fc.array(tie("node"), { maxLength: 5 }), fc.boolean())
    .map(([tag, attrs, children, closed]) => `<${tag}${attrs.map((a) => ` ${a}`).join("")}>${children.join("")}${closed ? `</${tag}>` : ""}`),
}));
const html = fc.oneof(
  node.map((body) => `<!doctype html><html><head><title>T</title></head><body>${body}</body></html>`),
  fc.array(node, { maxLength: 6 }).map((nodes) => nodes.join("")),
  fc.string({ unit: "binary", maxLength: 2_000 }),
);

const PAGE_TYPES = ["article", "forum", "product", "collection", "listing", "documentation", "service"];

describe("extractArticle, for any markup", () => {
  it("returns an article or says it found none, within its bound, and never throws — from text or bytes", () => {
    fc.assert(
      fc.property(html, fc.constantFrom(undefined, "text/html", "text/html; charset=windows-1251", "text/html; charset=bogus", "text/plain"), (page, contentType) => {
        for (const body of [page, new TextEncoder().encode(page)]) {
          const started = performance.now();
          const article = extractArticle({ body, url: "https://example.com/a", ...(contentType ? { contentType } : {}) });
          expect(performance.now() - started).toBeLessThan(BOUND_MS);
          expect(typeof article.text).toBe("string");
          expect(PAGE_TYPES).toContain(article.pageType);
          // Everything it says comes from the page: nothing is made up or multiplied.
          expect(article.text.length).toBeLessThanOrEqual(typeof body === "string" ? body.length : body.byteLength);
          expect(article.paragraphs.join("\n\n")).toBe(article.text);
          if (article.text === "") expect(article.warning).toBeTruthy();
          for (const p of article.paragraphs) expect(p.trim()).not.toBe("");
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("summarize, for any text", () => {
  it("returns at most the bullets asked for, each a sentence of the input (or its start, cut at a word), in order", () => {
    const article = fc.oneof(
      anyText,
      fc.array(fc.oneof(fc.lorem({ mode: "sentences", maxCount: 6 }), hostileText), { minLength: 1, maxLength: 12 }).map((ps) => ps.join("\n\n")),
    );
    fc.assert(
      fc.property(article, fc.integer({ min: 1, max: 10 }), fc.option(fc.constantFrom("en", "de", "ja", "ru", "xx", ""), { nil: null }), (input, sentences, lang) => {
        const started = performance.now();
        const digest = summarize({ text: input, lang, title: null }, { sentences });
        expect(performance.now() - started).toBeLessThan(BOUND_MS);
        expect(digest.bullets.length).toBeLessThanOrEqual(sentences);
        const haystack = fold(input);
        let from = 0;
        for (const bullet of digest.bullets) {
          expect(bullet.length).toBeLessThanOrEqual(MAX_BULLET_CHARS);
          expect(bullet.trim()).not.toBe("");
          // A run-on sentence is cut at a word and marked with an ellipsis: then its start is in the input.
          const whole = haystack.indexOf(fold(bullet), from);
          const at = whole >= 0 || !bullet.endsWith("…") ? whole : haystack.indexOf(fold(bullet.slice(0, -1)), from);
          expect(at, `${JSON.stringify(bullet)} is not in the input after offset ${from}`).toBeGreaterThanOrEqual(0);
          from = at + 1;
        }
      }),
      { numRuns: RUNS },
    );
  });
});
