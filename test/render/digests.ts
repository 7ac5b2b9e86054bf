import type { Digest } from "../../src/summarize/types.js";

/** Digests shared by the render tests: one ordinary, two built to break a renderer. */

export const normalDigest: Digest = {
  title: "How octopuses taste with their arms",
  url: "https://example.com/science/octopus?ref=home#comments",
  siteName: "Example Science",
  byline: "Ada Lovelace",
  publishedAt: "2024-03-05T10:00:00Z",
  lang: "en",
  readingMinutes: 4.4,
  bullets: [
    "Octopuses have about 500 million neurons, and two thirds of them sit in their arms.",
    "Each sucker carries thousands of chemical receptors that let the arm taste what it touches.",
    "The arms can decide on their own whether to grab prey, without waiting for the brain.",
  ],
  keywords: ["octopus", "chemotactile receptors", "biology"],
};

/** Strings a hostile page could put in its title, byline or sentences. */
export const HOSTILE_STRINGS = [
  "<b>bold</b> </a> <a href=\"javascript:alert(1)\">x</a> &amp; &lt; & AT&T",
  "*_~|`code`|~_* ||spoiler|| **bold** __under__",
  "[x](http://evil) [y](<https://evil.example>) <https://evil.example/auto>",
  "@everyone @here <@123> <@!123> <@&456> <#789> <t:0:R> </cmd:1> @username",
  "RTL \u202Egnp.exe\u202C and \u2066isolate\u2069 \u202Aembed\u202B",
  "zero\u200Dwidth joiner 👨‍👩‍👧‍👦 family 🏳️‍🌈 flag #️⃣ keycap",
  "control \u0000\u0007\u001B[31mred\u009B chars\tand\rreturns",
  "# heading\n> quote\n- list\n1. ordered",
  ":smile: https://evil.example/x `` ``` triple",
  "trailing backslash \\",
];

const HOSTILE_TEXT = HOSTILE_STRINGS.join(" ");

/** Repeats `text` to exactly `length` UTF-16 units (possibly ending mid-grapheme, as a careless page might). */
export function repeatTo(text: string, length: number): string {
  return text.repeat(Math.ceil(length / text.length)).slice(0, length);
}

export const hostileDigest: Digest = {
  title: HOSTILE_TEXT,
  url: "https://example.com/a_(b)?q=1&r=<x>#frag",
  siteName: HOSTILE_STRINGS[3] ?? "",
  byline: HOSTILE_STRINGS[1] ?? "",
  publishedAt: "2024-03-05T10:00:00Z",
  lang: "en",
  readingMinutes: 3,
  bullets: [...HOSTILE_STRINGS],
  keywords: ["@everyone", "<@123>", "*_~|", "<b>", "&amp;"],
};

export const hugeDigest: Digest = {
  title: repeatTo(HOSTILE_TEXT, 10_000),
  url: `https://example.com/${"a&b_(c)".repeat(60)}`,
  siteName: repeatTo("@everyone &amp; ", 10_000),
  byline: repeatTo("<@123> *", 10_000),
  publishedAt: "not a date",
  lang: null,
  readingMinutes: 0,
  bullets: Array.from({ length: 20 }, (_, i) => repeatTo(`${i} ${HOSTILE_TEXT} `, 400)),
  keywords: Array.from({ length: 30 }, (_, i) => repeatTo(`k${i} @here &`, 200)),
};

/** Every character of the title, names, sentences and keywords needs escaping, as many as a page can send. */
export const escapeHeavyDigest: Digest = {
  title: "&".repeat(10_000),
  url: `https://example.com/?${"a=&".repeat(1_000)}`,
  siteName: "<".repeat(10_000),
  byline: "@".repeat(10_000),
  publishedAt: null,
  lang: null,
  readingMinutes: 1,
  bullets: Array.from({ length: 20 }, () => "&*@<".repeat(100)),
  keywords: Array.from({ length: 20 }, () => "&".repeat(100)),
};

/** Control characters and bidi overrides that must never reach any rendering. */
export const FORBIDDEN_CONTROLS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
