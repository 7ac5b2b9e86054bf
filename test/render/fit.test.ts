import { describe, expect, it } from "vitest";
import { fitLayout, type Layout, prepareBullets } from "../../src/render/fit.js";
import { shorten } from "../../src/render/shorten.js";

/** A renderer as simple as can be: a header line, one line per bullet, a keywords line. */
const render = (layout: Layout): string =>
  ["HEADER", ...layout.bullets.map((b) => `- ${b.shown}`), ...(layout.keywords ? ["KEYWORDS"] : [])].join("\n");

const words = (n: number, word = "word"): string => Array.from({ length: n }, (_, i) => `${word}${i}`).join(" ");

describe("shorten", () => {
  it("returns text that fits unchanged", () => expect(shorten("short text", 10)).toBe("short text"));

  it("cuts at the last word that fits and adds an ellipsis", () => {
    expect(shorten("The quick brown fox jumps over the lazy dog", 20)).toBe("The quick brown fox…");
  });

  it("drops separators left dangling before the ellipsis", () => {
    expect(shorten("Alpha beta gamma, delta epsilon", 18)).toBe("Alpha beta gamma…");
  });

  it("cuts mid-word when the last space is too far back", () => {
    expect(shorten("Go supercalifragilisticexpialidocious", 20)).toBe("Go supercalifragili…");
  });

  it("never splits a grapheme: emoji ZWJ sequences, flags, surrogate pairs", () => {
    const family = "👨‍👩‍👧‍👦";
    for (let max = 1; max <= 30; max++) {
      const cut = shorten(family.repeat(5), max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.replace("…", "").length % family.length).toBe(0);
    }
    expect(shorten("🇺🇦🇺🇦🇺🇦", 5)).toBe("🇺🇦…");
    expect(shorten("🇺🇦🇺🇦🇺🇦", 4)).toBe("…");
  });

  it("cuts text without spaces between characters", () => {
    expect(shorten("東京は日本の首都であり世界最大級の都市圏", 6)).toBe("東京は日本…");
  });
});

describe("fitLayout", () => {
  it("changes nothing that fits", () => {
    const layout = { bullets: prepareBullets({ bullets: ["One.", "Two."] }, 100), keywords: true };
    expect(fitLayout(layout, render, 1_000)).toBe("HEADER\n- One.\n- Two.\nKEYWORDS");
  });

  it("drops the keywords before any bullet", () => {
    const layout = { bullets: prepareBullets({ bullets: ["One.", "Two."] }, 100), keywords: true };
    expect(fitLayout(layout, render, 22)).toBe("HEADER\n- One.\n- Two.");
  });

  it("cuts the longest bullet at a word when a modest cut is enough, keeping every bullet", () => {
    const long = words(30);
    const out = fitLayout({ bullets: prepareBullets({ bullets: ["Short one.", long, "Short three."] }, 1_000), keywords: false }, render, 200);
    const lines = out.split("\n");
    expect(out.length).toBeLessThanOrEqual(200);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe("- Short one.");
    expect(lines[2]).toMatch(/^- word0 .* word\d+…$/);
    expect(long.startsWith((lines[2] ?? "").slice(2, -1))).toBe(true);
    expect(lines[3]).toBe("- Short three.");
  });

  it("drops trailing bullets when cutting would gut one", () => {
    const sentences = Array.from({ length: 10 }, (_, i) => words(10, `s${i}w`));
    const out = fitLayout({ bullets: prepareBullets({ bullets: sentences }, 1_000), keywords: false }, render, 300);
    expect(out.length).toBeLessThanOrEqual(300);
    const bullets = out.split("\n").slice(1);
    expect(bullets.length).toBeGreaterThanOrEqual(3);
    bullets.forEach((b, i) => expect(b.startsWith(`- s${i}w0`)).toBe(true));
  });

  it("cuts the last bullet left as far as it must", () => {
    const out = fitLayout({ bullets: prepareBullets({ bullets: [words(200)] }, 10_000), keywords: false }, render, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).toMatch(/^HEADER\n- word0 word1 .*…$/);
  });

  it("drops a bullet that could only be cut to a stub", () => {
    expect(fitLayout({ bullets: prepareBullets({ bullets: [words(200)] }, 10_000), keywords: false }, render, 30)).toBe("HEADER");
  });

  it("caps each bullet and drops empty ones when preparing", () => {
    const bullets = prepareBullets({ bullets: [words(100), "  \n\t ", "a\u202Eb"] }, 50);
    expect(bullets.map((b) => b.shown.length <= 50)).toEqual([true, true]);
    expect(bullets[0]?.sentence).toBe(words(100));
    expect(bullets[1]?.shown).toBe("ab");
  });

  it("treats a header that cannot fit as a bug", () => {
    expect(() => fitLayout({ bullets: [], keywords: false }, render, 3)).toThrow(/header/);
  });
});
