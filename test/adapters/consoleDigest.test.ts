import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { articlePage } from "../support/articles.js";
import { startPageServer, type PageServer } from "../support/pageServer.js";
import { runSkim } from "../support/runSkim.js";

let server: PageServer;
let base = "";

const rss = (b: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>City Desk</title><link>${b}/</link>
  <item><title>Budget approved</title><link>${b}/story/budget</link><guid>budget</guid><pubDate>Wed, 25 Nov 2026 08:00:00 GMT</pubDate></item>
  <item><title>Trams return</title><link>${b}/story/trams</link><guid>trams</guid><pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate>
    <description>The tram line reopened on Tuesday after two years of works, and the first trams were full from early morning until late in the evening.</description></item>
</channel></rss>`;

beforeAll(async () => {
  server = await startPageServer({ host: "127.0.0.1" });
  base = server.url("").replace(/\/$/, "");
  server.route("/feed.xml", (_q, res) => res.writeHead(200, { "content-type": "application/rss+xml" }).end(rss(base)));
  server.route("/", (_q, res) => res.writeHead(200, { "content-type": "text/html" }).end(`<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Home</body></html>`));
  server.route("*", (req, res) => res.writeHead(200, { "content-type": "text/html" }).end(articlePage(`Story ${req.url}`)));
});
afterAll(() => server.close());

describe("daily digests through the console", () => {
  it("subscribes to a site (finding its feed), lists it, previews today's digest and unsubscribes", async () => {
    const input = [`/subscribe ${base}/ 07:30 Europe/Berlin`, "/subscriptions", "/digest", "/unsubscribe 1", "/subscriptions", ""].join("\n");
    const r = await runSkim(["run"], { input, env: { SKIM_ALLOW_PRIVATE_HOSTS: "true" } });
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain(`Subscribed: ${base}/ — every day at 07:30 (Europe/Berlin)`);
    expect(out).toContain(`1. ${base}/ — 07:30 Europe/Berlin`);
    const preview = out.indexOf("Preview — City Desk");
    expect(preview).toBeGreaterThan(0);
    // Newest first; each item with a sentence or two (from the feed, or read from the article).
    const budget = out.indexOf("Budget approved", preview);
    const trams = out.indexOf("Trams return", preview);
    expect(budget).toBeGreaterThan(preview);
    expect(trams).toBeGreaterThan(budget);
    expect(out.slice(budget, trams)).toMatch(/council approved the budget/);
    expect(out.slice(trams)).toMatch(/tram line reopened/);
    expect(out).toContain("Unsubscribed.");
    expect(out).toContain("This chat has no daily digests.");
  });

  it("recaps the links shared in the chat, and keeps none where no recap was asked for", async () => {
    const hour = String((new Date().getUTCHours() + 12) % 24).padStart(2, "0");
    const before = await runSkim(["run"], { input: `${base}/story/early\n/subscribe links ${hour}:00 UTC\n${base}/story/shared\n/digest\n`, env: { SKIM_ALLOW_PRIVATE_HOSTS: "true" } });
    const preview = before.stdout.indexOf("Preview — Links shared here");
    expect(preview).toBeGreaterThan(0);
    expect(before.stdout.slice(preview)).toContain("Story /story/shared");
    expect(before.stdout.slice(preview)).not.toContain("Story /story/early");
  });

  it("explains a page without a feed and a wrong time zone", async () => {
    const input = [`/subscribe ${base}/story/nofeed`, `/subscribe ${base}/feed.xml 25:00`, `/subscribe ${base}/feed.xml 08:00 Mars/Base`, ""].join("\n");
    const r = await runSkim(["run"], { input, env: { SKIM_ALLOW_PRIVATE_HOSTS: "true" } });
    expect(r.stdout).toMatch(/no feed was found on that page/i);
    expect(r.stdout).toMatch(/usage: \/subscribe|not a time of day/);
    expect(r.stdout).toMatch(/"Mars\/Base" is not a time zone/);
  });
});

describe("subscriptions survive a restart", () => {
  it("keeps a subscription made in one run for the next, on the same database", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const data = mkdtempSync(join(tmpdir(), "skim-restart-"));
    // Twelve hours from now, so no delivery happens during the test runs themselves.
    const hour = String((new Date().getUTCHours() + 12) % 24).padStart(2, "0");
    const env = { SKIM_ALLOW_PRIVATE_HOSTS: "true", SKIM_DATA_DIR: data };
    const first = await runSkim(["run"], { input: `/subscribe ${base}/feed.xml ${hour}:00 UTC\n/length short\n`, env });
    expect(first.stdout).toContain("Subscribed:");
    const second = await runSkim(["run"], { input: "/subscriptions\n/settings\n/digest\n", env });
    expect(second.stdout).toContain(`1. ${base}/feed.xml — ${hour}:00 UTC`);
    expect(second.stdout).toContain("digest length: short");
    expect(second.stdout).toContain("Preview — City Desk");
  });
});
