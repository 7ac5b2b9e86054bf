import { describe, expect, it } from "vitest";
import { describeReason, renderReply } from "../../src/render/reply.js";
import type { Digest } from "../../src/summarize/types.js";

const digest: Digest = {
  title: "<b>@everyone</b> *bold*",
  url: "https://news.example/a",
  siteName: "Example",
  byline: null,
  publishedAt: null,
  lang: "en",
  readingMinutes: 2,
  bullets: ["First sentence of the article.", "Second sentence with <i>tags</i> & ampersands."],
  keywords: [],
};

describe("renderReply", () => {
  it("renders failures as one friendly, escaped sentence per platform", () => {
    const reply = { kind: "digests" as const, items: [{ url: "https://evil.example/<b>@here</b>", reason: { kind: "blocked-address" as const, host: "evil.example", address: "10.0.0.1" } }] };
    const [tg] = renderReply(reply, "telegram", { textFragments: true });
    expect(tg).toContain("&lt;b&gt;");
    expect(tg).toMatch(/private or local address/);
    const [dc] = renderReply(reply, "discord", { textFragments: true });
    expect(dc).not.toMatch(/@here/);
    expect(renderReply({ kind: "notice", reason: { kind: "rate-limited" } }, "plain", { textFragments: false })[0]).toMatch(/^Slow down/);
    expect(renderReply({ kind: "silence" }, "telegram", { textFragments: true })).toEqual([]);
  });

  it("packs several digests into as few messages as the platform allows", () => {
    const many = { kind: "digests" as const, items: [1, 2, 3].map((i) => ({ url: `https://n.example/${i}`, digest: { ...digest, bullets: Array(5).fill("x ".repeat(190).trim() + ".") } })) };
    for (const target of ["telegram", "discord"] as const) {
      const messages = renderReply(many, target, { textFragments: true });
      expect(messages.length).toBeGreaterThan(1);
      for (const m of messages) expect(m.length).toBeLessThanOrEqual(target === "telegram" ? 4096 : 2000);
    }
    const [tg] = renderReply({ kind: "digests", items: [{ url: "u", digest }] }, "telegram", { textFragments: true });
    expect(tg).not.toContain("<b>@everyone</b>");
    expect(tg).toContain("&amp; ampersands");
  });
});

describe("network failures in words", () => {
  it("tell a site that answered brokenly from one that could not be reached", () => {
    expect(describeReason({ kind: "network", detail: "malformed HTTP response (invalid character in chunk size)" })).toMatch(/^the site sent a broken page/);
    expect(describeReason({ kind: "network", detail: "corrupt compressed body (Z_DATA_ERROR)" })).toMatch(/^the site sent a broken page/);
    expect(describeReason({ kind: "network", detail: "connection refused" })).toMatch(/^the site could not be reached/);
  });
});
