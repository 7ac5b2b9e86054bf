import pg from "pg";
import { describe, expect, it } from "vitest";
import { startFakeTelegram } from "../fakes/telegram.js";
import { startPageServer } from "../support/pageServer.js";
import { startSkim } from "../support/runSkim.js";

/**
 * Two Skim processes on one PostgreSQL and one Telegram bot: one takes the chat updates and both
 * run the digest scheduler. Every due digest must reach its chat exactly once.
 */
const pgUrl = process.env["TEST_DATABASE_URL"] ?? "";

describe.runIf(pgUrl !== "")("two processes, one database", () => {
  it("send each digest exactly once", async () => {
    const schema = `skim_e2e_${process.pid}_${Math.random().toString(16).slice(2, 8)}`;
    const feeds = await startPageServer({ host: "127.0.0.1" });
    feeds.route("/feed.xml", (_q, res) =>
      res.writeHead(200, { "content-type": "application/rss+xml" }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>
        <item><title>Ferries run again</title><guid>f1</guid><description>The ferries run every hour again after the storm damaged the pier last week, the harbour master said on Monday.</description></item>
      </channel></rss>`),
    );
    const fake = await startFakeTelegram();
    const env = {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      SKIM_ALLOW_PRIVATE_HOSTS: "true",
      SKIM_DIGEST_CHECK_MS: "200",
      DATABASE_URL: `${pgUrl}${pgUrl.includes("?") ? "&" : "?"}schema=${schema}`,
    };
    const front = startSkim(env);
    const chats = 10;
    let worker: ReturnType<typeof startSkim> | null = null;
    try {
      await fake.waitFor("getUpdates", undefined, 15_000);
      worker = startSkim(env, ["--role", "scheduler"]);
      await fake.waitFor("getMe", () => fake.calls("getMe").length >= 2, 15_000);
      for (let i = 0; i < chats; i++) {
        const id = 900_000 + i;
        const from = { id, is_bot: false as const, first_name: `Reader ${i}` };
        fake.pushUpdate(fake.message({ chat: { id, type: "private", first_name: from.first_name }, from, text: `/subscribe ${feeds.url("/feed.xml")} 00:00 UTC` }));
      }
      const digests = () => fake.calls("sendMessage").filter((c) => String(c.params["text"]).includes("Harbour News"));
      const deadline = Date.now() + 20_000;
      while (digests().length < chats && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1_500)); // more checks by both processes
      const perChat = new Map<number, number>();
      for (const c of digests()) perChat.set(Number(c.params["chat_id"]), (perChat.get(Number(c.params["chat_id"])) ?? 0) + 1);
      expect(perChat.size).toBe(chats);
      expect([...perChat.values()].every((n) => n === 1)).toBe(true);
      const db = new pg.Client({ connectionString: pgUrl });
      await db.connect();
      const sent = await db.query(`SELECT count(*)::int AS n FROM ${schema}.digests WHERE sent_at IS NOT NULL`);
      expect(sent.rows[0].n).toBe(chats);
      await db.end();
    } finally {
      expect(await front.stop()).toBe(0);
      if (worker) expect(await worker.stop()).toBe(0);
      await fake.close();
      await feeds.close();
      const db = new pg.Client({ connectionString: pgUrl });
      await db.connect();
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    }
  });
});
