import type { AdapterName, Config } from "../../config/index.js";
import { createRuntime, type Adapter, type Core } from "../core.js";
import type { Logger } from "../log.js";
import { startOpsServer, type OpsServer } from "../http/server.js";
import { createPrometheusMetrics } from "../observe/metrics.js";
import { fail, ok, type Result } from "../result.js";

export type Role = "all" | "bot" | "scheduler";
export type RunArgs = { role: Role };

export const RUN_USAGE = `usage: skim run [--role all|bot|scheduler]
  Runs the bot: the adapters whose tokens are set (TELEGRAM_BOT_TOKEN, DISCORD_TOKEN), else a console chat
  on stdin/stdout. SKIM_ADAPTERS=console,telegram,discord chooses explicitly.
  --role bot        answer chats only; --role scheduler: send daily digests only (no chat updates taken);
  --role all        both (the default).`;

export function parseRunArgs(argv: readonly string[]): Result<RunArgs, string> {
  let role: Role = "all";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = a === "--role" ? argv[++i] : a.startsWith("--role=") ? a.slice(7) : null;
    if (value === null) return fail(`unknown argument ${a}`);
    if (value !== "all" && value !== "bot" && value !== "scheduler") return fail(`--role: expected all, bot or scheduler`);
    role = value;
  }
  return ok({ role });
}

/** Opening the database: attempts and backoff while it may still be starting (about a minute in all). */
const DB_ATTEMPTS = 8;
const DB_FIRST_DELAY_MS = 500;
const DB_MAX_DELAY_MS = 15_000;
const PASSING_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "57P03" /* cannot connect now: starting up */]);

function isPassing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && PASSING_CODES.has(code)) return true;
  return err instanceof Error && /Connection terminated|timeout exceeded when trying to connect/i.test(err.message);
}

/** How long a graceful stop may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 20_000;

export function chooseAdapters(config: Config): AdapterName[] {
  if (config.discord?.shardProcess) return ["discord"];
  if (config.adapters) return config.adapters;
  const platforms: AdapterName[] = [];
  if (config.telegram) platforms.push("telegram");
  if (config.discord) platforms.push("discord");
  return platforms.length > 0 ? platforms : ["console"];
}

/** `receive: false` makes an adapter send-only: another process takes the chat updates. */
async function createAdapter(name: AdapterName, core: Core, config: Config, receive: boolean, http: OpsServer | null): Promise<Adapter> {
  switch (name) {
    case "console": {
      const { createConsoleAdapter } = await import("../../adapters/console/index.js");
      return createConsoleAdapter(core, { input: process.stdin, output: process.stdout, interactive: process.stdin.isTTY === true, receive });
    }
    case "telegram": {
      if (!config.telegram) throw new Error("TELEGRAM_BOT_TOKEN is not set");
      const { createTelegramAdapter } = await import("../../adapters/telegram/index.js");
      return createTelegramAdapter(core, { ...config.telegram, receive }, http ?? undefined);
    }
    case "discord": {
      const discord = config.discord;
      if (!discord) throw new Error("DISCORD_TOKEN and DISCORD_APPLICATION_ID are not set");
      if (discord.shards !== null && receive) {
        const { createShardedDiscordAdapter } = await import("../../adapters/discord/shards.js");
        return createShardedDiscordAdapter(core, { ...discord, shards: discord.shards });
      }
      const { createDiscordAdapter } = await import("../../adapters/discord/index.js");
      // A shard process: the process that started it registered the commands.
      return createDiscordAdapter(core, { ...discord, receive, registerCommands: discord.shardProcess === null });
    }
  }
}

/**
 * Starts the chosen adapters on one core. With a platform adapter the process stays up until
 * SIGINT or SIGTERM, whatever stdin does; a console alone ends with its input.
 */
export async function runBot(runArgs: RunArgs, runDeps: { config: Config; log: Logger }): Promise<number> {
  const shard = runDeps.config.discord?.shardProcess ?? null;
  if (!shard) return runProcess(runArgs, runDeps);
  // A Discord shard process: its gateway connection and nothing else. Its parent serves HTTP, runs
  // the scheduler and decides when it stops: a Ctrl-C in the terminal reaches the whole process
  // group, and the parent then stops each shard itself.
  process.on("SIGINT", () => {});
  // The parent is gone (killed, crashed): stop as if it had asked.
  const orphaned = () => process.kill(process.pid, "SIGTERM");
  process.once("disconnect", orphaned);
  const code = await runProcess({ role: "bot" }, { config: { ...runDeps.config, http: null }, log: runDeps.log }, ["SIGTERM"]);
  // The IPC channel to the parent would keep this process alive.
  process.off("disconnect", orphaned);
  if (process.connected) process.disconnect();
  return code;
}

async function runProcess(args: RunArgs, deps: { config: Config; log: Logger }, signals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): Promise<number> {
  const names = chooseAdapters(deps.config);
  // Metrics are kept only when someone can read them: the HTTP server runs only when PORT is set.
  const metrics = deps.config.http ? await createPrometheusMetrics() : undefined;
  let core;
  for (let attempt = 1; ; attempt++) {
    try {
      core = await createRuntime(deps.config, deps.log, metrics ? { metrics } : {});
      break;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // A database that is still starting (or restarting) refuses connections for a while: wait for it.
      if (isPassing(err) && attempt < DB_ATTEMPTS) {
        const delay = Math.min(DB_MAX_DELAY_MS, DB_FIRST_DELAY_MS * 2 ** (attempt - 1));
        deps.log.warn(`database unreachable (${message}); retrying in ${delay / 1000} s`);
        await new Promise((r) => setTimeout(r, delay));
        continue;
      }
      deps.log.error(`could not open the database: ${message}`);
      return 1;
    }
  }
  let ops: OpsServer | null = null;
  const started = new Set<string>();
  if (deps.config.http && metrics) {
    const runtime = core;
    try {
      ops = await startOpsServer(deps.config.http.port, deps.config.http.host, {
        metrics,
        ready: async () => ({
          database: await runtime.store.cacheGet("readyz", Date.now()).then(() => true, () => false),
          adapters: names.every((n) => started.has(n)),
        }),
      });
      deps.log.info(`HTTP server listening on http://${deps.config.http.host}:${ops.port} (/healthz, /readyz, /metrics)`);
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      deps.log.error(
        code === "EADDRINUSE"
          ? `port ${deps.config.http.port} is already in use (another Skim, or another server): set PORT to a free port`
          : code === "EACCES"
            ? `port ${deps.config.http.port} needs privileges this process lacks: use a port above 1023`
            : `could not start the HTTP server on port ${deps.config.http.port}: ${err instanceof Error ? err.message : String(err)}`,
      );
      await core.close();
      return 1;
    }
  }
  const adapters: Adapter[] = [];
  try {
    for (const name of names) {
      const adapter = await createAdapter(name, core, deps.config, args.role !== "scheduler", ops);
      await adapter.start();
      adapters.push(adapter);
      started.add(name);
      deps.log.debug(`${name} adapter started`);
    }
  } catch (err) {
    deps.log.error(`could not start: ${err instanceof Error ? err.message : String(err)}`);
    await Promise.allSettled(adapters.map((a) => a.stop()));
    await ops?.close();
    await core.close();
    return 1;
  }
  const scheduler = core.scheduler(new Map(adapters.map((a) => [a.name, a])));
  if (args.role !== "bot") scheduler.start();
  const platforms = adapters.filter((a) => a.name !== "console");
  const signalled = new Promise<string>((resolve) => {
    for (const signal of signals) process.once(signal, () => resolve(signal));
  });
  if (platforms.length === 0 && args.role !== "scheduler") {
    await Promise.race([Promise.all(adapters.map((a) => a.finished)), signalled]);
  } else {
    const signal = await signalled;
    deps.log.info(`${signal}: stopping (a second signal exits at once)`);
  }
  // Stop taking new work, let what is in flight finish, close the database — within a deadline.
  for (const s of signals) {
    process.once(s, () => {
      deps.log.warn(`${s} again: exiting now`);
      process.exit(130);
    });
  }
  setTimeout(() => {
    deps.log.error(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS / 1000} s: exiting`);
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  await scheduler.stop();
  await Promise.allSettled(adapters.map((a) => a.stop()));
  await ops?.close();
  await core.close();
  return 0;
}
