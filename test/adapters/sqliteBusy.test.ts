import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { startArticleServer } from "../support/articles.js";
import { startSkim, type RunningSkim } from "../support/runSkim.js";
import { BUSY_TIMEOUT_MS } from "../../src/store/sqlite.js";

/**
 * The SQLite file is locked by someone else for longer than Skim waits (a backup, an operator's
 * sqlite3 shell): a change is refused politely, nothing half-written, and once the lock is gone
 * everything works and nothing was lost or doubled.
 */
async function say(skim: RunningSkim, line: string, expected: RegExp, ms = 20_000): Promise<string> {
  const from = skim.stdout().length;
  skim.write(`${line}\n`);
  const deadline = Date.now() + ms;
  for (;;) {
    const out = skim.stdout().slice(from);
    if (expected.test(out)) return out;
    if (Date.now() > deadline) throw new Error(`no ${expected} after "${line}": ${out}\nstderr: ${skim.stderr()}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

describe("SQLite locked by another program for a while", () => {
  it("refuses changes politely meanwhile, then works, with nothing lost or doubled", async () => {
    const pages = await startArticleServer();
    const dataDir = mkdtempSync(join(tmpdir(), "skim-busy-"));
    const skim = startSkim({ SKIM_DATA_DIR: dataDir, SKIM_ADAPTERS: "console", SKIM_ALLOW_PRIVATE_HOSTS: "true", SKIM_LOG_FORMAT: "text" }, [], { stdin: true });
    try {
      await say(skim, `/subscribe ${pages.base}/feed.xml 08:00 UTC`, /Subscribed/);
      const other = new Database(join(dataDir, "skim.sqlite"));
      other.exec("BEGIN EXCLUSIVE");
      const released = new Promise<void>((resolve) =>
        setTimeout(() => {
          other.exec("COMMIT");
          other.close();
          resolve();
        }, BUSY_TIMEOUT_MS + 1_500),
      );
      // Waits as long as SQLite's busy timeout, then says so instead of failing silently.
      expect(await say(skim, "/length short", /storage cannot be reached right now, so nothing was changed/)).not.toMatch(/SQLITE|at .*\.js/);
      await released;
      await say(skim, "/length short", /digest length: short/);
      const subs = await say(skim, "/subscriptions", /feed\.xml/);
      expect(subs.match(/feed\.xml/g)).toHaveLength(1);
      await say(skim, `${pages.base}/story/after-lock`, /Story \/story\/after-lock/);
      expect(skim.stderr()).toMatch(/database is locked/);
    } finally {
      expect(await skim.stop()).toBe(0);
      await pages.close();
    }
  }, 40_000);
});
