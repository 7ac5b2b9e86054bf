import { createServer, type Server } from "node:http";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSkim } from "../support/runSkim.js";

const fixtures = join(import.meta.dirname, "../fixtures/pages");
const skim = (args: string[], env: Record<string, string> = {}) => runSkim(args, { env });

const article = (n: number) =>
  `<html lang="en"><head><title>Local story ${n}</title></head><body><nav><a href="/">Home</a></nav><article>${Array.from(
    { length: 4 },
    (_, i) => `<p>Sentence ${i} of local story ${n}, long enough to be read as a paragraph of prose by the extractor.</p>`,
  ).join("")}</article></body></html>`;

let server: Server;
let base = "";
const work = mkdtempSync(join(tmpdir(), "skim-cli-"));

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/story") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(article(7));
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not here");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(join(work, "one.html"), article(1));
  writeFileSync(join(work, "two.html.gz"), gzipSync(article(2)));
  writeFileSync(join(work, "notes.txt"), "Plain notes\n\nA pasted text with one sentence.\n");
  copyFileSync(join(fixtures, "en-bbc-news/source.html.gz"), join(work, "bbc.html.gz"));
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("skim extract", () => {
  it("prints the article text of a file, with nothing but data on stdout", async () => {
    const r = await skim(["extract", join(work, "one.html")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("# Local story 1");
    expect(r.stdout).toContain("Sentence 3 of local story 1");
    expect(r.stdout).not.toContain("Home");
    expect(r.stderr).toBe("");
  });

  it("--json prints one object per input, one per line, in input order", async () => {
    const r = await skim(["extract", "--json", join(work, "one.html"), join(work, "two.html.gz"), join(work, "notes.txt"), join(work, "bbc.html.gz"), "--url", "https://www.bbc.com/news/x"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l["title"])).toEqual(["Local story 1", "Local story 2", "Plain notes", "Sweden drops Assange rape investigation"]);
    for (const key of ["title", "byline", "siteName", "publishedAt", "lang", "canonicalUrl", "imageUrl", "text", "paragraphs"]) {
      expect(lines[3]).toHaveProperty(key);
    }
    expect(lines[2]!["text"]).toBe("A pasted text with one sentence.");
    expect(lines[3]!["siteName"]).toBe("BBC News");
  });

  it("--out-dir writes <name>.json per input", async () => {
    const out = join(work, "out");
    const r = await skim(["extract", "--out-dir", out, join(work, "one.html"), join(work, "two.html.gz"), join(work, "notes.txt")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(readdirSync(out).sort()).toEqual(["notes.json", "one.json", "two.json"]);
    const two = JSON.parse(readFileSync(join(out, "two.json"), "utf8")) as { text: string };
    expect(two.text).toContain("local story 2");
  });

  it("goes on past an unreadable input, says why on one stderr line, and exits non-zero", async () => {
    const r = await skim(["extract", "--json", join(work, "missing.html"), join(work, "one.html")]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/missing\.html: no such file/);
  });

  it("fetches URLs, refusing a loopback address unless private hosts are allowed", async () => {
    const refused = await skim(["extract", `${base}/story`]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/private or local address/);

    const allowed = await skim(["extract", "--json", `${base}/story`, `${base}/gone`], { SKIM_ALLOW_PRIVATE_HOSTS: "true" });
    expect(allowed.code).toBe(1);
    const [first] = allowed.stdout.trim().split("\n").map((l) => JSON.parse(l) as { title: string; url: string });
    expect(first?.title).toBe("Local story 7");
    expect(first?.url).toBe(`${base}/story`);
    expect(allowed.stderr).toMatch(/HTTP 404/);
  });

  it("stops at start on a malformed setting, naming the variable", async () => {
    const r = await skim(["extract", join(work, "one.html")], { SKIM_FETCH_TIMEOUT_MS: "fast" });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/SKIM_FETCH_TIMEOUT_MS/);
  });

  it("explains bad usage", async () => {
    const r = await skim(["extract", "--frobnicate", "x.html"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --frobnicate/);
  });
});
