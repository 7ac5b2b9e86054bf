import fc from "fast-check";

/**
 * Text generators for the property tests: ordinary strings of every kind fast-check makes, mixed
 * with the pieces a hostile page or user sends — markup, mentions, controls, bidi overrides, joiners,
 * emoji sequences, lone surrogates and very long words.
 */

/** Markup, mentions and formatting each platform gives meaning to. */
const MARKUP = [
  "<", ">", "&", "&amp;", "&lt;", "&#x41;", "&nbsp;", '"', "'", "</a>", "<b>", "</b>", '<a href="javascript:alert(1)">', "<script>",
  "@everyone", "@here", "@", "@username", "<@123>", "<@!123>", "<@&456>", "<#789>", "<t:0:R>", "</cmd:1>", "<:emoji:1>",
  "*", "**", "_", "__", "~", "~~", "|", "||", "`", "```", "\\", "[x](http://evil)", "[y](<https://evil.example>)", "<https://evil.example/auto>",
  ":smile:", ":", "https://evil.example/x", "www.example.com", "# ", "## ", "-# ", "> ", ">>> ", "- ", "+ ", "1. ", "2024. ",
] as const;

/** Characters a terminal or a reader's eye acts on, and text that segments in unusual ways. */
const HOSTILE_CHARS = [
  "\n", "\r\n", "\r", "\t", "\v", "\f", "\u2028", "\u2029", "\u0085", "\u00A0", "\u3000",
  "\u0000", "\u0007", "\u001B[31m", "\u007F", "\u009B",
  "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F",
  "\u200B", "\u200C", "\u200D", "\uFEFF", "\u0301", "e\u0301",
  "👨‍👩‍👧‍👦", "🏳️‍🌈", "#️⃣", "👍🏽", "🇺🇦", "😀",
  ".", "!", "?", "…", "...", "。", "！", "؟", "।",
  "日本語の文。", "Привет, мир.", "שלום עולם.", "مرحبا بالعالم.",
] as const;

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const word = fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 12 });
/** One word of up to a few thousand characters, no space to cut at. */
const longWord = fc
  .tuple(fc.constantFrom("a", "w", "&", "@", "<", "_", "😀", "日", "-", "\u202E"), fc.integer({ min: 100, max: 5_000 }))
  .map(([c, n]) => c.repeat(n));
const sentence = fc
  .tuple(fc.array(word, { minLength: 1, maxLength: 20 }), fc.constantFrom(".", "!", "?", "", "…"))
  .map(([words, stop]) => `${words.join(" ")}${stop}`);

/** A piece of text: anything fast-check makes, a hostile piece, or a sentence. */
const piece = fc.oneof(
  { arbitrary: fc.string(), weight: 3 },
  { arbitrary: fc.string({ unit: "binary" }), weight: 2 },
  { arbitrary: fc.string({ unit: "grapheme" }), weight: 2 },
  { arbitrary: fc.constantFrom(...MARKUP), weight: 4 },
  { arbitrary: fc.constantFrom(...HOSTILE_CHARS), weight: 4 },
  { arbitrary: loneSurrogate, weight: 1 },
  { arbitrary: sentence, weight: 3 },
  { arbitrary: word, weight: 3 },
  { arbitrary: fc.constant(" "), weight: 3 },
);

/** Hostile text of modest length. */
export const hostileText: fc.Arbitrary<string> = fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(""));

/** Hostile text, sometimes very long: a long word, or a piece repeated to thousands of characters. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: hostileText, weight: 8 },
  { arbitrary: longWord, weight: 1 },
  { arbitrary: fc.tuple(hostileText, fc.integer({ min: 2, max: 800 })).map(([s, n]) => s.repeat(n).slice(0, 30_000)), weight: 1 },
);

/** Addresses: real http(s) URLs, ones with hostile tails, other schemes, and plain junk. */
export const anyUrl: fc.Arbitrary<string> = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.tuple(fc.webUrl(), hostileText).map(([u, s]) => u + s),
  fc.constantFrom(
    "https://example.com/a_(b)?q=1&r=<x>#frag",
    'https://example.com/"><script>alert(1)</script>',
    "https://example.com/?a=1&b=2&amp;c=3",
    "javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "http://[::1]:8080/",
    "  https://example.com/padded  ",
    "https://xn--n3h.example/☃",
    "https://user:pass@example.com/@everyone",
    `https://example.com/${"a".repeat(600)}`,
    `https://example.com/${"&<>()".repeat(200)}`,
    "",
  ),
  hostileText,
);

/** `n` URLs in one string, as a message with thousands of links would hold them. */
export const manyUrls = (n: number): string => Array.from({ length: n }, (_, i) => `https://example.com/${i}?q=${i}&r=<${i}>`).join(" ");
