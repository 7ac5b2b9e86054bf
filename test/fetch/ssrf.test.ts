import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGuardedAgent } from "../../src/fetch/connector.js";
import { BlockedAddressError, checkAddress, ipLiteral, isPublicAddress, parseTarget } from "../../src/fetch/guard.js";
import { fetchPage, type FetchResult, type LookupFn } from "../../src/fetch/index.js";
import { fetchOptions } from "../support/fetchOptions.js";
import { startPageServer, type PageServer } from "../support/pageServer.js";

/**
 * Server-side request forgery: with allowPrivateHosts off, no spelling of a private address may
 * be connected to. The target server listens on every local address (`::`, dual-stack), so a
 * wrongly allowed request would really arrive; each test then proves nothing did.
 */

let target: PageServer;
beforeAll(async () => {
  target = await startPageServer({ host: "::" });
  target.route("/", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("internal secret"));
  target.route("/latest/meta-data/", (_req, res) =>
    res.writeHead(200, { "content-type": "text/plain" }).end("iam/credentials"),
  );
});
afterAll(async () => {
  await target.close();
});

let requestsBefore = 0;
beforeEach(() => {
  requestsBefore = target.requests.length;
});
const nothingArrived = () => expect(target.requests.length).toBe(requestsBefore);

const strict = (overrides: Parameters<typeof fetchOptions>[1] = {}) =>
  fetchOptions(false, { connectTimeoutMs: 300, ...overrides });

function blocked(result: FetchResult) {
  if (result.ok) throw new Error(`fetched ${result.value.url}: the request should have been refused`);
  expect(result.reason.kind).toBe("blocked-address");
  return result.reason;
}

/** `host` spellings that all reach this machine (and so the target server) when allowed. */
const LOCAL_SPELLINGS = [
  "127.0.0.1",
  "2130706433",
  "0x7f000001",
  "0177.0.0.1",
  "127.1",
  "127.0.0.2",
  "[::1]",
  "[::ffff:127.0.0.1]",
  "[::ffff:7f00:1]",
  "0.0.0.0",
  "localhost",
];

describe("the local spellings are live (so refusing them below means something)", () => {
  it.each(LOCAL_SPELLINGS)("http://%s:PORT/ reaches the server when private hosts are allowed", async (host) => {
    const result = await fetchPage(`http://${host}:${target.port}/`, fetchOptions(true));
    expect(result.ok && result.value.body).toBe("internal secret");
    expect(target.requests.length).toBe(requestsBefore + 1);
  });
});

describe("IP literals and local names are refused before connecting", () => {
  it.each(LOCAL_SPELLINGS.filter((h) => h !== "localhost"))("refuses http://%s:PORT/", async (host) => {
    const reason = blocked(await fetchPage(`http://${host}:${target.port}/`, strict()));
    expect(isPublicAddress(reason.kind === "blocked-address" ? reason.address : "")).toBe(false);
    nothingArrived();
  });

  it.each(["http://127.0.0.1/", "http://2130706433/", "http://[::1]/", "http://0.0.0.0/"])(
    "refuses %s on the default port",
    async (url) => {
      blocked(await fetchPage(url, strict()));
    },
  );

  // Addresses off this machine are judged by the very function the connector's literal gate calls
  // (proven end to end by the loopback spellings above), never by a real connection attempt:
  // a regression must not send a packet to an intranet or a metadata service from a test run.
  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00::1]/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://100.64.0.1/",
    "http://10.0.0.1/",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://224.0.0.1/",
    "http://[fe80::1]/",
    "http://[::]/",
    "https://10.0.0.1/",
    "http://[64:ff9b::a00:1]/",
  ])("refuses %s at the literal gate", (url) => {
    const target = parseTarget(url);
    if (!target.ok) throw new Error(`${url} should parse`);
    const ip = ipLiteral(target.value.hostname);
    expect(ip).toBeDefined();
    expect(checkAddress(target.value.hostname, ip!, isPublicAddress)).toBeInstanceOf(BlockedAddressError);
  });

  it("names the address it refused", async () => {
    expect(blocked(await fetchPage(`http://0x7f000001:${target.port}/`, strict()))).toEqual({
      kind: "blocked-address",
      host: "127.0.0.1",
      address: "127.0.0.1",
    });
  });

  it("refuses localhost, which resolves to loopback through /etc/hosts", async () => {
    const reason = blocked(await fetchPage(`http://localhost:${target.port}/`, strict()));
    expect(reason).toMatchObject({ host: "localhost" });
    nothingArrived();
  });

  it("still refuses non-http schemes when private hosts are allowed", async () => {
    const result = await fetchPage("file:///etc/passwd", fetchOptions(true));
    expect(result.ok ? "fetched" : result.reason.kind).toBe("invalid-url");
  });
});

describe("names resolving to private addresses", () => {
  const resolvesTo =
    (...addresses: string[]): LookupFn =>
    (_hostname, _options, callback) =>
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
      );

  it("refuses a name resolving to 127.0.0.1", async () => {
    const reason = blocked(
      await fetchPage(`http://evil.test:${target.port}/`, strict({ lookup: resolvesTo("127.0.0.1") })),
    );
    expect(reason).toEqual({ kind: "blocked-address", host: "evil.test", address: "127.0.0.1" });
    nothingArrived();
  });

  it("the same name is fetched when private hosts are allowed (the lookup is really used)", async () => {
    const result = await fetchPage(
      `http://evil.test:${target.port}/`,
      fetchOptions(true, { lookup: resolvesTo("127.0.0.1") }),
    );
    expect(result.ok && result.value.body).toBe("internal secret");
  });

  // The unsafe address comes first so that, were the check ever lost, the connection would go
  // to this machine rather than out to the public address.
  it.each([
    ["127.0.0.1", "8.8.8.8"],
    ["::1", "2606:4700::1111"],
    ["::ffff:127.0.0.1", "1.1.1.1"],
  ])("refuses a name resolving to [%s, %s]: any unsafe address refuses the name", async (...addresses) => {
    const reason = blocked(
      await fetchPage(`http://mixed.test:${target.port}/`, strict({ lookup: resolvesTo(...addresses) })),
    );
    expect(reason).toMatchObject({ host: "mixed.test" });
    if (reason.kind === "blocked-address") expect(isPublicAddress(reason.address)).toBe(false);
    nothingArrived();
  });

  it("refuses [allowed, refused]: every address is checked, not just the first", async () => {
    // "Public" is played by 127.0.0.1 (admitted by the policy) so a regression stays on this machine.
    const reason = blocked(
      await fetchPage(
        `http://mixed.test:${target.port}/`,
        strict({ lookup: resolvesTo("127.0.0.1", "127.0.0.2"), addressPolicy: (ip) => ip === "127.0.0.1" }),
      ),
    );
    expect(reason).toEqual({ kind: "blocked-address", host: "mixed.test", address: "127.0.0.2" });
    nothingArrived();
  });
});

describe("redirects are re-checked on every hop", () => {
  // The public side: only 127.0.0.1 is admitted by the policy below. The internal side listens
  // on 127.0.0.2, which the policy refuses, standing in for an intranet or metadata service.
  let front: PageServer;
  let internal: PageServer;
  const onlyFront = (ip: string) => ip === "127.0.0.1";
  const names: LookupFn = (hostname, _options, callback) => {
    const address = hostname === "public.test" ? "127.0.0.1" : hostname === "internal.test" ? "127.0.0.2" : undefined;
    if (address === undefined) callback(Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" }), []);
    else callback(null, [{ address, family: 4 }]);
  };

  beforeAll(async () => {
    front = await startPageServer({ host: "127.0.0.1" });
    internal = await startPageServer({ host: "127.0.0.2" });
    internal.route("/secret", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("secret"));
    front.route("/ok", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("public page"));
    front.route("/hop-to-public", (_req, res) => res.writeHead(302, { location: "/ok" }).end());
    front.route("/to-literal", (_req, res) =>
      res.writeHead(302, { location: `http://127.0.0.2:${internal.port}/secret` }).end(),
    );
    front.route("/to-name", (_req, res) =>
      res.writeHead(301, { location: `http://internal.test:${internal.port}/secret` }).end(),
    );
    front.route("/to-ipv6-loopback", (_req, res) =>
      res.writeHead(307, { location: `http://[::1]:${target.port}/` }).end(),
    );
    front.route("/via-public-then-internal", (_req, res) => res.writeHead(302, { location: "/to-literal" }).end());
  });
  afterAll(async () => {
    await front.close();
    await internal.close();
  });

  it("the policy admits the front server, and the internal one is live", async () => {
    const ok = await fetchPage(`http://public.test:${front.port}/hop-to-public`, strict({ addressPolicy: onlyFront, lookup: names }));
    expect(ok.ok && ok.value.body).toBe("public page");
    const open = await fetchPage(`http://public.test:${front.port}/to-literal`, fetchOptions(true, { lookup: names }));
    expect(open.ok && open.value.body).toBe("secret");
    expect(internal.requestsTo("/secret")).toHaveLength(1);
  });

  it.each([
    ["an IP literal", "/to-literal", "127.0.0.2"],
    ["a name resolving to it", "/to-name", "127.0.0.2"],
    ["an allowed hop first", "/via-public-then-internal", "127.0.0.2"],
    ["IPv6 loopback", "/to-ipv6-loopback", "::1"],
  ])("refuses a redirect to an internal address via %s", async (_label, path, address) => {
    const internalBefore = internal.requests.length;
    const reason = blocked(
      await fetchPage(`http://public.test:${front.port}${path}`, strict({ addressPolicy: onlyFront, lookup: names })),
    );
    expect(reason).toMatchObject({ address });
    // The first hop did reach the front server; nothing reached the internal ones.
    expect(front.requestsTo(path)).not.toHaveLength(0);
    expect(internal.requests.length).toBe(internalBefore);
    nothingArrived();
  });

  it("refuses a redirect to an oddly spelled loopback address under the default policy", async () => {
    front.route("/to-metadata", (_req, res) =>
      res.writeHead(302, { location: `http://0x7f000002:${internal.port}/secret` }).end(),
    );
    const reason = blocked(
      await fetchPage(
        `http://public.test:${front.port}/to-metadata`,
        strict({ addressPolicy: (ip) => ip === "127.0.0.1" || isPublicAddress(ip), lookup: names }),
      ),
    );
    expect(reason).toEqual({ kind: "blocked-address", host: "127.0.0.2", address: "127.0.0.2" });
  });
});

describe("the connector enforces the policy on its own", () => {
  // fetchPage also pre-checks literals; these go straight to the agent to prove the connect-time gate.
  const agentFor = (lookup?: LookupFn) =>
    createGuardedAgent({
      allowPrivateHosts: false,
      policy: isPublicAddress,
      connectTimeoutMs: 300,
      headersTimeoutMs: 300,
      bodyTimeoutMs: 300,
      ...(lookup ? { lookup } : {}),
    });

  it.each(["127.0.0.1", "[::1]", "[::ffff:7f00:1]", "0.0.0.0"])("refuses the literal %s", async (host) => {
    const agent = agentFor();
    try {
      const error = await agent
        .request({ origin: `http://${host}:${target.port}`, path: "/", method: "GET" })
        .then(() => null, (err: unknown) => err);
      expect(error).toBeInstanceOf(BlockedAddressError);
      nothingArrived();
    } finally {
      await agent.destroy();
    }
  });

  it("refuses in the socket's own lookup", async () => {
    let lookups = 0;
    const agent = agentFor((_h, _o, callback) => {
      lookups++;
      callback(null, [{ address: "127.0.0.1", family: 4 }]);
    });
    try {
      const error = await agent
        .request({ origin: `http://rebind.test:${target.port}`, path: "/", method: "GET" })
        .then(() => null, (err: unknown) => err);
      expect(error).toBeInstanceOf(BlockedAddressError);
      expect(lookups).toBe(1);
      nothingArrived();
    } finally {
      await agent.destroy();
    }
  });
});
