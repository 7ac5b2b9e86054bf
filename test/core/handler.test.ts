import { describe, expect, it } from "vitest";
import type { ReadArticle } from "../../src/articles.js";
import type { Article } from "../../src/extract/types.js";
import { handleMessage, type HandleContext, type HandlerDeps } from "../../src/handler.js";
import { createLogger } from "../../src/log.js";
import { createRateLimiter } from "../../src/rateLimit.js";
import { ok, fail } from "../../src/result.js";
import { createMemorySettings } from "../../src/settings.js";
import type { Incoming } from "../../src/types.js";

const article = (url: string): Article & { url: string } => ({
  url,
  title: `Title of ${url}`,
  byline: null,
  siteName: "example",
  publishedAt: null,
  lang: "en",
  canonicalUrl: url,
  imageUrl: null,
  paragraphs: [],
  pageType: "article",
  text: "The council approved the budget on Tuesday. Schools get five percent more. Roads get less money this year. The mayor signs it next week.",
});

function setup(read?: ReadArticle) {
  const reads: string[] = [];
  const readArticle: ReadArticle =
    read ??
    (async (url) => {
      reads.push(url);
      return url.includes("video") ? fail({ kind: "unsupported-type", contentType: "video/mp4" }) : ok(article(url));
    });
  const deps: HandlerDeps = { readArticle, settings: createMemorySettings(), rateLimiter: createRateLimiter(), log: createLogger("silent") };
  let working = 0;
  const ctx = (admin = false): HandleContext => ({ isAdmin: async () => admin, working: () => void working++, botUsername: "skim_bot" });
  return { deps, ctx, reads, working: () => working };
}

const msg = (over: Partial<Incoming>): Incoming => ({
  platform: "telegram",
  chatId: "1",
  chatKind: "private",
  messageId: "10",
  userId: "100",
  fromBot: false,
  edited: false,
  text: "",
  ...over,
});

describe("handleMessage", () => {
  it("summarizes each link of a message in a private chat (at most three), showing that it works", async () => {
    const { deps, ctx, reads, working } = setup();
    const reply = await handleMessage(msg({ text: "look https://a.example/1 and https://b.example/2, https://c.example/3 https://d.example/4" }), ctx(), deps);
    expect(reply.kind).toBe("digests");
    if (reply.kind !== "digests") return;
    expect(reply.items.map((i) => i.url)).toEqual(["https://a.example/1", "https://b.example/2", "https://c.example/3"]);
    expect(reads).toHaveLength(3);
    expect(working()).toBeGreaterThan(0);
  });

  it("stays silent in groups unless auto mode is on, and then drops failed links quietly", async () => {
    const { deps, ctx } = setup();
    const group = { chatKind: "group" as const, chatId: "-5" };
    expect(await handleMessage(msg({ ...group, text: "https://a.example/x" }), ctx(), deps)).toEqual({ kind: "silence" });
    expect(await handleMessage(msg({ ...group, text: "/auto on" }), ctx(false), deps)).toEqual({ kind: "notice", reason: { kind: "admin-only" } });
    expect(await handleMessage(msg({ ...group, text: "/auto on" }), ctx(true), deps)).toEqual({ kind: "info", text: { kind: "auto", on: true } });
    expect(await handleMessage(msg({ ...group, text: "https://video.example/clip" }), ctx(), deps)).toEqual({ kind: "silence" });
    const both = await handleMessage(msg({ ...group, text: "https://video.example/clip https://a.example/x" }), ctx(), deps);
    expect(both.kind === "digests" && both.items.map((i) => i.url)).toEqual(["https://a.example/x"]);
  });

  it("answers an explicit /summary always, failures included", async () => {
    const { deps, ctx } = setup();
    const group = { chatKind: "group" as const };
    const failed = await handleMessage(msg({ ...group, text: "/summary https://video.example/clip" }), ctx(), deps);
    expect(failed).toEqual({ kind: "digests", items: [{ url: "https://video.example/clip", reason: { kind: "unsupported-type", contentType: "video/mp4" } }] });
    const addressed = await handleMessage(msg({ ...group, text: "/summary@skim_bot https://a.example/x short" }), ctx(), deps);
    expect(addressed.kind === "digests" && "digest" in addressed.items[0]! && addressed.items[0].digest.bullets).toHaveLength(2);
    expect(await handleMessage(msg({ ...group, text: "/summary@other_bot https://a.example/x" }), ctx(), deps)).toEqual({ kind: "silence" });
    expect((await handleMessage(msg({ text: "/summary" }), ctx(), deps)).kind).toBe("notice");
  });

  it("summarizes the link or the long text of the message replied to, and pasted text", async () => {
    const { deps, ctx } = setup();
    const viaLink = await handleMessage(msg({ text: "/summary", replyTo: { text: "read this https://a.example/r" } }), ctx(), deps);
    expect(viaLink.kind === "digests" && viaLink.items[0]!.url).toBe("https://a.example/r");
    const viaEntity = await handleMessage(msg({ text: "/summary", replyTo: { text: "this article", links: ["https://b.example/hidden"] } }), ctx(), deps);
    expect(viaEntity.kind === "digests" && viaEntity.items[0]!.url).toBe("https://b.example/hidden");
    const long = "The council approved the budget on Tuesday after a long debate. ".repeat(5);
    const viaText = await handleMessage(msg({ text: "/summary", replyTo: { text: long } }), ctx(), deps);
    expect(viaText.kind === "digests" && "digest" in viaText.items[0]! && viaText.items[0].digest.bullets.length).toBeGreaterThan(0);
    const pasted = await handleMessage(msg({ text: "/summary First sentence here. Second one there. Third one too." }), ctx(), deps);
    expect(pasted.kind === "digests" && "digest" in pasted.items[0]! && pasted.items[0].digest.bullets).toEqual(["First sentence here.", "Second one there.", "Third one too."]);
  });

  it("ignores bots and edits", async () => {
    const { deps, ctx, reads } = setup();
    expect(await handleMessage(msg({ text: "https://a.example/x", fromBot: true }), ctx(), deps)).toEqual({ kind: "silence" });
    expect(await handleMessage(msg({ text: "https://a.example/x", edited: true }), ctx(), deps)).toEqual({ kind: "silence" });
    expect(reads).toHaveLength(0);
  });

  it("lets normal use through but asks a flooding user to slow down", async () => {
    const { deps, ctx } = setup();
    const kinds: string[] = [];
    for (let i = 0; i < 12; i++) kinds.push((await handleMessage(msg({ text: `/summary https://a.example/${i}` }), ctx(), deps)).kind);
    expect(kinds.slice(0, 6).every((k) => k === "digests")).toBe(true);
    expect(kinds).toContain("notice");
  });

  it("turns a thrown bug into a short internal-error reply", async () => {
    const { deps, ctx } = setup(async () => {
      throw new Error("boom");
    });
    const reply = await handleMessage(msg({ text: "/summary https://a.example/x" }), ctx(), deps);
    expect(reply).toEqual({ kind: "digests", items: [{ url: "https://a.example/x", reason: { kind: "internal" } }] });
  });
});

describe("handleMessage, digest commands", () => {
  it("lets only admins change what a group receives", async () => {
    const { deps, ctx } = setup();
    const group = { chatKind: "group" as const, chatId: "-7" };
    for (const text of ["/subscribe https://news.example/feed", "/unsubscribe all", "/timezone Europe/Berlin", "/length short", "/fragments off", "/forget"]) {
      expect(await handleMessage(msg({ ...group, text }), ctx(false), deps), text).toEqual({ kind: "notice", reason: { kind: "admin-only" } });
    }
    // Without storage the commands say so rather than pretend.
    expect(await handleMessage(msg({ ...group, text: "/subscribe https://news.example/feed" }), ctx(true), deps)).toEqual({ kind: "notice", reason: { kind: "no-storage" } });
  });
});
