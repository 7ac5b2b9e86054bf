import { describe, expect, it } from "vitest";
import { oneLine } from "../../src/render/clean.js";
import { renderTelegram } from "../../src/render/telegram.js";
import type { Digest } from "../../src/summarize/types.js";
import { parseTelegramHtml } from "../support/markup.js";
import { escapeHeavyDigest, FORBIDDEN_CONTROLS, HOSTILE_STRINGS, hostileDigest, hugeDigest, normalDigest } from "./digests.js";

const ON = { textFragments: true };
const OFF = { textFragments: false };
const ALL: Array<[string, Digest]> = [
  ["normal", normalDigest],
  ["hostile", hostileDigest],
  ["huge", hugeDigest],
  ["escape-heavy", escapeHeavyDigest],
];

describe("the test's own HTML checker", () => {
  it.each(["<b>x", "<b>x</i>", "<script>x</script>", "a < b", "a > b", "AT&T", "&nbsp;", '<a href="javascript:x">y</a>', "<a>y</a>"])(
    "rejects %j",
    (html) => expect(() => parseTelegramHtml(html)).toThrow(),
  );
  it("accepts Telegram's own example", () => {
    expect(parseTelegramHtml('<b>bold</b> &lt;&amp;&gt; <a href="https://t.me/?a=1&amp;b=2">x</a>')).toEqual({
      text: "bold <&> x",
      links: ["https://t.me/?a=1&b=2"],
    });
  });
});

describe("renderTelegram", () => {
  it("shows a normal digest as title link, source line and its bullets in order", () => {
    const out = renderTelegram(normalDigest, ON);
    const lines = out.split("\n");
    expect(lines[0]).toBe(
      '<b><a href="https://example.com/science/octopus?ref=home#comments">How octopuses taste with their arms</a></b>',
    );
    expect(lines[1]).toBe("<i>Example Science · Ada Lovelace · 2024-03-05 · 4 min read</i>");
    expect(lines[2]).toBe("");
    const bullets = lines.filter((l) => l.startsWith("• "));
    expect(bullets.map((l) => l.replace(/ <a href="[^"]*">↗<\/a>$/, "").slice(2))).toEqual(normalDigest.bullets);
    expect(parseTelegramHtml(out).links).toEqual([
      "https://example.com/science/octopus?ref=home#comments",
      "https://example.com/science/octopus?ref=home#:~:text=Octopuses%20have%20about%20500,sit%20in%20their%20arms",
      "https://example.com/science/octopus?ref=home#:~:text=Each%20sucker%20carries%20thousands,taste%20what%20it%20touches",
      "https://example.com/science/octopus?ref=home#:~:text=The%20arms%20can%20decide,waiting%20for%20the%20brain",
    ]);
    expect(lines.at(-1)).toBe("<i>Keywords: octopus, chemotactile receptors, biology</i>");
  });

  it("leaves the fragment links out when asked", () => {
    expect(parseTelegramHtml(renderTelegram(normalDigest, OFF)).links).toEqual([normalDigest.url]);
  });

  it.each(ALL)("keeps the %s digest within 4,096 characters, well-formed, with allowed tags only", (_, digest) => {
    for (const options of [ON, OFF]) {
      const out = renderTelegram(digest, options);
      expect(out.length).toBeLessThanOrEqual(4_096);
      expect(out).not.toMatch(FORBIDDEN_CONTROLS);
      const { text } = parseTelegramHtml(out);
      expect(text.length).toBeLessThanOrEqual(4_096);
      expect(text).not.toMatch(/@(?!\u200B)/);
    }
  });

  it("shows hostile text exactly as the page wrote it, once its controls are gone", () => {
    const { text } = parseTelegramHtml(renderTelegram(hostileDigest, OFF));
    const bullets = text.split("\n").filter((l) => l.startsWith("• ")).map((l) => l.slice(2).replaceAll("\u200B", ""));
    expect(bullets).toEqual(HOSTILE_STRINGS.map(oneLine));
    expect(text).toContain("<b>bold</b> </a>");
    expect(text).toContain("&amp; &lt; & AT&T");
    expect(text).toContain("👨‍👩‍👧‍👦");
  });

  it("escapes & in link targets", () => {
    const out = renderTelegram(hostileDigest, ON);
    expect(out).toContain('<a href="https://example.com/a_(b)?q=1&amp;r=%3Cx%3E#frag">');
    expect(parseTelegramHtml(out).links[0]).toBe("https://example.com/a_(b)?q=1&r=%3Cx%3E#frag");
  });

  it("drops trailing bullets and cuts the title to fit a huge digest, keeping the order", () => {
    const digest = { ...hugeDigest, url: "https://example.com/long-read" };
    const out = renderTelegram(digest, ON);
    expect(out.length).toBeGreaterThan(3_500);
    const { text, links } = parseTelegramHtml(out);
    const bullets = text.split("\n").filter((l) => l.startsWith("• "));
    expect(bullets.length).toBeGreaterThanOrEqual(5);
    bullets.forEach((b, i) => expect(b.startsWith(`• ${i} `)).toBe(true));
    expect(links).toHaveLength(bullets.length + 1);
    expect(text.split("\n")[0]?.endsWith("…")).toBe(true);
  });

  it("links nothing that is not http(s)", () => {
    const out = renderTelegram({ ...normalDigest, url: "javascript:alert(1)" }, ON);
    expect(out).not.toContain("<a ");
    expect(out.split("\n")[0]).toBe("<b>How octopuses taste with their arms</b>");
  });
});

describe("bullets written by the engine", () => {
  it("link to the article sentence each rests on, or nowhere", () => {
    const digest: Digest = {
      ...normalDigest,
      bullets: ["Councillors approved the budget after a debate.", "Schools get five percent more."],
      sources: ["The city council approved the budget on Tuesday after a long debate.", null],
      engine: "llm",
    };
    const { text, links } = parseTelegramHtml(renderTelegram(digest, ON));
    expect(text).toContain("Councillors approved the budget after a debate.");
    const fragments = links.filter((l) => l.includes("#:~:text="));
    expect(fragments).toHaveLength(1);
    expect(decodeURIComponent(fragments[0]!)).toContain("The city council approved");
    expect(decodeURIComponent(fragments[0]!)).not.toContain("Councillors");
  });
});
