import { describe, expect, it } from "vitest";
import { discoverFeeds } from "../../src/feeds/index.js";

const page = (head: string, body = "<p>hi</p>") => `<!doctype html><html><head><title>Site</title>${head}</head><body>${body}</body></html>`;

describe("discoverFeeds", () => {
  it("finds RSS, Atom and JSON Feed links in document order, absolute and deduplicated", () => {
    const html = page(`
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
      <LINK REL="Alternate" TYPE="Application/Atom+XML" HREF="atom.xml">
      <link rel="alternate" type="application/feed+json" href="https://cdn.example.com/feed.json">
      <link rel="alternate" type="application/rss+xml" href="https://site.example.com/feed.xml">
      <link rel="alternate" hreflang="fr" href="/fr/">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="application/rss+xml" href="mailto:a@b.c">`);
    expect(discoverFeeds(html, "https://site.example.com/blog/post")).toEqual([
      "https://site.example.com/feed.xml",
      "https://site.example.com/blog/atom.xml",
      "https://cdn.example.com/feed.json",
    ]);
  });

  it("puts plain application/json links last (WordPress announces its REST API that way)", () => {
    const html = page(`
      <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">
      <link rel="alternate" type="application/rss+xml" href="/feed/">`);
    expect(discoverFeeds(html, "https://wp.example/")).toEqual(["https://wp.example/feed/", "https://wp.example/wp-json/wp/v2/pages/2"]);
  });

  it("reads unquoted and single-quoted attributes, entities, rel lists and type parameters", () => {
    const html = page(`<link rel='home alternate' type="application/rss+xml; charset=utf-8" href='/feed?a=1&amp;b=2'><link rel=alternate type=application/atom+xml href=/atom>`);
    expect(discoverFeeds(html, "http://x.example/")).toEqual(["http://x.example/feed?a=1&b=2", "http://x.example/atom"]);
  });

  it("honours <base href>", () => {
    const html = page(`<link rel="alternate" type="application/rss+xml" href="feed.xml"><base href="https://static.example/blog/">`);
    expect(discoverFeeds(html, "https://x.example/")).toEqual(["https://static.example/blog/feed.xml"]);
  });

  it("ignores links in comments, scripts and the body", () => {
    const html = page(
      `<!-- <link rel="alternate" type="application/rss+xml" href="/commented.xml"> -->
       <script>var s = '<link rel="alternate" type="application/rss+xml" href="/scripted.xml">';</script>`,
      `<link rel="alternate" type="application/rss+xml" href="/in-body.xml">`,
    );
    expect(discoverFeeds(html, "https://x.example/")).toEqual([]);
  });

  it("finds nothing on a page without feed links", () => {
    expect(discoverFeeds(page(`<link rel="icon" href="/favicon.ico">`), "https://x.example/")).toEqual([]);
    expect(discoverFeeds("", "https://x.example/")).toEqual([]);
    expect(discoverFeeds("<link rel=alternate type=application/rss+xml href=/f", "https://x.example/")).toEqual([]);
  });

  it("stays linear on hostile pages", () => {
    const deep = `<html><head>${"<div>".repeat(80_000)}<link rel="alternate" type="application/rss+xml" href="/deep.xml">`;
    const unclosed = `<html><head>${"<link ".repeat(100_000)}`;
    const quotes = `<html><head>${"<a x='".repeat(100_000)}`;
    const start = performance.now();
    expect(discoverFeeds(deep, "https://x.example/")).toEqual(["https://x.example/deep.xml"]);
    expect(discoverFeeds(unclosed, "https://x.example/")).toEqual([]);
    expect(discoverFeeds(quotes, "https://x.example/")).toEqual([]);
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});
