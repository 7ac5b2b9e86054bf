import { describe, expect, it } from "vitest";
import { freePort } from "../support/freePort.js";
import { runSkim } from "../support/runSkim.js";
import { tcpProxy, throughProxy } from "../support/tcpProxy.js";

const pgUrl = process.env["TEST_DATABASE_URL"] ?? "";

describe("start-up", () => {
  it("explains a bad setting in one line", async () => {
    const r = await runSkim(["run"], { env: { DATABASE_URL: "mysql://nope" } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  });

  it("explains a port in use in one line, and exits 1", async () => {
    const { createServer } = await import("node:net");
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    try {
      const port = (taken.address() as { port: number }).port;
      const r = await runSkim(["run"], { input: "/help\n", env: { PORT: String(port), SKIM_HTTP_HOST: "127.0.0.1", SKIM_LOG_FORMAT: "text" } });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toEqual([`skim error: port ${port} is already in use (another Skim, or another server): set PORT to a free port`]);
      expect(r.stdout).toBe("");
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it.runIf(pgUrl !== "")("waits for a database that is still starting", async () => {
    const target = new URL(pgUrl);
    // The database "is starting": its port answers only after a while.
    const proxy = tcpProxy({ host: target.hostname, port: Number(target.port || 5432) }, await freePort());
    const late = setTimeout(() => void proxy.open(), 1_500);
    try {
      const url = throughProxy(pgUrl, proxy, `skim_start_${process.pid}`);
      const r = await runSkim(["run"], { input: "/help\n", env: { DATABASE_URL: url, SKIM_LOG_LEVEL: "warn" } });
      expect(r.stderr).toMatch(/database unreachable .*retrying/);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("/summary <link>");
    } finally {
      clearTimeout(late);
      await proxy.cut();
      const pg = await import("pg");
      const db = new pg.default.Client({ connectionString: pgUrl });
      await db.connect();
      await db.query(`DROP SCHEMA IF EXISTS skim_start_${process.pid} CASCADE`);
      await db.end();
    }
  });
});
