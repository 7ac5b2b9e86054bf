import { describe, expect, it } from "vitest";
import { neutraliseMentions, oneLine, stripControls } from "../../src/render/clean.js";
import { formatDate, formatReading, renderPlain } from "../../src/render/index.js";
import type { Digest } from "../../src/summarize/types.js";
import { FORBIDDEN_CONTROLS, hostileDigest, hugeDigest, normalDigest } from "./digests.js";

const OPTIONS = { textFragments: true };

describe("renderPlain", () => {
  it("shows a normal digest as title, source line, URL, bullets in order and keywords", () => {
    expect(renderPlain(normalDigest, OPTIONS).split("\n")).toEqual([
      "How octopuses taste with their arms",
      "Example Science · Ada Lovelace · 2024-03-05 · 4 min read",
      "https://example.com/science/octopus?ref=home#comments",
      "",
      "• Octopuses have about 500 million neurons, and two thirds of them sit in their arms.",
      "• Each sucker carries thousands of chemical receptors that let the arm taste what it touches.",
      "• The arms can decide on their own whether to grab prey, without waiting for the brain.",
      "",
      "Keywords: octopus, chemotactile receptors, biology",
    ]);
  });

  it("leaves out what the digest does not know", () => {
    const digest: Digest = { ...normalDigest, title: null, url: null, siteName: null, byline: null, publishedAt: null, bullets: [], keywords: [] };
    expect(renderPlain(digest, OPTIONS)).toBe("Untitled\n4 min read");
  });

  it("does not repeat a byline that names the site", () => {
    const digest = { ...normalDigest, siteName: "Ada's Blog", byline: "ada's blog" };
    expect(renderPlain(digest, OPTIONS).split("\n")[1]).toBe("Ada's Blog · 2024-03-05 · 4 min read");
  });

  it("shows markup as typed but strips controls and bidi overrides", () => {
    for (const digest of [hostileDigest, hugeDigest]) {
      const out = renderPlain(digest, OPTIONS);
      expect(out).not.toMatch(FORBIDDEN_CONTROLS);
    }
    const out = renderPlain(hostileDigest, OPTIONS);
    expect(out).toContain("• <b>bold</b> </a>");
    expect(out).toContain("• @everyone @here <@123>");
    expect(out).toContain("• RTL gnp.exe and isolate embed");
    expect(out).toContain("• zero\u200Dwidth joiner 👨‍👩‍👧‍👦 family");
    expect(out).toContain("• # heading > quote - list 1. ordered");
  });

  it("puts every bullet on one line", () => {
    const out = renderPlain({ ...normalDigest, bullets: ["one\ntwo", "three\r\nfour\u2028five"] }, OPTIONS);
    expect(out).toContain("• one two\n• three four five");
  });
});

describe("formatDate and formatReading", () => {
  it.each([
    ["2024-03-05T10:00:00Z", "2024-03-05"],
    ["2024-03-05T23:30:00-05:00", "2024-03-06"],
    ["2024-03-05", "2024-03-05"],
    [" 2024-03-05T01:00:00+03:00 ", "2024-03-04"],
    ["not a date", null],
    ["", null],
    [null, null],
  ])("formats %j as %j (UTC)", (iso, expected) => expect(formatDate(iso)).toBe(expected));

  it.each([
    [0, "1 min read"],
    [0.4, "1 min read"],
    [4.4, "4 min read"],
    [4.5, "5 min read"],
    [-3, "1 min read"],
    [Number.NaN, "1 min read"],
    [Number.POSITIVE_INFINITY, "1 min read"],
    [120, "120 min read"],
  ])("formats %d minutes as %j", (minutes, expected) => expect(formatReading(minutes)).toBe(expected));
});

describe("cleaning page text", () => {
  it("removes C0, C1 and bidi controls, keeps newlines and joiners", () => {
    expect(stripControls("a\u0000b\u0007c\u001Bd\u007Fe\u0085f\u009Bg\nh\u202Ei\u2066j\u2069k\u200Dl")).toBe("abcde\nfg\nhijk\u200Dl");
  });

  it("turns tabs into spaces and every line break into \\n", () => {
    expect(stripControls("a\tb\r\nc\rd\u2028e")).toBe("a b\nc\nd\ne");
  });

  it("replaces half surrogate pairs, keeps whole ones", () => {
    expect(stripControls("a\uD83Db 😀 \uDE00")).toBe("a\uFFFDb 😀 \uFFFD");
  });

  it("makes one trimmed line", () => expect(oneLine("  a \n\n b\t c  ")).toBe("a b c"));

  it("breaks every @ for mention parsers", () => {
    expect(neutraliseMentions("@everyone <@123>")).toBe("@\u200Beveryone <@\u200B123>");
  });
});
