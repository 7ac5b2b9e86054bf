import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSkim } from "../support/runSkim.js";

const page = (n: number) => `<html lang="en"><head><title>Story ${n}</title></head><body><nav><a href="/">Home</a></nav><article>
  <p>The city council approved budget number ${n} on Tuesday after a long debate about school funding.</p>
  <p>The budget raises spending on schools by five percent and cuts road repairs by a fifth.</p>
  <p>Council members said the vote was close because several districts opposed the road cuts.</p>
  <p>The mayor is expected to sign the budget next week, officials said on Wednesday evening.</p></article></body></html>`;

let server: Server;
let base = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    const m = /^\/story\/(\d+)/.exec(req.url ?? "");
    if (m) res.writeHead(200, { "content-type": "text/html" }).end(page(Number(m[1])));
    else res.writeHead(404, { "content-type": "text/plain" }).end("gone");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("console adapter (skim run through a pipe)", () => {
  it("answers each line in order, then exits 0 at the end of input", async () => {
    const input = [`/help`, `${base}/story/1`, `/summary ${base}/story/2 short`, `/summary ${base}/missing`, `just chatting`, ``].join("\n");
    const r = await runSkim(["run"], { input, env: { SKIM_ALLOW_PRIVATE_HOSTS: "true" } });
    expect(r.code).toBe(0);
    const out = r.stdout;
    const help = out.indexOf("/summary <link>");
    const story1 = out.indexOf("Story 1");
    const story2 = out.indexOf("Story 2");
    const missing = out.indexOf("HTTP 404");
    expect(help).toBeGreaterThanOrEqual(0);
    expect(story1).toBeGreaterThan(help);
    expect(story2).toBeGreaterThan(story1);
    expect(missing).toBeGreaterThan(story2);
    // "short" gives two bullets for story 2.
    expect(out.slice(story2, missing).match(/^• /gm)).toHaveLength(2);
    expect(out).not.toContain("Home");
  });

  it("refuses private addresses unless configured otherwise", async () => {
    const r = await runSkim(["run"], { input: `${base}/story/3\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/private or local address/);
  });
});
