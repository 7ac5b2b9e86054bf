import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSkim } from "../support/runSkim.js";

const seed = join(import.meta.dirname, "../fixtures/text/atacms-article.txt");
const bbc = join(import.meta.dirname, "../fixtures/pages/en-bbc-news/source.html.gz");

const skim = (args: string[], input = "", env: Record<string, string> = {}) => runSkim(args, { input, env });

const page = `<html lang="en"><head><title>Council budget</title></head><body><nav><a href="/">Home</a></nav><article>
  <p>The city council approved a new budget on Tuesday after a long debate about school funding.</p>
  <p>The budget raises spending on schools by five percent and cuts road repairs by a fifth.</p>
  <p>Council members said the vote was close because several districts opposed the road cuts.</p>
  <p>The mayor is expected to sign the budget next week, officials said on Wednesday evening.</p></article></body></html>`;

let server: Server;
let base = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/budget") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    else res.writeHead(404, { "content-type": "text/plain" }).end("no");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("skim summarize", () => {
  it("prints a plain-text digest of a file, and nothing else on stdout", async () => {
    const r = await skim(["summarize", seed]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^US Deliberations on ATACMS/);
    expect(r.stdout.match(/^• /gm)).toHaveLength(3);
    expect(r.stdout).not.toContain("No time to read");
    expect(r.stderr).toBe("");
  });

  it("--json prints the digest object; --sentences and --length set the bullets", async () => {
    const r = await skim(["summarize", bbc, "--json", "--sentences", "4"]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of ["title", "url", "siteName", "byline", "publishedAt", "lang", "readingMinutes", "bullets", "keywords"]) expect(d).toHaveProperty(key);
    expect(d["title"]).toBe("Sweden drops Assange rape investigation");
    expect(d["bullets"]).toHaveLength(4);
    const short = JSON.parse((await skim(["summarize", bbc, "--json", "--length", "short"])).stdout) as { bullets: string[] };
    expect(short.bullets).toHaveLength(2);
  });

  it("reads stdin with -", async () => {
    const r = await skim(["summarize", "-", "--json"], page);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { title: string; bullets: string[] };
    expect(d.title).toBe("Council budget");
    expect(d.bullets[0]).toMatch(/^The city council approved/);
  });

  it("fetches a URL through the safe fetcher (private hosts allowed only by configuration)", async () => {
    const refused = await skim(["summarize", `${base}/budget`]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/private or local address/);
    const r = await skim(["summarize", `${base}/budget`, "--json"], "", { SKIM_ALLOW_PRIVATE_HOSTS: "true" });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { bullets: string[] }).bullets).toHaveLength(3);
  });

  it("--jsonl answers each line in order, and a bad line gets an error while the batch goes on", async () => {
    const lines = [
      JSON.stringify({ id: "a", text: "First sentence of the text. Second sentence of the text. Third one here. Fourth one too." }),
      "this is not json",
      JSON.stringify({ id: "b", html: page }),
      JSON.stringify({ id: "c" }),
      JSON.stringify({ id: "d", url: `${base}/missing` }),
      JSON.stringify({ id: "e", url: `${base}/budget` }),
    ].join("\n");
    const r = await skim(["summarize", "--jsonl"], lines + "\n", { SKIM_ALLOW_PRIVATE_HOSTS: "true" });
    const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((o) => o["id"])).toEqual(["a", null, "b", "c", "d", "e"]);
    expect(out[0]!["bullets"]).toHaveLength(3);
    expect(out[0]!["summary"]).toBe((out[0]!["bullets"] as string[]).join(" "));
    expect(out[1]!["error"]).toBeTruthy();
    expect(out[2]!["title"]).toBe("Council budget");
    expect(out[3]!["error"]).toMatch(/text.*html.*url/);
    expect(out[4]!["error"]).toMatch(/HTTP 404/);
    expect(out[5]!["bullets"]).toHaveLength(3);
    expect(r.code).toBe(1);
  });

  it("explains bad usage", async () => {
    expect((await skim(["summarize"])).code).toBe(2);
    expect((await skim(["summarize", seed, "--sentences", "99"])).stderr).toMatch(/--sentences/);
    expect((await skim(["summarize", seed, "--length", "huge"])).stderr).toMatch(/--length/);
  });
});
