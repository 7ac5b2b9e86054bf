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
