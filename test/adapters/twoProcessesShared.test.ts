import pg from "pg";
import { describe, expect, it } from "vitest";
import { articlePage } from "../support/articles.js";
import { startPageServer, type PageServer } from "../support/pageServer.js";
import { startSkim, type RunningSkim } from "../support/runSkim.js";

/**
 * Two Skim processes on one PostgreSQL behave as one: a link read by one is answered by the other
 * from the shared cache without fetching the page again, and one user's rate limit is one bucket,
 * not one per process. Both are console chats: the same chat and the same user in each process.
 */
const pgUrl = process.env["TEST_DATABASE_URL"] ?? "";

async function waitForOutput(skim: RunningSkim, from: number, pattern: RegExp, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const out = skim.stdout().slice(from);
    if (pattern.test(out)) return out;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in output: ${out}\nstderr: ${skim.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Pair = {
  a: RunningSkim;
  b: RunningSkim;
  pages: PageServer;
  /** Types a line into one process's console and waits for its answer. */
  say: (skim: RunningSkim, line: string, expected: RegExp) => Promise<string>;
  /** Stops both processes (their exit codes, A then B), the page server, and drops the schema. */
  close: () => Promise<[number | null, number | null]>;
};

/**
 * Article pages whose title says which fetch of that path served them ("Story /story/x #1"): a
 * digest answered from the cache shows the number of the fetch that filled it.
 */
async function startPages(): Promise<PageServer> {
  const pages = await startPageServer({ host: "127.0.0.1" });
  pages.route("*", (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (!path.startsWith("/story/")) return void res.writeHead(404, { "content-type": "text/plain" }).end("gone");
    res.writeHead(200, { "content-type": "text/html" }).end(articlePage(`Story ${path} #${pages.requestsTo(path).length}`));
  });
  return pages;
}

/** Two console processes on one fresh schema, both answering (their database opened) before this returns. */
async function startPair(): Promise<Pair> {
  const schema = `skim_shared_${process.pid}_${Math.random().toString(16).slice(2, 8)}`;
  const pages = await startPages();
  const env = {
    SKIM_ADAPTERS: "console",
    SKIM_ALLOW_PRIVATE_HOSTS: "true",
    DATABASE_URL: `${pgUrl}${pgUrl.includes("?") ? "&" : "?"}schema=${schema}`,
  };
  // Started together: the second one waits at the migration lock, then finds the tables in place.
  const a = startSkim(env, [], { stdin: true });
  const b = startSkim(env, [], { stdin: true });
  const say = async (skim: RunningSkim, line: string, expected: RegExp) => {
    const from = skim.stdout().length;
    skim.write(`${line}\n`);
    return waitForOutput(skim, from, expected);
  };
  const close = async (): Promise<[number | null, number | null]> => {
    const codes = await Promise.all([a.stop(), b.stop()]);
    await pages.close();
    const db = new pg.Client({ connectionString: pgUrl });
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
    return codes;
  };
  try {
    // /settings reads the database and spends no rate-limit token.
    await Promise.all([say(a, "/settings", /Settings of this chat/), say(b, "/settings", /Settings of this chat/)]);
  } catch (err) {
    await close();
    throw err;
  }
  return { a, b, pages, say, close };
}

/** An answer to one link: the digest (its title line) or the rate-limit notice. */
const ANSWER = (path: string) => new RegExp(`Story ${path} #\\d+|slow down a little`, "i");

describe.runIf(pgUrl !== "")("two processes, one database: shared cache and rate limits", () => {
  it("answers a link posted to both from one fetch", async () => {
    const { a, b, pages, say, close } = await startPair();
    let codes: [number | null, number | null] | null = null;
    try {
      const x = pages.url("/story/shared");
      const onA = await say(a, x, ANSWER("/story/shared"));
      expect(onA).toContain("Story /story/shared #1");
      expect(pages.requestsTo("/story/shared")).toHaveLength(1);

      // The other process has never seen the link: it finds the page in the database's cache.
      const onB = await say(b, x, ANSWER("/story/shared"));
      expect(onB).toContain("Story /story/shared #1");
      expect(onB).toContain("•");
      // The same page behind a tracking tail is the same cache entry, on either process.
      const tracked = await say(b, `${x}?utm_source=newsletter&utm_medium=email`, ANSWER("/story/shared"));
      expect(tracked).toContain("Story /story/shared #1");
      expect(pages.requestsTo("/story/shared")).toHaveLength(1);

      // Control: a link only B has been given is fetched by B, so the counting does count.
      const y = await say(b, pages.url("/story/only-b"), ANSWER("/story/only-b"));
      expect(y).toContain("Story /story/only-b #1");
      expect(pages.requestsTo("/story/only-b")).toHaveLength(1);
      // And A now answers it from the cache in turn.
      expect(await say(a, pages.url("/story/only-b"), ANSWER("/story/only-b"))).toContain("Story /story/only-b #1");
      expect(pages.requestsTo("/story/only-b")).toHaveLength(1);
      expect(pages.requests.map((r) => r.path).sort()).toEqual(["/story/only-b", "/story/shared"]);
    } finally {
      codes = await close();
    }
    expect(codes).toEqual([0, 0]);
  }, 20_000);

  it("limits a user once across both processes, not once per process", async () => {
    const { a, b, pages, say, close } = await startPair();
    let codes: [number | null, number | null] | null = null;
    try {
      // The user's bucket holds 6 and refills one token per 4 s: ten links alternating between the
      // processes, each answered before the next, take well under that. Separate limits per process
      // would let all ten through (five each); one shared bucket lets six through.
      const answers: { process: "A" | "B"; digest: boolean }[] = [];
      const started = Date.now();
      for (let i = 0; i < 10; i++) {
        const skim = i % 2 === 0 ? a : b;
        const out = await say(skim, pages.url(`/story/burst-${i}`), ANSWER(`/story/burst-${i}`));
        answers.push({ process: i % 2 === 0 ? "A" : "B", digest: out.includes(`Story /story/burst-${i} #1`) });
      }
      const elapsed = Date.now() - started;
      const pattern = answers.map((x) => (x.digest ? "D" : "-")).join("");
      // Much slower than this and a refilled token could let a seventh through: say so, not just "7 != 6".
      expect(elapsed, `ten answers took ${elapsed} ms (answers: ${pattern})`).toBeLessThan(3_500);
      expect(pattern).toBe("DDDDDD----");
      // Each process alone spent only three tokens of six, and was refused all the same.
      expect(answers.filter((x) => x.process === "A" && x.digest)).toHaveLength(3);
      expect(answers.filter((x) => x.process === "B" && x.digest)).toHaveLength(3);
      expect(a.stdout()).toMatch(/slow down a little/i);
      expect(b.stdout()).toMatch(/slow down a little/i);
      // A refused link is not fetched at all.
      for (let i = 0; i < 10; i++) expect(pages.requestsTo(`/story/burst-${i}`), `/story/burst-${i}`).toHaveLength(i < 6 ? 1 : 0);
      // Commands are not rate-limited: both still answer them.
      await say(a, "/settings", /Settings of this chat/);
      await say(b, "/settings", /Settings of this chat/);
    } finally {
      codes = await close();
    }
    expect(codes).toEqual([0, 0]);
  }, 20_000);
});
