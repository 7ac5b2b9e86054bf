import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DailyDigest, DailyItem } from "../../src/digest/types.js";
import { renderDiscordEmbed } from "../../src/render/discord.js";
import { renderReply, type Target } from "../../src/render/reply.js";
import type { ChatSettings, Subscription } from "../../src/store/types.js";
import type { Digest } from "../../src/summarize/types.js";
import type { DigestItem, FailReason, InfoText, Reply } from "../../src/types.js";
import { checkCleanText, checkDiscordMarkup, checkDiscordPingsNobody, checkMessage } from "../support/markup.js";
import { anyText, anyUrl, hostileText, manyUrls } from "./arbitraries.js";

/**
 * Whatever a page, a feed or a user put in a reply, every renderer sends well-formed messages within
 * its platform's limit: Telegram HTML with only allowed tags and http(s) links, Discord text that
 * pings nobody and has no live Markdown but the renderer's own, plain text without controls.
 */

const TARGETS: readonly Target[] = ["telegram", "discord", "plain"];
/** More runs for a longer fuzz: SKIM_FUZZ_RUNS=5000 npx vitest run test/property. */
const RUNS = Number(process.env["SKIM_FUZZ_RUNS"] ?? 150);

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null });
const anyNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 404, 500, 1e21, Number.MAX_SAFE_INTEGER));

const digest: fc.Arbitrary<Digest> = fc.record(
  {
    title: maybe(anyText),
    url: maybe(anyUrl),
    siteName: maybe(anyText),
    byline: maybe(anyText),
    publishedAt: maybe(fc.oneof(hostileText, fc.date({ noInvalidDate: true }).map((d) => d.toISOString()))),
    lang: maybe(hostileText),
    readingMinutes: fc.oneof(fc.double(), fc.integer({ min: 0, max: 60 })),
    bullets: fc.array(anyText, { maxLength: 14 }),
    sources: fc.array(maybe(anyText), { maxLength: 14 }),
    engine: fc.constantFrom("extractive" as const, "llm" as const),
    keywords: fc.array(anyText, { maxLength: 12 }),
  },
  { requiredKeys: ["title", "url", "siteName", "byline", "publishedAt", "lang", "readingMinutes", "bullets", "keywords"] },
);

const failReason: fc.Arbitrary<FailReason> = fc.oneof(
  fc.record({ kind: fc.constant("invalid-url" as const), url: anyText, detail: anyText }),
  fc.record({ kind: fc.constant("blocked-address" as const), host: anyText, address: anyText }),
  fc.record({ kind: fc.constant("dns" as const), host: anyText }),
  fc.record({ kind: fc.constant("timeout" as const), phase: fc.constantFrom("connect" as const, "headers" as const, "body" as const, "total" as const), ms: anyNumber }),
  fc.record({ kind: fc.constant("too-large" as const), limitBytes: anyNumber }),
  fc.record({ kind: fc.constant("unsupported-type" as const), contentType: anyText }),
  fc.record({ kind: fc.constant("http-status" as const), status: anyNumber }),
  fc.record({ kind: fc.constant("too-many-redirects" as const), limit: anyNumber }),
  fc.record({ kind: fc.constant("network" as const), detail: anyText }),
  fc.record({ kind: fc.constant("wall" as const), wall: fc.constantFrom("paywall" as const, "consent" as const, "login" as const) }),
  fc.record({ kind: fc.constant("usage" as const), usage: anyText }),
  fc.record({ kind: fc.constant("malformed" as const), detail: anyText }),
  fc.record({ kind: fc.constant("bad-time" as const), time: anyText }),
  fc.record({ kind: fc.constant("bad-timezone" as const), timezone: anyText }),
  fc.record({ kind: fc.constant("no-subscription" as const), which: anyText }),
  fc.constantFrom<FailReason>(
    { kind: "not-article" },
    { kind: "too-complex" },
    { kind: "rate-limited" },
    { kind: "no-input" },
    { kind: "admin-only" },
    { kind: "not-a-feed" },
    { kind: "no-feed-found" },
    { kind: "no-storage" },
    { kind: "no-engine" },
    { kind: "language-needs-engine" },
    { kind: "storage-unavailable" },
    { kind: "internal" },
  ),
);

const subscription: fc.Arbitrary<Subscription> = fc.record({
  id: fc.nat(),
  chatKey: hostileText,
  kind: fc.constantFrom("feed" as const, "links" as const),
  source: fc.oneof(anyUrl, anyText),
  feedUrl: maybe(anyUrl),
  time: anyText,
  timezone: anyText,
  createdAt: fc.nat(),
  disabledAt: fc.constant(null),
  disabledReason: fc.constant(null),
  etag: fc.constant(null),
  lastModified: fc.constant(null),
});

const settings: fc.Arbitrary<ChatSettings> = fc.record({
  chatKey: hostileText,
  auto: maybe(fc.boolean()),
  length: maybe(fc.constantFrom("short" as const, "medium" as const, "long" as const)),
  timezone: maybe(anyText),
  fragments: maybe(fc.boolean()),
  engine: maybe(fc.constantFrom("extractive" as const, "llm" as const)),
  language: maybe(anyText),
});

const infoText: fc.Arbitrary<InfoText> = fc.oneof(
  fc.constantFrom<InfoText>({ kind: "help" }, { kind: "start" }, { kind: "forgotten" }, { kind: "auto", on: true }, { kind: "auto", on: false }),
  fc.record({ kind: fc.constant("subscribed" as const), subscription }),
  fc.record({ kind: fc.constant("subscriptions" as const), subscriptions: fc.array(subscription, { maxLength: 60 }) }),
  fc.record({ kind: fc.constant("unsubscribed" as const), count: anyNumber }),
  fc.record({
    kind: fc.constant("settings" as const),
    settings,
    effective: fc.record({
      auto: fc.boolean(),
      length: fc.constantFrom("short" as const, "medium" as const, "long" as const),
      timezone: anyText,
      fragments: fc.boolean(),
      engine: fc.constantFrom("extractive" as const, "llm" as const),
      language: maybe(anyText),
    }),
  }),
);

const dailyItem: fc.Arbitrary<DailyItem> = fc.record({ title: maybe(anyText), url: maybe(anyUrl), summary: anyText });

const daily: fc.Arbitrary<DailyDigest> = fc.record(
  {
    day: fc.oneof(fc.constant("2024-05-01"), hostileText),
    source: fc.oneof(anyUrl, anyText),
    kind: fc.constantFrom("feed" as const, "links" as const),
    feedTitle: maybe(anyText),
    items: fc.array(dailyItem, { maxLength: 25 }),
    more: fc.oneof(fc.nat(), anyNumber),
    error: failReason,
    preview: fc.boolean(),
  },
  { requiredKeys: ["day", "source", "kind", "feedTitle", "items", "more", "preview"] },
);

const digestItem: fc.Arbitrary<DigestItem> = fc.oneof(
  fc.record({ url: anyUrl, digest }),
  fc.record({ url: fc.oneof(anyUrl, anyText), reason: failReason }),
);

const reply: fc.Arbitrary<Reply> = fc.oneof(
  fc.record({ kind: fc.constant("digests" as const), items: fc.array(digestItem, { maxLength: 5 }), fragments: fc.boolean() }, { requiredKeys: ["kind", "items"] }),
  fc.record({ kind: fc.constant("daily" as const), digests: fc.array(daily, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant("notice" as const), reason: failReason }),
  fc.record({ kind: fc.constant("info" as const), text: infoText }),
  fc.constant<Reply>({ kind: "silence" }),
);

function checkReply(r: Reply, options: { textFragments: boolean }): void {
  for (const target of TARGETS) {
    const messages = renderReply(r, target, options);
    if (r.kind === "silence") expect(messages).toEqual([]);
    for (const m of messages) checkMessage(m, target);
  }
}

describe("renderReply, for any reply", () => {
  it.each(["digests", "daily", "notice", "info"] as const)("sends well-formed %s messages within every platform's limit", (kind) => {
    fc.assert(
      fc.property(
        reply.filter((r) => r.kind === kind),
        fc.boolean(),
        (r, textFragments) => checkReply(r, { textFragments }),
      ),
      { numRuns: RUNS },
    );
  });

  it("sends nothing for silence", () => {
    for (const target of TARGETS) expect(renderReply({ kind: "silence" }, target, { textFragments: true })).toEqual([]);
  });

  it("keeps Discord embeds within every embed limit, clean and ping-free", () => {
    fc.assert(
      fc.property(digest, fc.boolean(), (d, textFragments) => {
        const embed = renderDiscordEmbed(d, { textFragments });
        expect(embed.title.length).toBeLessThanOrEqual(256);
        expect(embed.description.length).toBeLessThanOrEqual(4_096);
        expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(2_048);
        expect(embed.title.length + embed.description.length + (embed.footer?.text.length ?? 0)).toBeLessThanOrEqual(6_000);
        for (const text of [embed.title, embed.description, embed.footer?.text ?? "", embed.url ?? ""]) checkCleanText(text);
        if (embed.url !== undefined) expect(embed.url).toMatch(/^https?:\/\//);
        checkDiscordPingsNobody(embed.description);
        if (embed.description !== "") checkDiscordMarkup(embed.description);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("renderReply, explicit hostile cases", () => {
  const base: Digest = {
    title: "Title",
    url: "https://example.com/a",
    siteName: null,
    byline: null,
    publishedAt: null,
    lang: "en",
    readingMinutes: 1,
    bullets: [],
    keywords: [],
  };
  const megabyte = "word ".repeat(200_000);
  const cases: Array<[string, Reply]> = [
    ["a megabyte bullet", { kind: "digests", items: [{ url: "https://example.com/a", digest: { ...base, bullets: [megabyte, "Short one."] } }] }],
    ["a megabyte title without spaces", { kind: "digests", items: [{ url: "https://example.com/a", digest: { ...base, title: "&".repeat(1_000_000) } }] }],
    ["thousands of URLs in a bullet", { kind: "digests", items: [{ url: "https://example.com/a", digest: { ...base, bullets: [manyUrls(5_000)] } }] }],
    ["thousands of failed URLs", { kind: "digests", items: Array.from({ length: 2_000 }, (_, i) => ({ url: `https://example.com/${i}<@${i}>`, reason: { kind: "dns" as const, host: `@everyone${i}` } })) }],
    ["a megabyte usage", { kind: "notice", reason: { kind: "bad-timezone", timezone: "\u202E@everyone ".repeat(100_000) } }],
    ["a thousand subscriptions", { kind: "info", text: { kind: "subscriptions", subscriptions: Array.from({ length: 1_000 }, (_, i) => ({ id: i, chatKey: "c", kind: "feed" as const, source: `https://example.com/${"x".repeat(i)}<b>&`, feedUrl: null, time: "09:00", timezone: "Europe/Berlin", createdAt: 0, disabledAt: null, disabledReason: null, etag: null, lastModified: null })) } }],
    ["a daily digest of megabyte items", { kind: "daily", digests: [{ day: "2024-05-01", source: manyUrls(3_000), kind: "feed", feedTitle: null, items: Array.from({ length: 200 }, () => ({ title: megabyte, url: `https://example.com/${"(".repeat(10_000)}`, summary: megabyte })), more: 5, preview: true }] }],
    ["emoji and joiners only", { kind: "digests", items: [{ url: "https://example.com/a", digest: { ...base, title: "👨‍👩‍👧‍👦".repeat(5_000), bullets: ["🏳️‍🌈\u200D".repeat(10_000), "\u202E\u2066".repeat(10_000)] } }] }],
  ];

  it.each(cases)("renders %s well-formed and within limits, quickly", (_, r) => {
    const started = performance.now();
    checkReply(r, { textFragments: true });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
