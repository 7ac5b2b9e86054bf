import { describe, expect, it } from "vitest";
import { extractArticle } from "../../src/extract/index.js";

const prose = (topic: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `<p>Paragraph ${i + 1} about ${topic} explains, in plain words and with some detail, what happened, why it matters, and what comes next for the people involved.</p>`,
  ).join("\n");

const page = (body: string, head = "") => `<!doctype html><html lang="en"><head><title>Test page</title>${head}</head><body>${body}</body></html>`;

describe("extractArticle", () => {
  it("keeps the article and drops navigation, cookie banners, share bars, related links and comments", () => {
    const html = page(`
      <header class="site-header"><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
      <div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your experience, and by continuing you agree to our cookie policy and terms.</p><button>Accept all</button></div>
      <main><article>
        <h1>Rivers rise after the storm</h1>
        <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
        ${prose("the storm", 6)}
        <aside class="related"><h3>Related articles</h3><ul><li><a href="/a">Another story that is long enough to look like a title</a></li><li><a href="/b">Yet another story with a long headline here</a></li></ul></aside>
        <div class="newsletter-signup"><p>Sign up for our newsletter to get the best stories in your inbox every morning, for free.</p></div>
      </article></main>
      <section id="comments" class="comments"><p>Great article, thanks a lot for writing this, I learned so much about the storm today!</p></section>
      <footer class="site-footer"><p>© 2026 Example News. All rights reserved. Contact us, privacy policy and terms of service.</p></footer>`);
    const a = extractArticle({ body: html, url: "https://news.example/storm" });
    expect(a.paragraphs).toHaveLength(6);
    expect(a.text).toContain("Paragraph 1 about the storm");
    expect(a.text).toContain("Paragraph 6 about the storm");
    for (const junk of ["cookies", "Share on Facebook", "Related articles", "newsletter", "Great article", "All rights reserved", "Home"]) {
      expect(a.text).not.toContain(junk);
    }
  });

  it("reads a <br> inside a paragraph as a line break, and a hard-wrapped sentence as one line", () => {
    const html = page(`<main><article>
      ${prose("the storm", 3)}
      <p>Gym equipment refers to the machines, tools and accessories used in a<br> fitness facility to help people reach their goals.<br>Each machine has its own benefits.</p>
      <p>Élie Metchnikoff;<br>Paul Ehrlich</p>
      <p>The first part of a long note that stands as a paragraph of its own here.<br><br>The second part, after a blank line, is a paragraph too.</p>
    </article></main>`);
    const a = extractArticle({ body: html, url: "https://news.example/gym" });
    expect(a.paragraphs).toContain("Gym equipment refers to the machines, tools and accessories used in a fitness facility to help people reach their goals.\nEach machine has its own benefits.");
    expect(a.paragraphs).toContain("Élie Metchnikoff;\nPaul Ehrlich");
    expect(a.paragraphs).toContain("The second part, after a blank line, is a paragraph too.");
  });

  it("reads metadata from Open Graph, JSON-LD and the document", () => {
    const head = `
      <meta property="og:title" content="Rivers rise after the storm">
      <meta property="og:site_name" content="Example News">
      <meta property="og:image" content="/img/storm.jpg">
      <link rel="canonical" href="https://news.example/2026/storm?ref=home">
      <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Example"},
        {"@type":"NewsArticle","headline":"Rivers rise","author":[{"@type":"Person","name":"Ada Lovelace"},{"@type":"Person","name":"Alan Turing"}],
         "datePublished":"2026-11-20T08:30:00+01:00"}]}</script>`;
    const a = extractArticle({ body: page(`<article>${prose("rivers", 4)}</article>`, head), url: "https://news.example/x" });
    expect(a.title).toBe("Rivers rise after the storm");
    expect(a.siteName).toBe("Example News");
    expect(a.byline).toBe("Ada Lovelace, Alan Turing");
    expect(a.publishedAt).toBe("2026-11-20T07:30:00.000Z");
    expect(a.lang).toBe("en");
    expect(a.canonicalUrl).toBe("https://news.example/2026/storm?ref=home");
    expect(a.imageUrl).toBe("https://news.example/img/storm.jpg");
  });

  it("drops the headline and the dateline repeated above the body", () => {
    const html = page(`<article><h1>Rivers rise after the storm</h1><p>By Jane Doe</p><p>Published Nov 18, 2026 at 4:07 PM</p>${prose("rivers", 4)}</article>`,
      `<meta property="og:title" content="Rivers rise after the storm">`);
    const a = extractArticle({ body: html });
    expect(a.paragraphs[0]).toMatch(/^Paragraph 1/);
    expect(a.text).not.toContain("Jane Doe");
  });

  it("takes an article split over sibling sections", () => {
    const html = page(`<div class="page">
      <div class="post-section"><div class="wysiwyg">${prose("part one", 5)}</div></div>
      <div class="ad-slot"><a href="/buy">Buy now</a></div>
      <div class="post-section"><div class="wysiwyg">${prose("part two", 3)}</div></div>
    </div><div class="sidebar"><a href="/x">Most read story one</a><a href="/y">Most read story two</a></div>`);
    const a = extractArticle({ body: html });
    expect(a.text).toContain("about part one");
    expect(a.text).toContain("about part two");
    expect(a.text).not.toContain("Most read");
  });

  it("works on CJK and Cyrillic text, where word counts mislead", () => {
    const ja = "東京の研究チームは、新しい電池の材料を開発したと発表した。従来よりも充電が速く、寿命も長いという。";
    const ru = "Исследователи из Москвы представили новый материал для аккумуляторов, который заряжается быстрее и служит дольше.";
    const html = (t: string) =>
      page(`<nav><a href="/">ホーム</a><a href="/a">ニュース</a></nav><div class="entry">${Array.from({ length: 5 }, () => `<p>${t}</p>`).join("")}</div><div class="links"><a href="/1">リンク</a></div>`);
    const a = extractArticle({ body: html(ja) });
    expect(a.paragraphs).toEqual(Array(5).fill(ja));
    const b = extractArticle({ body: html(ru).replace('lang="en"', "") });
    expect(b.paragraphs).toEqual(Array(5).fill(ru));
    expect(b.lang).toBe("ru");
  });

  it("passes plain text through as the article", () => {
    const a = extractArticle({ body: "A headline\n\nFirst paragraph, with a sentence.\n\nSecond   paragraph.\n", contentType: "text/plain" });
    expect(a.title).toBe("A headline");
    expect(a.paragraphs).toEqual(["First paragraph, with a sentence.", "Second paragraph."]);
    // Text that is not markup is treated as text even without a content type.
    const b = extractArticle({ body: "Just a pasted sentence. And another one." });
    expect(b.text).toBe("Just a pasted sentence. And another one.");
  });

  it("returns a warning, not an exception, for pages with no article", () => {
    for (const body of ["", "<html></html>", "<html><head><script>var a = '<p>not text</p>';</script></head><body><script>document.write('x')</script></body></html>"]) {
      const a = extractArticle({ body, contentType: "text/html" });
      expect(a.text).toBe("");
      expect(a.warning).toBeTruthy();
    }
  });

  it("survives nesting tens of thousands deep and still finds the text at the bottom", () => {
    const depth = 60_000;
    const sentence = "Deep down here is the only paragraph of this page, with enough words to read as prose.";
    const nested = `<html><body>${"<div>".repeat(depth)}<p>${sentence}</p>${"</div>".repeat(depth)}</body></html>`;
    expect(extractArticle({ body: nested }).text).toBe(sentence);
    const unclosed = `<html><body>${"<div><span><b>".repeat(20_000)}${sentence}`;
    expect(extractArticle({ body: unclosed }).text).toBe(sentence);
  });
});

describe("extractArticle on bytes", () => {
  const paragraph = (s: string) => `<p>${s}</p>`.repeat(4);

  it("decodes by the page's <meta charset> and skips scripts before decoding", () => {
    // "Привет, мир" in windows-1251, inside a page that declares it.
    const hello = Buffer.from("cff0e8e2e5f22c20ece8f0", "hex");
    const sentence = Buffer.concat([hello, Buffer.from(". This sentence is long enough to count as a paragraph of prose here.")]);
    const html = Buffer.concat([
      Buffer.from(`<html><head><meta charset="windows-1251"><title>T</title><script>var x = "<p>not text</p>";</script></head><body><article>`),
      ...Array.from({ length: 4 }, () => Buffer.concat([Buffer.from("<p>"), sentence, Buffer.from("</p>")])),
      Buffer.from(`</article></body></html>`),
    ]);
    const a = extractArticle({ body: html });
    expect(a.paragraphs).toHaveLength(4);
    expect(a.paragraphs[0]).toMatch(/^Привет, мир\. This sentence/);
    expect(a.text).not.toContain("not text");
  });

  it("takes the charset from the Content-Type header, and decodes UTF-16 before cutting", () => {
    const text = "Grüße aus Köln, wo es heute regnet, und zwar den ganzen Tag lang, ohne Pause.";
    const latin1 = Buffer.from(`<html><body><div class="story">${paragraph(text)}</div></body></html>`, "latin1");
    expect(extractArticle({ body: latin1, contentType: "text/html; charset=iso-8859-1" }).paragraphs[0]).toBe(text);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`<html><body><script>x()</script><div>${paragraph(text)}</div></body></html>`, "utf16le")]);
    expect(extractArticle({ body: utf16 }).paragraphs).toEqual(Array(4).fill(text));
  });

  it("gives the same article from bytes as from the decoded text", () => {
    const html = `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Bytes or text","author":{"name":"Kim"}}</script>
      <!-- a comment with <p>markup</p> --><style>p{color:red}</style></head><body><svg><text>icon</text></svg><main>${paragraph(
        "The same words, whichever way they come in, should give the same article every time.",
      )}</main></body></html>`;
    const fromText = extractArticle({ body: html });
    const fromBytes = extractArticle({ body: Buffer.from(html) });
    expect(fromBytes).toEqual(fromText);
    expect(fromText.title).toBe("Bytes or text");
    expect(fromText.byline).toBe("Kim");
    expect(fromText.text).not.toMatch(/icon|markup|color/);
  });
});
