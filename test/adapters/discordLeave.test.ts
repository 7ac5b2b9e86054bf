import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/index.js";
import { FAKE_IDS, snowflake, startFakeDiscord } from "../fakes/discord.js";
import { startSkim } from "../support/runSkim.js";

/**
 * Removed from a channel or a server, Skim deletes what it stored about it; a server that is only
 * unavailable for a while (a Discord outage: GUILD_DELETE with `unavailable: true`) keeps everything.
 */
describe("leaving a Discord channel or server", () => {
  it("deletes a deleted channel's data and a left server's, and keeps them through an outage", async () => {
    const data = mkdtempSync(join(tmpdir(), "skim-discord-leave-"));
    const fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000 });
    const skim = startSkim({
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_BASE: fake.apiBase,
      SKIM_DATA_DIR: data,
    });
    const store = await openSqliteStore(join(data, "skim.sqlite"));
    const until = async (what: string, done: () => Promise<boolean>) => {
      const deadline = Date.now() + 5_000;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}\n${skim.stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const subscriptions = (channel: string) => store.listSubscriptions(`discord:${channel}`);
    // Never due during the test: twelve hours away.
    const time = `${String((new Date().getUTCHours() + 12) % 24).padStart(2, "0")}:00`;
    const subscribe = async (channel: string) => {
      fake.interactionCreate({ kind: "slash", name: "subscribe", channel_id: channel, admin: true, options: { source: "links", time, timezone: "UTC" } });
      await until(`a subscription in ${channel}`, async () => (await subscriptions(channel)).length === 1);
    };
    try {
      await fake.waitFor("PUT", /^\/applications\/\d+\/commands$/, undefined, 15_000);
      const second = snowflake();
      fake.dispatch("CHANNEL_CREATE", { id: second, type: 0, guild_id: FAKE_IDS.guild, name: "second", position: 1, permission_overwrites: [] });
      await subscribe(FAKE_IDS.channel);
      await subscribe(second);

      fake.dispatch("CHANNEL_DELETE", { id: second, type: 0, guild_id: FAKE_IDS.guild, name: "second", position: 1, permission_overwrites: [] });
      await until("the deleted channel's data is gone", async () => (await subscriptions(second)).length === 0);
      expect(await subscriptions(FAKE_IDS.channel)).toHaveLength(1);

      fake.dispatch("GUILD_DELETE", { id: FAKE_IDS.guild, unavailable: true });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await subscriptions(FAKE_IDS.channel)).toHaveLength(1);

      fake.dispatch("GUILD_DELETE", { id: FAKE_IDS.guild });
      await until("the left server's data is gone", async () => (await subscriptions(FAKE_IDS.channel)).length === 0);
      expect(skim.stderr()).not.toMatch(/\n\s+at /);
    } finally {
      await store.close();
      expect(await skim.stop()).toBe(0);
      await fake.close();
    }
  }, 30_000);
});
