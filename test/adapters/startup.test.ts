import { connect, createServer, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "../support/freePort.js";
import { runSkim } from "../support/runSkim.js";

const pgUrl = process.env["TEST_DATABASE_URL"] ?? "";

/** A TCP proxy of our own in front of PostgreSQL, opened late: the database "is starting". */
async function lateProxy(target: URL, port: number, afterMs: number): Promise<() => Promise<void>> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const timer = setTimeout(() => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => (client.destroy(), upstream.destroy());
      client.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
    });
    server.listen(port, "127.0.0.1");
  }, afterMs);
  return async () => {
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  };
}


describe("start-up", () => {
  it("explains a bad setting in one line", async () => {
    const r = await runSkim(["run"], { env: { DATABASE_URL: "mysql://nope" } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  });

  it.runIf(pgUrl !== "")("waits for a database that is still starting", async () => {
    const target = new URL(pgUrl);
    const port = await freePort();
    const close = await lateProxy(target, port, 1_500);
    try {
      const url = new URL(pgUrl);
      url.port = String(port);
      url.hostname = "127.0.0.1";
      url.searchParams.set("schema", `skim_start_${process.pid}`);
      const r = await runSkim(["run"], { input: "/help\n", env: { DATABASE_URL: url.href, SKIM_LOG_LEVEL: "warn" } });
      expect(r.stderr).toMatch(/database unreachable .*retrying/);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("/summary <link>");
    } finally {
      await close();
      const pg = await import("pg");
      const db = new pg.default.Client({ connectionString: pgUrl });
      await db.connect();
      await db.query(`DROP SCHEMA IF EXISTS skim_start_${process.pid} CASCADE`);
      await db.end();
    }
  });
});
