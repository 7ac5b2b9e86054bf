import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { REST, Routes, ShardingManager, type Shard } from "discord.js";
import type { Adapter, Core } from "../../src/core.js";
import { createDiscordAdapter, explainDiscordError, registerCommands, type DiscordConfig } from "./index.js";

/**
 * Discord through discord.js's ShardingManager: one `skim run` process per gateway shard, each on
 * the shared database, started and restarted by this process. This process keeps no gateway
 * connection of its own: it registers the commands once, sends digests over REST, and stops the
 * shards (gracefully, each finishing its work in flight) when it stops.
 */
export type ShardedDiscordConfig = DiscordConfig & { shards: "auto" | number };

/** Discord allows `max_concurrency` IDENTIFYs per 5 seconds: shards start that far apart. */
const IDENTIFY_WINDOW_MS = 5_500;
/** Time a shard may take from spawn to its READY. */
const SHARD_READY_TIMEOUT_MS = 60_000;
/** Time a shard may take to stop after SIGTERM; it has a deadline of its own, a little shorter. */
const SHARD_STOP_TIMEOUT_MS = 25_000;

/** The command that starts a shard: this package's own CLI. */
const BIN = fileURLToPath(new URL("../../../bin/skim.js", import.meta.url));

type GatewayBot = { shards: number; session_start_limit: { max_concurrency: number } };

export function createShardedDiscordAdapter(core: Core, config: ShardedDiscordConfig): Adapter {
  const rest = createDiscordAdapter(core, { ...config, receive: false });
  let manager: ShardingManager | null = null;
  let stopping = false;

  const stopShard = async (shard: Shard) => {
    const child = shard.process as ChildProcess | null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), SHARD_STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  return {
    name: "discord",
    start: async () => {
      await rest.start();
      const api = new REST({ ...(config.apiBase ? { api: config.apiBase } : {}) }).setToken(config.token);
      const gateway = (await api.get(Routes.gatewayBot()).catch((err: unknown) => {
        throw explainDiscordError(err);
      })) as GatewayBot;
      const count = config.shards === "auto" ? gateway.shards : config.shards;
      await registerCommands(api, config);
      const delay = Math.ceil(IDENTIFY_WINDOW_MS / Math.max(1, gateway.session_start_limit.max_concurrency));
      manager = new ShardingManager(BIN, {
        totalShards: count,
        token: config.token,
        mode: "process",
        // A shard process runs only its gateway connection (config.discord.shardProcess).
        shardArgs: ["run", "--role", "bot"],
        execArgv: process.execArgv,
        respawn: true,
      });
      manager.on("shardCreate", (shard) => {
        shard.on("death", () => {
          if (!stopping) core.log.warn(`discord: shard ${shard.id} exited; starting it again`);
        });
      });
      core.log.info(`discord: starting ${count} shard process${count === 1 ? "" : "es"}`);
      await manager.spawn({ amount: count, delay, timeout: SHARD_READY_TIMEOUT_MS });
      core.log.info(`discord: ${count} shard${count === 1 ? "" : "s"} ready`);
    },
    stop: async () => {
      stopping = true;
      if (manager) {
        manager.respawn = false;
        await Promise.all([...manager.shards.values()].map(stopShard));
      }
      await rest.stop();
    },
    send: (chatId, reply) => rest.send(chatId, reply),
    finished: new Promise<void>(() => {}),
  };
}
