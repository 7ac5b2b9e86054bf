import pg from "pg";
import { describe, expect, it } from "vitest";
import { startArticleServer } from "../support/articles.js";
import { freePort } from "../support/freePort.js";
import { startSkim, type RunningSkim } from "../support/runSkim.js";
import { tcpProxy, throughProxy } from "../support/tcpProxy.js";

/**
 * The database connection is cut while Skim runs (through a TCP proxy of our own, never by
 * touching the machine's PostgreSQL): links are still summarized, a change that cannot be stored
 * is refused politely, and once the database answers again everything stored before is there.
 */
const pgUrl = process.env["TEST_DATABASE_URL"] ?? "";

async function waitForOutput(skim: RunningSkim, from: number, pattern: RegExp, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const out = skim.stdout().slice(from);
    if (pattern.test(out)) return out;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in output: ${out}\nstderr: ${skim.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(pgUrl !== "")("PostgreSQL cut while running", () => {
  it("keeps answering, refuses changes politely, and loses nothing", async () => {
    const schema = `skim_cut_${process.pid}`;
    const target = new URL(pgUrl);
    const proxy = tcpProxy({ host: target.hostname, port: Number(target.port || 5432) }, await freePort());
    await proxy.open();
    const pages = await startArticleServer();
    const skim = startSkim({ DATABASE_URL: throughProxy(pgUrl, proxy, schema), SKIM_ALLOW_PRIVATE_HOSTS: "true", SKIM_ADAPTERS: "console" }, [], { stdin: true });
    const say = async (line: string, expected: RegExp) => {
      const from = skim.stdout().length;
      skim.write(`${line}\n`);
      return waitForOutput(skim, from, expected);
    };
    try {
      await say(`/subscribe ${pages.base}/feed.xml 08:00 UTC`, /Subscribed/);
      await say("/length short", /short/);
      await say(`${pages.base}/story/before`, /Story \/story\/before/);

      await proxy.cut();
      // Reads fall back to defaults meanwhile: the link is still summarized.
      const during = await say(`${pages.base}/story/during`, /Story \/story\/during/);
      expect(during).toContain("•");
      // A change cannot be stored: said so, nothing half-done.
      expect(await say("/length long", /storage cannot be reached right now, so nothing was changed. Try again in a minute.\n/)).not.toMatch(/Error|at .*\.js/);

      await proxy.open();
      const after = await say("/subscriptions", /feed\.xml/);
      expect(after).toContain("08:00");
      const settings = await say("/settings", /short/);
      expect(settings).not.toContain("long");
      await say(`${pages.base}/story/after`, /Story \/story\/after/);
      expect(skim.stderr()).toMatch(/storage/);
      expect(skim.stderr()).not.toMatch(/\n\s+at /); // no stack traces
    } finally {
      expect(await skim.stop()).toBe(0);
      await proxy.cut();
      await pages.close();
      const db = new pg.Client({ connectionString: pgUrl });
      await db.connect();
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    }
  }, 60_000);
});
