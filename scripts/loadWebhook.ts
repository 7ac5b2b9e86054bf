/**
 * The webhook load test of `npm run bench`: messages per second through Telegram webhook mode with
 * one and with two Skim processes on one PostgreSQL database, pages uncached and cached.
 *
 * This script plays Telegram and the load balancer: it POSTs updates to the processes' hooks in
 * turn (up to CONCURRENCY deliveries in flight), each message a link from a chat and user of its
 * own (so the per-user and per-chat rate limits never refuse one), and watches the replies arrive
 * at a fake Telegram Bot API. Pages are served on 127.0.0.1 after PAGE_DELAY_MS.
 *
 * - uncached: every message links a page nobody read yet;
 * - cached: the same pages were read in an untimed warm-up round (other chats); with two processes
 *   each link then goes to the process that did not read it, so it comes from the shared cache in
 *   PostgreSQL, not from the process's own memory.
 *
 * Each scenario runs PASSES times, alternated with the others; the table shows the median pass.
 * Every message must be answered exactly once in every pass (exit code 1 otherwise). Each run
 * has a schema of its own, dropped at the end. Without a reachable PostgreSQL it says so and skips.
 * Runs alone as `npm run build:scripts && node dist/scripts/loadWebhook.js`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startFakeTelegram, type FakeTelegram } from "../test/fakes/telegram.js";

const MESSAGES = 400;
/** Deliveries in flight at once, across the processes. */
const CONCURRENCY = 50;
/** Pages answer after this long, like a server somewhere else. */
const PAGE_DELAY_MS = 50;
const DEADLINE_MS = 90_000;
/** Every scenario runs this many times (alternated); the table shows the median. */
const PASSES = 3;
/** After the last expected reply: time for a duplicate to show up. */
const GRACE_MS = 500;
const SECRET = "bench-secret_0123";
const DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/test";

type Scenario = { processes: number; cached: boolean };
const SCENARIOS: Scenario[] = [
  { processes: 1, cached: false },
  { processes: 1, cached: true },
  { processes: 2, cached: false },
  { processes: 2, cached: true },
];

type Outcome = {
  scenario: Scenario;
  answered: number;
  missing: number;
  duplicates: number;
  /** Replies that were not the page's digest (a refusal, an error message). */
  wrong: number;
  refusedPosts: number;
  msgPerSecond: number;
  p50: number;
  p95: number;
  /** How long the hook took to accept a delivery (Telegram gives up on slow hooks and retries). */
  ackP95: number;
  pageFetches: number;
  /** CPU time of the Skim processes during the timed round, per message. */
  cpuMsPerMessage: number;
  peakRssMb: (number | null)[];
  stderr: string[];
  exitCodes: (number | null)[];
};

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const page = (i: number) => `<html lang="en"><head><title>Load story ${i}</title></head><body><article>${Array.from(
  { length: 6 },
  (_, k) => `<p>Paragraph ${k} of load story ${i} says what happened, where, when and why it matters to the readers of this test.</p>`,
).join("")}</article></body></html>`;

function peakRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

const CLK_TCK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time a process used so far, in ms (utime + stime), or 0 when it cannot be read. */
function cpuMs(pid: number | string | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * CLK_TCK_MS;
  } catch {
    return 0;
  }
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The database URL with `?schema=` set (kept apart from any other query parameters). */
function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("schema", schema);
  return u.href;
}

async function dropSchema(dbUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: dbUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Why PostgreSQL cannot be used, or null when it answers. */
async function unreachable(dbUrl: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: dbUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (err) {
    return err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

type Skim = { child: ChildProcess; hook: string; stderr: () => string; exited: Promise<number | null> };

function startSkim(env: Record<string, string>, port: number): Skim {
  const bin = fileURLToPath(new URL("../../bin/skim.js", import.meta.url));
  const hook = `http://127.0.0.1:${port}/telegram/hook`;
  const child = spawn(process.execPath, [bin, "run"], {
    env: {
      PATH: process.env["PATH"] ?? "",
      ...env,
      TELEGRAM_WEBHOOK_URL: hook,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      SKIM_HTTP_HOST: "127.0.0.1",
      SKIM_ALLOW_PRIVATE_HOSTS: "true",
      SKIM_LOG_LEVEL: "warn",
    },
    cwd: tmpdir(),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, hook, stderr: () => stderr, exited };
}

async function stopSkim(skim: Skim): Promise<number | null> {
  if (skim.child.exitCode === null && skim.child.signalCode === null) skim.child.kill("SIGTERM");
  const timer = setTimeout(() => skim.child.kill("SIGKILL"), 25_000);
  try {
    return await skim.exited;
  } finally {
    clearTimeout(timer);
  }
}

type Delivery = { chatId: number; update: unknown; hook: string; postedAt?: number; ackMs?: number; status?: number };

/** POSTs every delivery, at most CONCURRENCY at once; records when each started, how long the hook took to answer, and its status. */
async function deliver(deliveries: Delivery[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++]!;
      d.postedAt = Date.now();
      try {
        const res = await fetch(d.hook, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
          body: JSON.stringify(d.update),
        });
        await res.arrayBuffer();
        d.ackMs = Date.now() - d.postedAt;
        d.status = res.status;
      } catch {
        d.status = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, deliveries.length) }, worker));
}

let nextUpdateId = 600_000_001;
let nextChatId = 700_000_001;

/** One round: a message per page 0..n-1, each from a new chat, page i to process (i + shift) % K. */
function round(fake: FakeTelegram, base: string, skims: Skim[], shift: number): Delivery[] {
  return Array.from({ length: MESSAGES }, (_, i) => {
    const chatId = nextChatId++;
    const from = { id: chatId, is_bot: false, first_name: `Reader ${chatId}` };
    const built = fake.message({ chat: { id: chatId, type: "private", first_name: from.first_name }, from, text: `${base}/story/${i}` });
    return { chatId, update: { ...built, update_id: nextUpdateId++ }, hook: skims[(i + shift) % skims.length]!.hook };
  });
}

type Tally = { answered: number; missing: number; duplicates: number; wrong: number; lastAt: number; latencies: number[] };

function tally(fake: FakeTelegram, deliveries: Delivery[]): Tally {
  const byChat = new Map(deliveries.map((d) => [d.chatId, d]));
  const replies = new Map<number, { good: number; other: number; firstGoodAt: number }>();
  for (const c of fake.calls("sendMessage")) {
    const chatId = Number(c.params["chat_id"]);
    if (!byChat.has(chatId)) continue;
    const r = replies.get(chatId) ?? { good: 0, other: 0, firstGoodAt: 0 };
    if (/Load story \d+/.test(String(c.params["text"]))) {
      if (r.good++ === 0) r.firstGoodAt = c.at;
    } else r.other++;
    replies.set(chatId, r);
  }
  let answered = 0;
  let duplicates = 0;
  let wrong = 0;
  let lastAt = 0;
  const latencies: number[] = [];
  for (const [chatId, r] of replies) {
    if (r.good > 0) {
      answered++;
      lastAt = Math.max(lastAt, r.firstGoodAt);
      latencies.push(r.firstGoodAt - (byChat.get(chatId)!.postedAt ?? r.firstGoodAt));
    }
    duplicates += Math.max(0, r.good - 1) + (r.good > 0 ? r.other : 0);
    if (r.good === 0 && r.other > 0) wrong++;
  }
  return { answered, missing: deliveries.length - answered, duplicates, wrong, lastAt, latencies: latencies.sort((a, b) => a - b) };
}

async function waitForReplies(fake: FakeTelegram, deliveries: Delivery[]): Promise<Tally> {
  const start = Date.now();
  while (tally(fake, deliveries).answered < deliveries.length && Date.now() - start < DEADLINE_MS) await sleep(50);
  await sleep(GRACE_MS);
  return tally(fake, deliveries);
}

type Run = { outcome: Outcome | null; error: string | null };

/** One scenario in a schema of its own; the processes are stopped and their logs kept whatever happens. */
async function runScenario(scenario: Scenario, dbUrl: string, schema: string, pageServer: { base: string; fetches: () => number }): Promise<Run> {
  const fake = await startFakeTelegram();
  const dataDir = mkdtempSync(join(tmpdir(), "skim-bench-data-"));
  const env = { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, DATABASE_URL: withSchema(dbUrl, schema), SKIM_DATA_DIR: dataDir };
  const skims: Skim[] = [];
  let measured: Omit<Outcome, "stderr" | "exitCodes"> | null = null;
  let error: string | null = null;
  try {
    const ports = new Set<number>();
    while (ports.size < scenario.processes) ports.add(await freePort());
    for (const port of ports) skims.push(startSkim(env, port));
    const started = Date.now();
    while (fake.calls("setWebhook").length < skims.length) {
      if (skims.some((s) => s.child.exitCode !== null)) throw new Error("skim exited at start");
      if (Date.now() - started > 30_000) throw new Error("skim did not register its webhook within 30 s");
      await sleep(20);
    }
    if (scenario.cached) {
      const warm = round(fake, pageServer.base, skims, 0);
      await deliver(warm);
      const t = await waitForReplies(fake, warm);
      if (t.answered < warm.length) throw new Error(`warm-up round: ${t.answered}/${warm.length} answered`);
    }
    const fetchesBefore = pageServer.fetches();
    const cpu0 = skims.map((sk) => cpuMs(sk.child.pid));
    const timed = round(fake, pageServer.base, skims, scenario.cached ? 1 : 0);
    await deliver(timed);
    const t = await waitForReplies(fake, timed);
    const firstPost = Math.min(...timed.map((d) => d.postedAt ?? Infinity));
    const seconds = (t.lastAt - firstPost) / 1000;
    const skimCpuMs = skims.reduce((sum, sk, k) => sum + cpuMs(sk.child.pid) - cpu0[k]!, 0);
    const acks = timed.map((d) => d.ackMs ?? Infinity).sort((x, y) => x - y);
    measured = {
      scenario,
      answered: t.answered,
      missing: t.missing,
      duplicates: t.duplicates,
      wrong: t.wrong,
      refusedPosts: timed.filter((d) => d.status !== 200).length,
      msgPerSecond: t.answered > 0 && seconds > 0 ? t.answered / seconds : 0,
      p50: quantile(t.latencies, 0.5),
      p95: quantile(t.latencies, 0.95),
      ackP95: quantile(acks, 0.95),
      pageFetches: pageServer.fetches() - fetchesBefore,
      cpuMsPerMessage: skimCpuMs / MESSAGES,
      peakRssMb: skims.map((s) => peakRssMb(s.child.pid)),
    };
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const exitCodes = await Promise.all(skims.map(stopSkim));
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
  const stderr = skims.map((s) => s.stderr());
  if (error !== null) error += stderr.filter((s) => s.trim()).map((s) => `\n${s.trim()}`).join("");
  return { outcome: measured && { ...measured, stderr, exitCodes }, error };
}

const label = (s: Scenario) => `${s.processes} process${s.processes > 1 ? "es" : ""}, ${s.cached ? "cached" : "uncached"}`;

async function main(): Promise<void> {
  const dbUrl = process.env["TEST_DATABASE_URL"] || DEFAULT_DB;
  const print = (s: string) => process.stdout.write(s + "\n");
  const why = await unreachable(dbUrl);
  if (why !== null) {
    print(`\nwebhook load test skipped: PostgreSQL at ${new URL(dbUrl).host} is not reachable (${why}); set TEST_DATABASE_URL`);
    return;
  }

  let fetches = 0;
  const pages = createHttpServer((req, res) => {
    const n = Number(/\/story\/(\d+)/.exec(req.url ?? "")?.[1] ?? -1);
    fetches++;
    setTimeout(() => res.writeHead(n >= 0 ? 200 : 404, { "content-type": "text/html" }).end(n >= 0 ? page(n) : "gone"), PAGE_DELAY_MS);
  });
  await new Promise<void>((r) => pages.listen(0, "127.0.0.1", r));
  const pageServer = { base: `http://127.0.0.1:${(pages.address() as AddressInfo).port}`, fetches: () => fetches };

  // Each scenario PASSES times, alternated, so that a machine busy with something else for a while
  // weighs on all of them alike; the table shows the median pass by msg/s.
  const outcomes: Outcome[][] = SCENARIOS.map(() => []);
  let failed = false;
  try {
    for (let pass = 1; pass <= PASSES; pass++) {
      for (const [n, scenario] of SCENARIOS.entries()) {
        const schema = `skim_bench_${process.pid}_${pass}_${n}`;
        try {
          const run = await runScenario(scenario, dbUrl, schema, pageServer);
          if (run.outcome) outcomes[n]!.push(run.outcome);
          if (run.error !== null) {
            failed = true;
            process.stderr.write(`webhook load test (${label(scenario)}, pass ${pass}) failed: ${run.error}\n`);
          }
        } finally {
          await dropSchema(dbUrl, schema).catch((err: unknown) =>
            process.stderr.write(`could not drop schema ${schema}: ${err instanceof Error ? err.message : String(err)}\n`),
          );
        }
      }
    }
  } finally {
    await new Promise<void>((r) => pages.close(() => r()));
  }

  const rows = [
    `\nwebhook load test: ${MESSAGES} messages (a chat each, up to ${CONCURRENCY} deliveries in flight), pages answer in ${PAGE_DELAY_MS} ms, PostgreSQL, ${availableParallelism()} CPUs, median of ${PASSES} passes:`,
    `processes  pages     msg/s (range)    p50 ms  p95 ms  POST p95  fetches  CPU ms/msg  peak RSS per process`,
  ];
  for (const runs of outcomes) {
    if (runs.length === 0) continue;
    const sorted = [...runs].sort((x, y) => x.msgPerSecond - y.msgPerSecond);
    const o = sorted[Math.floor((sorted.length - 1) / 2)]!;
    const range = `${sorted[0]!.msgPerSecond.toFixed(0)}-${sorted.at(-1)!.msgPerSecond.toFixed(0)}`;
    // Peak memory over all passes, process by process.
    const rss = o.peakRssMb
      .map((_, k) => Math.max(...runs.map((r) => r.peakRssMb[k] ?? 0)))
      .map((m) => (m > 0 ? `${m.toFixed(0)} MB` : "n/a"))
      .join(" / ");
    rows.push(
      [
        String(o.scenario.processes).padEnd(9),
        (o.scenario.cached ? "cached" : "uncached").padEnd(8),
        `${o.msgPerSecond.toFixed(0).padStart(5)} ${`(${range})`.padEnd(9)}`,
        String(o.p50).padStart(6),
        String(o.p95).padStart(6),
        String(o.ackP95).padStart(8),
        String(o.pageFetches).padStart(7),
        o.cpuMsPerMessage.toFixed(1).padStart(10),
        rss,
      ].join("  "),
    );
  }
  rows.push(
    "msg/s: answered / (first POST to last reply); p50/p95: POST to reply; POST p95: until the hook answered; fetches: pages fetched in the timed round;",
    "CPU ms/msg: Skim's CPU time (all its processes) per message. cached: the pages were read in an untimed warm-up round; with two processes",
    "each link then goes to the process that did not read it (PostgreSQL's shared cache). The load generator, the fakes and PostgreSQL share the CPUs.",
  );
  for (const [n, runs] of outcomes.entries()) {
    for (const [pass, o] of runs.entries()) {
      const name = `${label(SCENARIOS[n]!)}, pass ${pass + 1}`;
      const problems: string[] = [];
      if (o.missing > 0) problems.push(`${o.missing} of ${MESSAGES} not answered`);
      if (o.duplicates > 0) problems.push(`${o.duplicates} duplicate replies`);
      if (o.wrong > 0) problems.push(`${o.wrong} answered with something else than the digest`);
      if (o.refusedPosts > 0) problems.push(`${o.refusedPosts} deliveries not accepted with 200`);
      const badExit = o.exitCodes.filter((c) => c !== 0);
      if (badExit.length > 0) problems.push(`skim exited with ${badExit.join(", ")}`);
      if (problems.length > 0) {
        failed = true;
        rows.push(`FAILED ${name}: ${problems.join("; ")}`);
      }
      const logLines = o.stderr.flatMap((s) => s.split("\n").filter((l) => l.trim() !== ""));
      if (logLines.length > 0) rows.push(`${name}: skim logged ${logLines.length} warning/error line(s), first: ${logLines[0]!.slice(0, 200)}`);
    }
  }
  print(rows.join("\n"));
  if (failed) process.exitCode = 1;
}

await main();
