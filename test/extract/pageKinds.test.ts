import { describe, expect, it } from "vitest";
import { extractArticle } from "../../src/extract/index.js";

/**
 * The extractor on the kinds of page people link today: threads, shops, listings, docs, service
 * pages and app shells. Each page is made here, small, with the shape those sites share.
 */

const sentence = (topic: string, i: number) =>
  `Point ${i + 1} about ${topic} explains, in plain words and with some detail, what happened, why it matters, and what comes next.`;
const prose = (topic: string, n: number) => Array.from({ length: n }, (_, i) => `<p>${sentence(topic, i)}</p>`).join("\n");
const page = (body: string, head = "") => `<!doctype html><html lang="en"><head><title>Test page</title>${head}</head><body>${body}</body></html>`;
const ld = (o: unknown) => `<script type="application/ld+json">${JSON.stringify(o)}</script>`;

const chrome = `
  <header class="site-header"><nav><a href="/">Home</a> <a href="/shop">Shop</a> <a href="/about">About us</a></nav></header>
  <div class="cookie-banner"><p>We use cookies to improve your experience. By continuing you agree to our cookie policy.</p></div>`;
const footer = `<footer><p>© 2026 Example Ltd. All rights reserved. Privacy policy, terms of service and contact details.</p></footer>`;

describe("extractArticle on today's page kinds", () => {
  it("reads a whole thread: every post with its poster, not the poster's rank and stats or the board's sidebar", () => {
    const post = (who: string, n: number) => `
      <article class="message message--post">
        <div class="message-user"><h4 class="message-name">${who}</h4><h5 class="message-usertitle">Well-known member</h5>
          <div class="message-userextras"><dl><dt>Joined</dt><dd>Jan 1, 2020</dd><dt>Messages</dt><dd>1,234</dd></dl></div></div>
        <div class="message-content"><div class="bbWrapper">${prose(`${who}'s reply`, 2)}</div></div>
      </article>`;
    const html = page(
      `${chrome}<main><h1>Which telescope should I buy first?</h1>${post("stargazer", 1)}${post("orion", 2)}${post("vega", 3)}</main>
       <div class="p-body-sidebar"><h3>Members online</h3><p>There are 120 members and 3,400 guests online right now, browsing the forum.</p></div>${footer}`,
      ld({ "@context": "https://schema.org", "@type": "DiscussionForumPosting", headline: "Which telescope should I buy first?" }),
    );
    const a = extractArticle({ body: html, url: "https://forum.example.org/threads/which-telescope.123/" });
    expect(a.pageType).toBe("forum");
    for (const who of ["stargazer", "orion", "vega"]) {
      expect(a.text).toContain(who);
      expect(a.text).toContain(`Point 2 about ${who}'s reply`);
    }
    for (const junk of ["Well-known member", "Joined", "Messages", "Members online", "cookies", "All rights reserved"]) expect(a.text).not.toContain(junk);
  });

  it("drops the lines a forum engine prints around each post (counts, join date, edit stamp, app signature, closed notice), not a post that mentions them", () => {
    const post = (who: string, n: number) => `
      <div class="post"><div class="postprofile-lite"><p>${who}</p><p>Posts: ${n * 1000 + 77}</p><p>Join Date: Aug 2008</p></div>
        <div class="content">${prose(`${who}'s reply`, 2)}<p>Last edited by ${who}; Feb 3, 2025 at 4:10 pm</p><p>Sent from my Pixel 8 using Tapatalk</p></div>
        <ul class="controls"><li>Reply</li><li>Quote</li></ul></div>`;
    const html = page(
      `<main><h1>Best first telescope?</h1>${post("stargazer", 1)}${post("orion", 2)}
        <div class="post"><div class="content"><p>After 40 posts in this thread I have finally joined the club: my join date was yesterday and I reply to every question.</p></div></div>
        <p>This topic was automatically closed 30 days after the last reply. New replies are no longer allowed.</p></main>`,
      ld({ "@context": "https://schema.org", "@type": "DiscussionForumPosting", headline: "Best first telescope?" }),
    );
    const a = extractArticle({ body: html, url: "https://forum.example.org/t/best-first-telescope/1555" });
    expect(a.pageType).toBe("forum");
    for (const who of ["stargazer", "orion"]) expect(a.text).toContain(`Point 2 about ${who}'s reply`);
    expect(a.text).toContain("my join date was yesterday");
    for (const junk of ["Posts: 1077", "Join Date", "Last edited", "Sent from my", "automatically closed"]) expect(a.text).not.toContain(junk);
    for (const control of ["Reply", "Quote"]) expect(a.paragraphs).not.toContain(control);

    const similar = `<div class="block"><h3>Similar threads</h3><div><p>Which eyepiece for a Dobsonian telescope, a long question about magnification and field of view?</p><p>Started by vega, 12 replies</p></div></div>`;
    const b = extractArticle({ body: html.replace("</main>", `${similar}</main>`), url: "https://forum.example.org/t/best-first-telescope/1555" });
    expect(b.text).toContain("Point 2 about orion's reply");
    expect(b.text).not.toContain("Which eyepiece");
    expect(b.text).not.toContain("Similar threads");
  });

  it("reads a product: name, description and specifications, not the reviews and suggestions under it", () => {
    const html = page(
      `${chrome}<main>
        <div class="product"><h1>Trail Pack 25</h1><p class="price">$129.00</p>
          <form class="product-form"><button class="product-form__submit">Add to cart</button></form>
          <div class="description">${prose("the pack", 3)}</div>
          <table class="specs"><tr><th>Weight</th><td>1.2 kg</td></tr><tr><th>Volume</th><td>25 litres</td></tr></table></div>
        <section class="product-reviews"><h2>Customer reviews</h2><div class="review"><p>Verified buyer. Great pack, the straps are comfortable and the pockets are deep enough.</p></div></section>
        <section class="upsell"><h2>You may also like</h2><ul>
          <li><a href="/p/1">Summit Pack 40, a larger pack</a> <span>$159.00</span></li>
          <li><a href="/p/2">Day Pack 18, a smaller pack</a> <span>$89.00</span></li></ul></section>
      </main>${footer}`,
      ld({ "@context": "https://schema.org", "@type": "Product", name: "Trail Pack 25", description: "A light pack." }),
    );
    const a = extractArticle({ body: html, url: "https://shop.example/products/trail-pack-25" });
    expect(a.pageType).toBe("product");
    for (const want of ["Point 1 about the pack", "Point 3 about the pack", "Weight", "1.2 kg", "25 litres"]) expect(a.text).toContain(want);
    for (const junk of ["You may also like", "Summit Pack 40", "Verified buyer", "cookies"]) expect(a.text).not.toContain(junk);
  });

  it("drops the labels a shop prints on its cards and beside its buy button, not a sentence that uses the same words", () => {
    const card = (i: number) => `<li class="grid__item"><div class="card"><h3><a href="/p/${i}">Wool sock number ${i}</a></h3>
      <div class="badge">${i % 2 ? "New" : "Sold out"}</div><div class="price"><div>Regular price</div><div>$${10 + i}.00</div></div><div>Quick view</div><p>In stock</p></div></li>`;
    const html = page(`${chrome}<main><h1>Men's socks</h1><p>Every sock here is knitted from merino wool in our own mill, and every pair is in stock in all sizes.</p>
      <ul class="product-grid">${Array.from({ length: 12 }, (_, i) => card(i + 1)).join("")}</ul></main>${footer}`,
      ld({ "@context": "https://schema.org", "@type": "CollectionPage", name: "Men's socks" }));
    const a = extractArticle({ body: html, url: "https://shop.example/collections/mens-socks" });
    expect(a.pageType).toBe("collection");
    for (let i = 1; i <= 12; i++) expect(a.text).toContain(`Wool sock number ${i}`);
    expect(a.text).toContain("$22.00");
    expect(a.text).toContain("every pair is in stock in all sizes");
    for (const label of ["New", "Sold out", "Regular price", "Quick view", "In stock"]) expect(a.paragraphs).not.toContain(label);
  });

  it("reads every item of a listing, titles that are links included, without the pager and the menu", () => {
    const card = (i: number) => `<article class="card"><h2><a href="/news/story-${i}">Story number ${i} makes the news today</a></h2><p>Teaser of story ${i}, short.</p></article>`;
    const html = page(
      `${chrome}<main><h1>Latest news</h1>${Array.from({ length: 12 }, (_, i) => card(i + 1)).join("")}
        <nav class="pagination"><a href="?p=1">1</a> <a href="?p=2">2</a> <a href="?p=3">Next page</a></nav></main>${footer}`,
    );
    const a = extractArticle({ body: html, url: "https://news.example/news" });
    expect(a.pageType).toBe("listing");
    for (let i = 1; i <= 12; i++) expect(a.text).toContain(`Story number ${i} makes the news today`);
    for (const junk of ["Next page", "About us", "cookies"]) expect(a.text).not.toContain(junk);
  });

  it("reads a card's own <header> on a listing, and its teaser in a link the card marks aria-hidden for screen readers", () => {
    const card = (i: number) => `<article class="river-article"><a href="/a/${i}" aria-hidden="true" tabindex="-1"><img src="/${i}.jpg" alt=""></a>
      <header><h2><a href="/a/${i}">Headline number ${i} of the river</a></h2>
        <p class="river-desc"><a href="/a/${i}" aria-hidden="true" tabindex="-1">Teaser ${i}: what the story says, in one sentence a reader can scan.</a></p></header></article>`;
    const html = page(`<header class="top"><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
      <main><h1>headphones</h1><section><h2>Latest News</h2>${Array.from({ length: 8 }, (_, i) => card(i + 1)).join("")}</section></main>${footer}`);
    const a = extractArticle({ body: html, url: "https://news.example/topic/headphones" });
    expect(a.pageType).toBe("listing");
    for (let i = 1; i <= 8; i++) {
      expect(a.text).toContain(`Headline number ${i} of the river`);
      expect(a.text).toContain(`Teaser ${i}: what the story says`);
    }
    expect(a.text).not.toContain("Home");
  });

  it("knows a list by how it is built or what it calls itself, wherever it lives: a board of links, a 'List of' page, a CollectionPage", () => {
    const row = (i: number) => `<tr class="item"><td>${i}.</td><td><a href="https://site${i}.example/post">Show: a tool that does thing number ${i}</a> (site${i}.example)</td></tr>
      <tr><td></td><td>${i * 7} points by user${i} <a href="/item?id=${i}">${i} hours ago</a> | <a href="/item?id=${i}">${i * 3} comments</a></td></tr>`;
    const board = page(`<table>${Array.from({ length: 30 }, (_, i) => row(i + 1)).join("")}</table>`);
    const a = extractArticle({ body: board, url: "https://links.example/newest" });
    expect(a.pageType).toBe("listing");
    expect(a.text).toContain("Show: a tool that does thing number 30");

    const names = Array.from({ length: 20 }, (_, i) => `<li><a href="/wiki/Lang_${i}">Language ${i}</a></li>`).join("");
    const list = page(`<main><h1>List of programming languages</h1><p>This is an index of languages, old and new, in alphabetical order.</p><ul>${names}</ul></main>`).replace("<title>Test page</title>", "<title>List of programming languages</title>");
    expect(extractArticle({ body: list, url: "https://wiki.example/wiki/Programming_languages" }).pageType).toBe("listing");

    const recipe = (i: number) => `<div class="card"><h3><a href="/recipe-${i}">Tomato sauce number ${i}</a></h3><span>Ready in ${i * 10} minutes</span></div>`;
    const roundup = page(`<main><h1>Tomato sauce recipes</h1>${prose("sauce", 1)}${Array.from({ length: 5 }, (_, i) => recipe(i + 1)).join("")}</main>`, `<meta property="og:type" content="article">${ld({ "@context": "https://schema.org", "@type": "CollectionPage", name: "Tomato sauce recipes" })}`);
    expect(extractArticle({ body: roundup, url: "https://food.example/tomato-sauce-recipes" }).pageType).toBe("listing");
  });

  it("reads documentation with its code, without the sidebar and the table of contents", () => {
    const html = page(
      `${chrome}<div class="layout"><aside class="sidebar"><ul><li><a href="/docs/install">Installing</a></li><li><a href="/docs/config">Configuring the server</a></li></ul></aside>
        <main><h1>Configuring the server</h1>${prose("configuration", 2)}
          <pre><code>server.listen(8080);\nserver.on("request", handle);</code></pre>${prose("routes", 2)}
          <pre><code>const routes = loadRoutes("./routes");</code></pre><pre><code>npm start</code></pre></main>
        <nav class="toc"><a href="#a">On this page</a></nav></div>${footer}`,
    );
    const a = extractArticle({ body: html, url: "https://docs.example.dev/guide/configuring" });
    expect(a.pageType).toBe("documentation");
    for (const want of ["server.listen(8080);", 'loadRoutes("./routes")', "Point 2 about routes"]) expect(a.text).toContain(want);
    for (const junk of ["Installing", "On this page", "cookies"]) expect(a.text).not.toContain(junk);
  });

  it("reads a service page's sections together: hero, features, pricing and questions", () => {
    const html = page(
      `${chrome}<main>
        <section class="hero"><h1>Payments for growing businesses</h1><p>Accept cards, wallets and bank transfers in one place.</p></section>
        <section class="features"><h2>Features</h2><div><h3>Fast payouts</h3><p>Money reaches your account in two days.</p></div><div><h3>Fraud checks</h3><p>Every payment is screened as it happens.</p></div></section>
        <section class="pricing"><h2>Pricing</h2><p>1.5% + 20p per card payment, no monthly fee.</p></section>
        <section class="faq"><h2>Questions</h2><h3>Can I cancel at any time?</h3><p>Yes, there is no contract and nothing to pay to leave.</p></section>
      </main>${footer}`,
    );
    const a = extractArticle({ body: html, url: "https://pay.example/" });
    expect(a.pageType).toBe("service");
    for (const want of ["Accept cards, wallets", "Fast payouts", "Fraud checks", "1.5% + 20p", "Can I cancel at any time?"]) expect(a.text).toContain(want);
    expect(a.text).not.toContain("cookies");
  });

  it("keeps calling an article an article", () => {
    const html = page(`${chrome}<main><article><h1>Rivers rise after the storm</h1>${prose("the storm", 6)}</article></main>${footer}`, `<meta property="og:type" content="article">`);
    const a = extractArticle({ body: html, url: "https://news.example/2026/11/20/rivers-rise-after-the-storm" });
    expect(a.pageType).toBe("article");
    expect(a.paragraphs).toHaveLength(6);
  });

  it("takes class words that state what an element has (has-reviews, comments-open) for what they are: the item, not a section to cut", () => {
    const html = page(
      `<main><div class="product-main has-reviews comments-open"><h1>Trail Pack 25</h1>${prose("the pack", 3)}</div>
       <section class="product-reviews"><h2>Reviews</h2><p>Great pack, I carried it over the Alps and it held up well in the rain.</p></section></main>`,
      ld({ "@context": "https://schema.org", "@type": "Product", name: "Trail Pack 25" }),
    );
    const a = extractArticle({ body: html, url: "https://shop.example/products/trail-pack-25" });
    expect(a.pageType).toBe("product");
    expect(a.text).toContain("Point 3 about the pack");
    expect(a.text).not.toContain("over the Alps");
  });

  it("reads tab panels a theme wraps, with their tabs, in role=tablist, and still drops a bare tab bar", () => {
    const card = (i: number) => `<div class="grid-item"><a href="/p/${i}">Frozen snack number ${i} - 9oz</a><span>$${i}.99</span></div>`;
    const html = page(
      `<main><div role="tablist" class="tabs"><button role="tab">Favorites</button><div class="tab-panel"><h2>My favorites</h2>
       <div class="grid">${Array.from({ length: 8 }, (_, i) => card(i + 1)).join("")}</div></div></div>
       <div role="tablist" class="filters"><a href="?sort=new">Newest first</a> <a href="?sort=price">Lowest price</a></div></main>`,
    );
    const a = extractArticle({ body: html, url: "https://shop.example/collections/favorites" });
    expect(a.pageType).toBe("collection");
    expect(a.text).toContain("Frozen snack number 8");
    expect(a.text).not.toContain("Lowest price");
  });

  it("says a section copied for phones and desktops once, on a page that is not an article", () => {
    const features = `<div class="features"><h3>Fast payouts</h3><p>Money reaches your account in two days, every day of the week.</p></div>`;
    const html = page(
      `<main><div class="product"><h1>Trail Pack 25</h1><div class="mobile-only">${features}</div><div class="desktop-only">${features}</div></div></main>`,
      ld({ "@context": "https://schema.org", "@type": "Product", name: "Trail Pack 25" }),
    );
    const a = extractArticle({ body: html, url: "https://shop.example/products/trail-pack-25" });
    expect(a.pageType).toBe("product");
    expect(a.text.match(/Money reaches your account/g)).toHaveLength(1);
  });
});

describe("extractArticle on broken markup and app shells", () => {
  it("closes what a stray tag left open, as a browser does: a <div> written for </div> inside a button hides nothing", () => {
    const html = page(`<header><button class="menu"><div class="icon"><div></button></div></header><main><article>${prose("the fix", 4)}</article></main>`);
    const a = extractArticle({ body: html, url: "https://news.example/fix" });
    expect(a.paragraphs).toHaveLength(4);
  });

  it("ends an <svg> the page never closes at the first HTML element, as a browser does, from text and from bytes", async () => {
    const html = page(`<header><a class="logo" href="/"><svg width="18" class="icon"><path d="M0 0h18"/></a><ul><li><a href="/en">English</a></li></ul></header>
      <main><article><h1>Security consulting</h1>${prose("consulting", 4)}</article></main><svg class="wave"><path d="M1 1"/></svg>`);
    for (const body of [html, Buffer.from(html)]) {
      const a = extractArticle({ body, url: "https://vendor.example/services/consulting", contentType: "text/html" });
      expect(a.paragraphs).toHaveLength(4);
      expect(a.text).not.toContain("M0 0h18");
    }
    const { prescan, prescanBytes } = await import("../../src/extract/prescan.js");
    const cut = prescan(html).html;
    expect(cut).not.toContain("<svg");
    expect(cut).toContain("<ul><li>");
    expect(Buffer.from(prescanBytes(Buffer.from(html)).bytes).toString()).toBe(cut);
  });

  it("reads an app that hides its whole page until its scripts run, but not what a readable page hides", () => {
    const tutorial = `<main><article><h1>Machine learning tutorial</h1>${prose("learning", 4)}</article></main>`;
    const hiddenApp = page(`<div id="__next"><div style="visibility:hidden;min-height:100vh">${tutorial}</div></div>`);
    expect(extractArticle({ body: hiddenApp, url: "https://learn.example/ml/" }).paragraphs).toHaveLength(4);
    const readable = page(`${tutorial}<div style="display:none"><p>A hidden survey asks readers what they thought of the page today.</p></div>`);
    const a = extractArticle({ body: readable, url: "https://learn.example/ml/" });
    expect(a.paragraphs).toHaveLength(4);
    expect(a.text).not.toContain("hidden survey");
  });

  it("reads a <main> a shop marks aria-hidden while a dialog is open, and still skips an aria-hidden copy", () => {
    const html = page(`<main aria-hidden="true"><div class="item"><h1>Clutch kit for a 2014 van</h1>${prose("the clutch kit", 3)}
      <p aria-hidden="true">Point 1 about the clutch kit, a copy for the marquee that nobody reads twice.</p></div></main>`);
    const a = extractArticle({ body: html, url: "https://shop.example/itm/4049" });
    expect(a.text).toContain("Point 3 about the clutch kit");
    expect(a.text).not.toContain("marquee");
  });

  it("reads the answers an FAQ folds away with aria-hidden, but not a hidden copy of a visible title", () => {
    const qa = (i: number) => `<div class="faq-item"><button aria-expanded="false">Question ${i}: how do refunds work?</button>
      <div class="accordion__panel" role="region" aria-hidden="true" inert><p>Answer ${i}: refunds reach your card within five working days of the return.</p></div></div>`;
    const html = page(`<main><section><h1>Payment plans for teams</h1>${prose("the plans", 1)}</section><section><h2>Starter</h2><p>For small teams.</p></section><section><h2>Business</h2><p>For growing teams.</p></section><section class="faq"><h2>Questions</h2>${qa(1)}${qa(2)}</section>
      <div class="card"><span class="truncated">The Simple Path to Wealth: Your Road…</span><span aria-hidden="true" class="title-full">The Simple Path to Wealth: Your Road Map to Financial Independence</span></div></main>`,
      ld({ "@context": "https://schema.org", "@type": "Service", name: "Team payments" }),
    );
    const a = extractArticle({ body: html, url: "https://pay.example/" });
    expect(a.pageType).toBe("service");
    expect(a.text).toContain("Answer 2: refunds reach your card");
    expect(a.text).not.toContain("Road Map to Financial Independence");
  });

  it("does not take a content column for an aside because a 'Share this' bar opens it", () => {
    const offices = Array.from({ length: 40 }, (_, i) => `<p>Office ${i + 1}, Main Street ${i + 10}, open weekdays</p>`).join("");
    const html = page(
      `<div class="col"><div class="social"><span>Share this</span> <a href="https://x.example/share">X</a></div><section><h1>Data analytics services</h1>${prose("analytics", 3)}</section></div><div class="offices">${offices}</div>`,
      ld({ "@context": "https://schema.org", "@type": "Service", name: "Data analytics" }),
    );
    const a = extractArticle({ body: html, url: "https://consulting.example/" });
    expect(a.pageType).toBe("service");
    expect(a.text).toContain("Point 3 about analytics");
  });

  it("drops strings of ids and hashes a page leaks as text, not routes, addresses or code", () => {
    const ids = Array.from({ length: 6 }, (_, i) => `H${i}868484a-db29-4baf-990e-8b645ccb1899S0b6874d2-ba79-4045-a400-5561${i}0cd4bbf`).join("");
    const html = page(`<main><article><h1>Round the world in twelve flights</h1>${prose("the trip", 3)}<p>${ids}</p>
      <p>SIN-CGK-DXB-IST-ASR-IST-BOD-CDG-DXB-CGK-SIN-KUL-BKK.</p><pre><code>git clone https://github.com/example/round-the-world-booking-tools
cd round-the-world</code></pre></article></main>`);
    const a = extractArticle({ body: html, url: "https://travel.example/rtw" });
    expect(a.text).not.toContain("4baf-990e");
    expect(a.text).toContain("SIN-CGK-DXB");
    expect(a.text).toContain("git clone https://github.com/example/round-the-world-booking-tools");
  });

  it("never reads the doctype or an XML instruction as text", () => {
    const a = extractArticle({ body: `<!DOCTYPE html><html><body><div id="app"><?xml version="1.0" encoding="utf-8"?></div></body></html>`, url: "https://app.example/" });
    expect(a.text).not.toContain("DOCTYPE");
    expect(a.text).not.toContain("xml");
    expect(a.text).toBe("");
    expect(a.warning).toBeTruthy();
  });

  it("reads a thread a forum engine serves in <noscript> beside its empty app", () => {
    const posts = Array.from({ length: 6 }, (_, i) => `<div class="topic-post"><span class="creator">user${i}</span><div class="post">${prose(`post ${i}`, 2)}</div></div>`).join("");
    const html = page(`<section id="main-outlet-shell"></section><noscript data-path="/t/how-to/1"><div id="main-outlet">${posts}</div></noscript>`);
    const a = extractArticle({ body: html, url: "https://community.example.org/t/how-to/1" });
    for (let i = 0; i < 6; i++) expect(a.text).toContain(`Point 2 about post ${i}`);
  });

  it("cuts a small <noscript> (\"enable JavaScript\") as before", () => {
    const html = page(`<main><article>${prose("the app", 3)}</article></main><noscript><p>You need to enable JavaScript to run this app.</p></noscript>`);
    expect(extractArticle({ body: html }).text).not.toContain("enable JavaScript");
  });

  it("reads what React streams into <div hidden id=\"S:0\">, and still skips what is really hidden", () => {
    const html = page(`<main><div id="slot"></div></main><div hidden id="S:0"><article>${prose("the stream", 4)}</article></div><div hidden><p>${sentence("a secret draft", 0)}</p></div>`);
    const a = extractArticle({ body: html, url: "https://blog.example/posts/streamed-article-about-things" });
    expect(a.text).toContain("Point 4 about the stream");
    expect(a.text).not.toContain("secret draft");
  });

  it("reads the JSON-LD body of an article whose DOM holds only a teaser", () => {
    const body = Array.from({ length: 6 }, (_, i) => sentence("the full story", i)).join("\n\n");
    const html = page(`<main><article><h1>Storm</h1><p>${sentence("the teaser", 0)}</p></article></main>`, ld({ "@context": "https://schema.org", "@type": "NewsArticle", headline: "Storm", articleBody: body }));
    const a = extractArticle({ body: html, url: "https://news.example/storm" });
    expect(a.paragraphs).toHaveLength(6);
    expect(a.text).toContain("Point 6 about the full story");
  });

  it("does not read the JSON-LD body of an article the page says is not free to read", () => {
    const body = Array.from({ length: 6 }, (_, i) => sentence("the paid story", i)).join("\n\n");
    const html = page(
      `<main><article><p>${sentence("the teaser", 0)}</p><p>Subscribe to read the rest.</p></article></main>`,
      ld({ "@context": "https://schema.org", "@type": "NewsArticle", isAccessibleForFree: false, articleBody: body }),
    );
    const a = extractArticle({ body: html, url: "https://news.example/paid" });
    expect(a.text).not.toContain("the paid story");
    expect(a.accessibleForFree).toBe(false);
  });

  it("reads a product's JSON-LD description when the shop renders its page with JavaScript", () => {
    const html = page(`<div id="root"></div>`, ld({ "@context": "https://schema.org", "@type": "Product", name: "Dark Roast Coffee", description: `<p>${sentence("the roast", 0)}</p><p>${sentence("the beans", 1)}</p>` }));
    const a = extractArticle({ body: html, url: "https://coffee.example/products/dark-roast" });
    expect(a.paragraphs).toEqual(["Dark Roast Coffee", sentence("the roast", 0), sentence("the beans", 1)]);
  });

  it("reads the prose of a Next.js page's state when its DOM is an empty shell, not its ids, URLs or code", () => {
    const state = { props: { pageProps: { post: { id: "p_8f3a", slug: "a-story", url: "https://cdn.example/img/a-story-hero-image-large-version.png", html: `<p>${sentence("the state", 0)}</p><p>${sentence("the state", 1)}</p>`, code: "function x() { return a => { b(); c(); }; }" } } } };
    const html = page(`<div id="__next"></div><script id="__NEXT_DATA__" type="application/json">${JSON.stringify(state)}</script>`);
    const a = extractArticle({ body: html, url: "https://blog.example/a-story" });
    expect(a.paragraphs).toEqual([sentence("the state", 0), sentence("the state", 1)]);
  });

  it("reads the prose streamed in Next.js self.__next_f chunks, joined across chunks", () => {
    const flight = `1:["$","p",null,{"children":"${sentence("the flight", 0)}"}]\n2:["$","p",null,{"children":"${sentence("the flight", 1)}"}]\n`;
    const cut = 70;
    const push = (chunk: string) => `<script>self.__next_f.push(${JSON.stringify([1, chunk])})</script>`;
    const html = page(`<div id="app"></div>${push(flight.slice(0, cut))}${push(flight.slice(cut))}`);
    const a = extractArticle({ body: html, url: "https://blog.example/flight" });
    expect(a.paragraphs).toEqual([sentence("the flight", 0), sentence("the flight", 1)]);
  });

  it("reads a Remix or Redux-style state object assigned in a script", () => {
    for (const name of ["window.__remixContext", "window.__INITIAL_STATE__"]) {
      const state = { state: { loaderData: { "routes/post": { title: "A story", body: `<p>${sentence(name, 0)}</p>`, id: 8812 } } } };
      const html = page(`<div id="root"></div><script>${name} = ${JSON.stringify(state)};</script>`);
      expect(extractArticle({ body: html, url: "https://blog.example/a-story" }).paragraphs).toEqual([sentence(name, 0)]);
    }
  });

  it("leaves framework state alone when the DOM has the page", () => {
    const state = { props: { pageProps: { reviews: Array.from({ length: 5 }, (_, i) => sentence("a review", i)) } } };
    const html = page(`<main><article>${prose("the page itself", 4)}</article></main><script id="__NEXT_DATA__" type="application/json">${JSON.stringify(state)}</script>`);
    const a = extractArticle({ body: html, url: "https://blog.example/posts/the-page-itself-and-more" });
    expect(a.text).toContain("Point 4 about the page itself");
    expect(a.text).not.toContain("a review");
  });
});

describe("extractArticle on code", () => {
  it("keeps a code block's lines and indents (not its blank lines), and folds white space elsewhere", () => {
    const html = page(`<main><h1>Install</h1>${prose("installing", 2)}<pre><code>npm ci\n\n\nnpm   start\n  --port 8080</code></pre><p>Then   open\nthe page.</p></main>`);
    const a = extractArticle({ body: html, url: "https://docs.example.dev/guide/install" });
    expect(a.paragraphs).toContain("npm ci\nnpm   start\n  --port 8080");
    expect(a.paragraphs).toContain("Then open the page.");
  });
});
