import { startPageServer, type PageServer } from "./pageServer.js";

/** A small news page whose digest is predictable: three prose paragraphs under a title. */
export function articlePage(title: string, navigation = false): string {
  return `<html lang="en"><head><title>${title}</title></head><body>${navigation ? `<nav><a href="/">Home</a></nav>` : ""}<article>
  <p>The city council approved the budget on Tuesday after a long debate about school funding.</p>
  <p>The budget raises spending on schools by five percent and cuts road repairs by a fifth.</p>
  <p>Council members said the vote was close because several districts opposed the road cuts.</p>
  <p>The mayor is expected to sign the budget next week, officials said on Wednesday evening.</p></article></body></html>`;
}

/**
 * Article pages for the chat tests, on 127.0.0.1: `/story/<anything>` is a page titled
 * "Story /story/<anything>", `/hostile` one with the given hostile title, `/feed.xml` an RSS feed
 * ("Desk Feed", one item), anything else a 404.
 */
export async function startArticleServer(hostileTitle = "<b>@everyone</b> *bold* <@123>"): Promise<PageServer & { base: string }> {
  const server = await startPageServer({ host: "127.0.0.1" });
  server.route("/feed.xml", (_req, res) =>
    res.writeHead(200, { "content-type": "application/rss+xml" }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Desk Feed</title>
      <item><title>Council budget</title><guid>desk-1</guid><description>The city council approved the budget on Tuesday after a long debate about school funding, officials said.</description></item>
    </channel></rss>`),
  );
  server.route("*", (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/hostile") res.writeHead(200, { "content-type": "text/html" }).end(articlePage(hostileTitle));
    else if (path.startsWith("/story")) res.writeHead(200, { "content-type": "text/html" }).end(articlePage(`Story ${path}`, true));
    else res.writeHead(404, { "content-type": "text/plain" }).end("gone");
  });
  return Object.assign(server, { base: server.url("").replace(/\/$/, "") });
}
