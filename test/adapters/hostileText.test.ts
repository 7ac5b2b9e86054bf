import { describe, expect, it } from "vitest";
import { startPageServer } from "../support/pageServer.js";
import { articlePage } from "../support/articles.js";
import { runSkim } from "../support/runSkim.js";

/**
 * What a stranger can type, through the console chat end to end: thousands of links in one
 * message, control and direction characters, absurd command arguments, a megabyte "sentence".
 * Each gets an answer or polite silence, in bounded time, and the process goes on.
 */
describe("hostile chat text", () => {
  it("is answered politely and quickly, and never takes the bot down", async () => {
    const server = await startPageServer({ host: "127.0.0.1" });
    let requests = 0;
    server.route("*", (req, res) => {
      requests++;
      res.writeHead(200, { "content-type": "text/html" }).end(articlePage(`Story ${req.url}`));
    });
    const base = server.url("").replace(/\/$/, "");
    const megaSentence = Array.from({ length: 120_000 }, (_, i) => `word${i % 97}`).join(" ");
    const lines = [
      Array.from({ length: 5_000 }, (_, i) => `${base}/many/${i}`).join(" "),
      `\u202eevil\u202c ${base}/story/rtl \u200d\u200d 👩‍👩‍👧‍👦🏳️‍🌈 \u0007\u001b[31m red`,
      `/subscribe ${"x".repeat(100_000)}`,
      `/length ${"a".repeat(1_000_000)}`,
      `/language ${"zz-".repeat(1_000)}`,
      `/unsubscribe ${"9".repeat(100_000)}`,
      "/timezone ../../../etc/passwd",
      `/summary ${megaSentence}`,
      "/help",
      "",
    ];
    try {
      const started = Date.now();
      const r = await runSkim(["run"], { input: lines.join("\n"), env: { SKIM_ALLOW_PRIVATE_HOSTS: "true" } });
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(r.code).toBe(0);
      // At most three links of a message are read.
      expect(requests).toBeLessThanOrEqual(3 + 1);
      expect(r.stdout).toContain("Story /many/0");
      expect(r.stdout).not.toContain("Story /many/3");
      expect(r.stdout).toContain("Story /story/rtl");
      expect(r.stdout).toMatch(/usage: \/length/i);
      expect(r.stdout).toMatch(/usage: \/language/i);
      expect(r.stdout).toMatch(/no subscription "9{79}…"/);
      expect(r.stdout).toMatch(/not a time zone/);
      expect(r.stdout).toContain("/summary <link>"); // /help, last: everything before it was answered
      // Plain output carries no terminal escapes or direction overrides from the input.
      expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202a-\u202e]/);
      // The megabyte sentence gives bullets of at most 400 characters.
      const bullets = r.stdout.split("\n").filter((l) => l.startsWith("• "));
      expect(bullets.length).toBeGreaterThan(0);
      expect(bullets.every((b) => b.length <= 2 + 400)).toBe(true);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await server.close();
    }
  }, 60_000);
});
