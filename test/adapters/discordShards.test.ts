import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shardOf, startFakeDiscord, type FakeDiscord } from "../fakes/discord.js";
import { startArticleServer } from "../support/articles.js";
import { freePort } from "../support/freePort.js";
import { runSkim, startSkim, type RunningSkim } from "../support/runSkim.js";

/**
 * DISCORD_SHARDS=auto: discord.js's ShardingManager starts one `skim run` process per shard Discord
 * recommends; the fake gateway routes each guild's events to its shard's connection, so a guild's
 * command is answered by that shard's process.
 */
type LogLine = { msg: string; pid: number; platform?: string };

let pages: Awaited<ReturnType<typeof startArticleServer>>;
let fake: FakeDiscord;
let skim: RunningSkim;
let port = 0;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const logLines = (): LogLine[] =>
  skim
    .stderr()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);

async function until(what: string, test: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr:\n${skim.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const summarizeIn = async (guild: { id: string; channelId: string }, story: string) => {
  fake.interactionCreate({ kind: "slash", guild_id: guild.id, channel_id: guild.channelId, options: { url: `${pages.base}/story/${story}` } });
  await fake.waitFor("PATCH", /\/messages\/@original$/, (c) => ((c.body as { content?: string }).content ?? "").includes(`Story /story/${story}`), 15_000);
};

beforeAll(async () => {
  pages = await startArticleServer();
  // Discord recommends two shards; 16 IDENTIFYs at once lets them start a third of a second apart.
  fake = await startFakeDiscord({ shards: 2, guilds: 2, maxConcurrency: 16, heartbeatIntervalMs: 1_000 });
  port = await freePort();
  skim = startSkim({
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_BASE: fake.apiBase,
    DISCORD_SHARDS: "auto",
    SKIM_ALLOW_PRIVATE_HOSTS: "true",
    PORT: String(port),
    SKIM_HTTP_HOST: "127.0.0.1",
  });
  await until("two shards", () => fake.shardsConnected.length === 2, 30_000);
}, 40_000);

afterAll(async () => {
  expect(await skim.stop()).toBe(0);
  await fake.close();
  await pages.close();
});

describe("Discord shards (DISCORD_SHARDS=auto)", () => {
  it("starts as many shard connections as Discord recommends, registers the commands once, and is ready", async () => {
    expect(fake.shardsConnected.map(([id, count]) => `${id}/${count}`).sort()).toEqual(["0/2", "1/2"]);
    expect(fake.calls(/^\/applications\/\d+\/commands$/, "PUT")).toHaveLength(1);
    expect(new Set(fake.guilds.map((g) => shardOf(g.id, 2))).size).toBe(2);
    await until("readiness", () => logLines().some((l) => l.msg.includes("2 shards ready")));
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
  });

  it("answers each guild from the process of its shard", async () => {
    for (const [i, guild] of fake.guilds.entries()) await summarizeIn(guild, `shard${i}`);
    await until("two handled lines", () => logLines().filter((l) => l.msg === "message handled").length >= 2);
    const parent = logLines().find((l) => l.msg.includes("starting 2 shard processes"))!.pid;
    const handledBy = new Set(logLines().filter((l) => l.msg === "message handled").map((l) => l.pid));
    expect(handledBy.size).toBe(2);
    expect(handledBy.has(parent)).toBe(false);
  });

  it("starts a shard again when its process dies, and that shard answers again", async () => {
    const shardPids = [...new Set(logLines().filter((l) => l.msg === "message handled").map((l) => l.pid))];
    process.kill(shardPids[0]!, "SIGKILL");
    await until("the shard to come back", () => logLines().some((l) => l.msg.includes("exited; starting it again")));
    await until("two shards again", () => fake.shardsConnected.length === 2);
    for (const [i, guild] of fake.guilds.entries()) await summarizeIn(guild, `again${i}`);
    const again = logLines().filter((l) => l.msg === "message handled").map((l) => l.pid);
    expect(again.length).toBeGreaterThanOrEqual(4);
    expect(new Set(again.slice(-2)).size).toBe(2);
    expect(again.slice(-2)).not.toContain(shardPids[0]);
  });

  it("stops every shard process with itself", async () => {
    const pids = [...new Set(logLines().map((l) => l.pid))];
    expect(pids.length).toBeGreaterThanOrEqual(3);
    expect(await skim.stop()).toBe(0);
    await until("shard processes to end", () => pids.every((p) => !alive(p)), 10_000);
  });
});

describe("Discord start-up failures", () => {
  it("a token Discord rejects: exit 1, one line, without the token", async () => {
    const other = await startFakeDiscord();
    try {
      const wrong = "wrong.discord-token.for-this-test";
      const r = await runSkim(["run"], {
        env: { DISCORD_TOKEN: wrong, DISCORD_APPLICATION_ID: other.applicationId, DISCORD_API_BASE: other.apiBase, SKIM_LOG_FORMAT: "text" },
      });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toEqual([
        "skim error: could not start: Discord rejected DISCORD_TOKEN (401 Unauthorized): copy the token again from the Bot page of the Developer Portal",
      ]);
      expect(r.stderr).not.toContain(wrong);
    } finally {
      await other.close();
    }
  });
});
