import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger, scrubber } from "../../src/log.js";
import { createJsonLogger } from "../../src/observe/logs.js";
import { withRequest } from "../../src/observe/request.js";

describe("scrubber", () => {
  it("hides configured secrets and Telegram tokens quoted in URLs, and nothing else", () => {
    const scrub = scrubber(["discord.secret.token-value", "hunter22", null, "x"]);
    expect(scrub("GET https://api.telegram.org/bot7000000001:AAFakeTokenForSkimTestsOnly_0123456789/getMe failed")).toBe(
      "GET https://api.telegram.org/bot[secret]/getMe failed",
    );
    expect(scrub("login with discord.secret.token-value and hunter22 refused")).toBe("login with [secret] and [secret] refused");
    // Too short to be a secret: a one-letter "secret" must not blank every x.
    expect(scrub("x marks the spot at 12:30")).toBe("x marks the spot at 12:30");
  });

  it("applies to text lines and their fields", () => {
    const out: string[] = [];
    createLogger("info", (l) => out.push(l), scrubber(["hunter22"])).warn("auth hunter22", { detail: "hunter22" });
    expect(out).toEqual(["skim warn: auth [secret] detail=[secret]\n"]);
  });
});

describe("JSON logger", () => {
  it("writes one object per line, with the request id inside a request scope only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skim-log-"));
    const file = join(dir, "log");
    const fd = openSync(file, "w");
    const log = createJsonLogger("info", scrubber(["hunter22"]), fd);
    log.debug("not at this level");
    log.info("outside");
    await withRequest("abc123abc123", async () => {
      await new Promise((r) => setTimeout(r, 1));
      log.warn("inside hunter22", { ms: 5 });
    });
    closeSync(fd);
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: "info", msg: "outside" });
    expect(lines[0]).not.toHaveProperty("req");
    expect(lines[1]).toMatchObject({ level: "warn", msg: "inside [secret]", req: "abc123abc123", ms: 5 });
  });
});
