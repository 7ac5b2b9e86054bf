import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startArticleServer } from "../support/articles.js";
import { runSkim } from "../support/runSkim.js";

let pages: Awaited<ReturnType<typeof startArticleServer>>;
let base = "";
beforeAll(async () => {
  pages = await startArticleServer();
  base = pages.base;
});
afterAll(() => pages.close());

describe("console adapter (skim run through a pipe)", () => {
  it("answers each line in order, then exits 0 at the end of input", async () => {
    const input = [`/help`, `${base}/story/1`, `/summary ${base}/story/2 short`, `/summary ${base}/missing`, `just chatting`, ``].join("\n");
    const r = await runSkim(["run"], { input, env: { SKIM_ALLOW_PRIVATE_HOSTS: "true" } });
    expect(r.code).toBe(0);
    const out = r.stdout;
    const help = out.indexOf("/summary <link>");
    const story1 = out.indexOf("Story /story/1");
    const story2 = out.indexOf("Story /story/2");
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
