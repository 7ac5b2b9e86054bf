import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig, variables } from "../../config/index.js";

const root = join(import.meta.dirname, "../..");

describe("configuration", () => {
  it("has safe defaults: private hosts refused, bounded fetches", () => {
    const c = parseConfig({});
    expect(c.fetch.allowPrivateHosts).toBe(false);
    expect(c.fetch.maxRedirects).toBe(5);
    expect(c.fetch.maxBytes).toBeGreaterThan(0);
    expect(c.fetch.totalTimeoutMs).toBeGreaterThanOrEqual(c.fetch.headersTimeoutMs);
    expect(c.logLevel).toBe("info");
  });

  it("parses values", () => {
    const c = parseConfig({ SKIM_ALLOW_PRIVATE_HOSTS: "true", SKIM_FETCH_MAX_BYTES: "2_000_000", SKIM_LOG_LEVEL: "DEBUG" });
    expect(c.fetch.allowPrivateHosts).toBe(true);
    expect(c.fetch.maxBytes).toBe(2_000_000);
    expect(c.logLevel).toBe("debug");
  });

  it.each([
    ["SKIM_ALLOW_PRIVATE_HOSTS", "maybe"],
    ["SKIM_FETCH_TIMEOUT_MS", "soon"],
    ["SKIM_FETCH_TIMEOUT_MS", "-5"],
    ["SKIM_FETCH_MAX_REDIRECTS", "9"],
    ["SKIM_LOG_LEVEL", "loud"],
    ["SKIM_USER_AGENT", ""],
    ["SKIM_LOG_FORMAT", "xml"],
    ["DISCORD_SHARDS", "0"],
    ["DISCORD_SHARDS", "many"],
  ])("refuses malformed %s=%j with a message naming it", (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });

  it("reads Discord sharding: the operator's DISCORD_SHARDS, and a shard process's own variables", () => {
    const discord = { DISCORD_TOKEN: "t0ken-value", DISCORD_APPLICATION_ID: "1288493729183498240" };
    expect(parseConfig(discord).discord).toMatchObject({ shards: null, shardProcess: null });
    expect(parseConfig({ ...discord, DISCORD_SHARDS: "auto" }).discord?.shards).toBe("auto");
    expect(parseConfig({ ...discord, DISCORD_SHARDS: "4" }).discord?.shards).toBe(4);
    // What discord.js's ShardingManager gives the process it starts for shard 1 of 4: it must not shard again.
    const child = parseConfig({ ...discord, DISCORD_SHARDS: "auto", SHARDING_MANAGER: "true", SHARDING_MANAGER_MODE: "process", SHARDS: "1", SHARD_COUNT: "4" });
    expect(child.discord).toMatchObject({ shards: null, shardProcess: { ids: [1], count: 4 } });
    expect(parseConfig({ ...discord, SHARDING_MANAGER: "true", SHARDING_MANAGER_MODE: "process", SHARDS: "7", SHARD_COUNT: "4" }).discord?.shardProcess).toBeNull();
  });

  it("refuses unknown SKIM_ variables (typos) but ignores the rest of the environment", () => {
    expect(() => parseConfig({ SKIM_ALLOW_PRIVATE_HOST: "true" })).toThrow(/^SKIM_ALLOW_PRIVATE_HOST: unknown variable/);
    expect(() => parseConfig({ PATH: "/usr/bin", HOME: "/root" })).not.toThrow();
  });

  it("reads a .env file, with the real environment winning", () => {
    const dir = mkdtempSync(join(tmpdir(), "skim-config-"));
    const path = join(dir, ".env");
    writeFileSync(path, "SKIM_FETCH_MAX_BYTES=123456\nSKIM_LOG_LEVEL=warn\n");
    const c = loadConfig({ env: { SKIM_LOG_LEVEL: "error" }, dotenvPath: path });
    expect(c.fetch.maxBytes).toBe(123456);
    expect(c.logLevel).toBe("error");
    writeFileSync(path, "SKIM_FETCH_MAX_BYTES=lots\n");
    expect(() => loadConfig({ env: {}, dotenvPath: path })).toThrow(/^SKIM_FETCH_MAX_BYTES: /);
  });

  it("documents every variable in .env.example, with a value that parses", () => {
    const example = readFileSync(join(root, ".env.example"), "utf8");
    const env: Record<string, string> = {};
    for (const m of example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=(.*)$/gm)) env[m[1]!] = m[2]!;
    expect(Object.keys(env).sort()).toEqual(Object.keys(variables).sort());
    expect(() => parseConfig(env)).not.toThrow();
  });
});
