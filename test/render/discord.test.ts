import { describe, expect, it } from "vitest";
import { oneLine } from "../../src/render/clean.js";
import { renderDiscord, renderDiscordEmbed } from "../../src/render/discord.js";
import type { Digest } from "../../src/summarize/types.js";
import { escapeHeavyDigest, FORBIDDEN_CONTROLS, HOSTILE_STRINGS, hostileDigest, hugeDigest, normalDigest } from "./digests.js";

const ON = { textFragments: true };
const OFF = { textFragments: false };
const ALL: Array<[string, Digest]> = [
  ["normal", normalDigest],
  ["hostile", hostileDigest],
  ["huge", hugeDigest],
  ["escape-heavy", escapeHeavyDigest],
];

/** Escape pairs (Discord drops the backslash before any ASCII punctuation). */
const ESCAPE_PAIR = /\\[!-/:-@[-`{-~]/g;
/** Our own link targets: `](<https://…>)`, where nothing inside may end the target early. */
const LINK_TARGET = /\]\(<https?:\/\/[^\s<>()\\]+>\)/g;
/** Our own line prefixes: subtext and list items. */
const LINE_PREFIX = /^(?:-# |- )/gm;

/** What a reader sees of page text: escapes and mention breakers removed. */
function visible(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, "$1").replaceAll("\u200B", "");
}

/**
 * Asserts the message's only live Markdown is ours: `**` around the title, `[text](<url>)` links and
 * the line prefixes. Everything from the page must be escaped, so once escapes, our links and our
 * prefixes are removed nothing special may remain, and no escape may be cut in half.
 */
function expectOnlyOurMarkup(markdown: string): void {
  expect(markdown).not.toMatch(/(?<!\\)(?:\\\\)*\\$/m); // a lone backslash ending a line escapes the newline
  const bare = markdown.replace(ESCAPE_PAIR, "").replace(LINK_TARGET, "]").replace(LINE_PREFIX, "");
  expect(bare).not.toMatch(/[_~|`()<>#-]/);
  expect(bare).not.toMatch(/:[\w+-]+:|:\/\//);
  expect(bare.split("\n")[0]).toMatch(/^\*\*[^*]*\*\*$/);
  expect(bare.split("\n").slice(1).join("\n")).not.toContain("*");
  expect((bare.match(/\[/g) ?? []).length).toBe((bare.match(/\]/g) ?? []).length);
}

function expectNoPings(markdown: string): void {
  expect(markdown).not.toMatch(/@(?!\u200B)/);
  expect(markdown).not.toMatch(/(?<!\\)<[@#/:t]/);
  expect(markdown).not.toMatch(/@everyone|@here/);
}

/** The text of each `- ` line, without its fragment link. */
function bulletTexts(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((l) => l.startsWith("- "))
    .map((l) => l.slice(2).replace(/ \[↗\]\(<[^>]*>\)$/, ""));
}

describe("renderDiscord", () => {
  it("shows a normal digest as title link, source line and its bullets in order", () => {
    const out = renderDiscord(normalDigest, ON);
    const lines = out.split("\n");
    expect(lines[0]).toBe(
      "**[How octopuses taste with their arms](<https://example.com/science/octopus?ref=home#comments>)**",
    );
    expect(visible(lines[1] ?? "")).toBe("-# Example Science · Ada Lovelace · 2024-03-05 · 4 min read");
    expect(lines[2]).toBe("");
    expect(bulletTexts(out).map(visible)).toEqual(normalDigest.bullets);
    const links = [...out.matchAll(/\[↗\]\(<([^>]*)>\)/g)].map((m) => m[1]);
    expect(links).toEqual([
      "https://example.com/science/octopus?ref=home#:~:text=Octopuses%20have%20about%20500,sit%20in%20their%20arms",
      "https://example.com/science/octopus?ref=home#:~:text=Each%20sucker%20carries%20thousands,taste%20what%20it%20touches",
      "https://example.com/science/octopus?ref=home#:~:text=The%20arms%20can%20decide,waiting%20for%20the%20brain",
    ]);
    expect(lines.at(-1)).toBe("-# Keywords: octopus, chemotactile receptors, biology");
  });

  it("leaves the fragment links out when asked", () => {
    const out = renderDiscord(normalDigest, OFF);
    expect(out).not.toContain("↗");
    expect(bulletTexts(out).map(visible)).toEqual(normalDigest.bullets);
  });

  it.each(ALL)("keeps the %s digest within 2,000 characters, with only its own markup and no pings", (_, digest) => {
    for (const options of [ON, OFF]) {
      const out = renderDiscord(digest, options);
      expect(out.length).toBeLessThanOrEqual(2_000);
      expect(out).not.toMatch(FORBIDDEN_CONTROLS);
      expectOnlyOurMarkup(out);
      expectNoPings(out);
    }
  });

  it("shows hostile text exactly as the page wrote it, once its controls are gone", () => {
    const out = renderDiscord(hostileDigest, OFF);
    const shown = bulletTexts(out).map(visible);
    expect(shown.length).toBeGreaterThan(3);
    shown.forEach((text, i) => {
      const original = oneLine(HOSTILE_STRINGS[i] ?? "");
      if (text.endsWith("…")) expect(original.startsWith(text.slice(0, -1).trimEnd())).toBe(true);
      else expect(text).toBe(original);
    });
    expect(out).toContain("\\<@\u200B123\\>");
    expect(out).toContain("@\u200Beveryone");
    expect(out).toContain("\\[x\\]\\(http\\://evil\\)");
    expect(out).toContain("\\:smile:");
    expect(out).toContain("👨‍👩‍👧‍👦");
  });

  it("escapes list markers that would start a nested list", () => {
    const out = renderDiscord({ ...normalDigest, bullets: ["1. First point", "+ Plus", "2024. Year", "3.5 million"] }, OFF);
    expect(bulletTexts(out)).toEqual(["1\\. First point", "\\+ Plus", "2024\\. Year", "3.5 million"]);
  });

  it("percent-encodes link targets so a parenthesis in the URL cannot end the link", () => {
    const out = renderDiscord(hostileDigest, ON);
    expect(out).toContain("(<https://example.com/a_%28b%29?q=1&r=%3Cx%3E#:~:text=");
  });

  it("drops trailing bullets and cuts the title to fit a huge digest, keeping the order", () => {
    const out = renderDiscord({ ...hugeDigest, url: "https://example.com/long-read" }, ON);
    expect(out.length).toBeGreaterThan(1_500);
    expect(out.match(/\[↗\]\(<https:\/\/example\.com\/long-read#:~:text=/g)).toHaveLength(bulletTexts(out).length);
    const bullets = bulletTexts(out).map(visible);
    expect(bullets.length).toBeGreaterThanOrEqual(2);
    bullets.forEach((b, i) => expect(b.startsWith(`${i} `)).toBe(true));
    expect(out.split("\n")[0]).toContain("…");
    expect(out).not.toContain("Keywords");
  });

  it("leaves a URL too long to spend room on unlinked", () => {
    const out = renderDiscord(escapeHeavyDigest, ON);
    expect(out.startsWith("**&&&")).toBe(true);
    expect(out).not.toContain("https://");
  });

  it("renders a digest with nothing but a URL", () => {
    const digest: Digest = { ...normalDigest, title: null, siteName: null, byline: null, publishedAt: null, bullets: [], keywords: [] };
    expect(renderDiscord(digest, ON)).toBe(
      "**[example.com](<https://example.com/science/octopus?ref=home#comments>)**\n-# example.com · 4 min read",
    );
  });
});

describe("renderDiscordEmbed", () => {
  it("puts bullets in the description and the source line in the footer", () => {
    const embed = renderDiscordEmbed(normalDigest, OFF);
    expect(embed).toEqual({
      title: "How octopuses taste with their arms",
      url: "https://example.com/science/octopus?ref=home#comments",
      description: [...normalDigest.bullets.map((b) => `- ${b}`), "", "-# Keywords: octopus, chemotactile receptors, biology"].join(
        "\n",
      ),
      footer: { text: "Example Science · Ada Lovelace · 2024-03-05 · 4 min read" },
    });
  });

  it.each(ALL)("keeps the %s digest within every embed limit", (_, digest) => {
    for (const options of [ON, OFF]) {
      const embed = renderDiscordEmbed(digest, options);
      expect(embed.title.length).toBeLessThanOrEqual(256);
      expect(embed.description.length).toBeLessThanOrEqual(4_096);
      expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(2_048);
      const total = embed.title.length + embed.description.length + (embed.footer?.text.length ?? 0);
      expect(total).toBeLessThanOrEqual(6_000);
      for (const text of [embed.title, embed.description, embed.footer?.text ?? ""]) expect(text).not.toMatch(FORBIDDEN_CONTROLS);
      expectNoPings(embed.description);
      if (embed.description !== "") expectOnlyOurMarkup(`**t**\n${embed.description}`);
    }
  });

  it("keeps plain embed text unescaped but clean", () => {
    const embed = renderDiscordEmbed(hostileDigest, OFF);
    expect(embed.title.startsWith("<b>bold</b> </a>")).toBe(true);
    expect(embed.title).not.toContain("\u202E");
    expect(embed.url).toBe("https://example.com/a_(b)?q=1&r=%3Cx%3E#frag");
  });
});
