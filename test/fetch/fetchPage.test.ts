import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchPage, type FetchResult, type LookupFn } from "../../src/fetch/index.js";
import { encoded, WORDS } from "../support/charsets.js";
import { fetchOptions } from "../support/fetchOptions.js";
import { drip, startPageServer, type PageServer } from "../support/pageServer.js";

// Every test here serves pages from 127.0.0.1, so all use the documented opt-in.
const local = (overrides: Parameters<typeof fetchOptions>[1] = {}) => fetchOptions(true, overrides);

const HTML = "<!doctype html><html><head><title>Hello</title></head><body><p>Bonjour, naïve café ✓</p></body></html>";

let server: PageServer;
beforeAll(async () => {
  server = await startPageServer();
});
afterAll(async () => {
  await server.close();
});

function expectFailure(result: FetchResult) {
  expect(result.ok).toBe(false);
  return result.ok ? undefined : result.reason;
}

function expectPage(result: FetchResult) {
  if (!result.ok) throw new Error(`expected a page, got ${JSON.stringify(result.reason)}`);
  return result.value;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work;
  return { value, ms: performance.now() - start };
}

describe("serving pages", () => {
  it("fetches a UTF-8 HTML page with its metadata", async () => {
    server.route("/page", (_req, res) => {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        etag: '"v1"',
        "last-modified": "Wed, 01 Jan 2025 00:00:00 GMT",
      });
      res.end(HTML);
    });
    const page = expectPage(await fetchPage(server.url("/page"), local()));
    expect(page).toMatchObject({
      requestedUrl: server.url("/page"),
      url: server.url("/page"),
      status: 200,
      contentType: "text/html",
      kind: "html",
      charset: "utf-8",
      body: HTML,
      bytes: Buffer.byteLength(HTML),
      redirects: [],
      etag: '"v1"',
      lastModified: "Wed, 01 Jan 2025 00:00:00 GMT",
    });
    expect(page.notModified).toBeUndefined();
  });

  it("sends the configured User-Agent, a matching Accept and Accept-Encoding, and nothing else of ours", async () => {
    server.route("/headers", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
    await fetchPage(server.url("/headers"), local({ userAgent: "SkimTest/1.0" }));
    const sent = server.requestsTo("/headers")[0]?.headers;
    expect(sent?.["user-agent"]).toBe("SkimTest/1.0");
    expect(sent?.["accept"]).toContain("text/html");
    expect(sent?.["accept"]).toContain("text/plain");
    expect(sent?.["accept"]).not.toContain("rss");
    expect(sent?.["accept-encoding"]).toBe("gzip, deflate, br");
    expect(sent?.cookie).toBeUndefined();
    expect(sent?.authorization).toBeUndefined();

    await fetchPage(server.url("/headers"), local({ accept: ["feed"] }));
    expect(server.requestsTo("/headers")[1]?.headers.accept).toContain("application/rss+xml");
  });

  it("fetches plain text", async () => {
    server.route("/plain", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("just text\n"));
    const page = expectPage(await fetchPage(server.url("/plain"), local()));
    expect(page).toMatchObject({ kind: "text", contentType: "text/plain", body: "just text\n", charset: "utf-8" });
  });

  it("sniffs HTML when no Content-Type is sent, and refuses other untyped bodies", async () => {
    server.route("/untyped-html", (_req, res) => {
      res.removeHeader("content-type");
      res.end("\n  <!DOCTYPE html><html><body>untyped</body></html>");
    });
    server.route("/untyped-binary", (_req, res) => res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2])));
    const page = expectPage(await fetchPage(server.url("/untyped-html"), local()));
    expect(page).toMatchObject({ kind: "html", contentType: "text/html" });
    expect(page.body).toContain("untyped");
    expect(expectFailure(await fetchPage(server.url("/untyped-binary"), local()))).toEqual({
      kind: "unsupported-type",
      contentType: "(none)",
    });
  });

  it("keeps no cookies between hops", async () => {
    server.route("/cookie-set", (_req, res) =>
      res.writeHead(302, { "set-cookie": "session=abc; Path=/", location: "/cookie-check" }).end(),
    );
    server.route("/cookie-check", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
    expectPage(await fetchPage(server.url("/cookie-set"), local()));
    expect(server.requestsTo("/cookie-check")[0]?.headers.cookie).toBeUndefined();
  });

  it("sends conditional headers and reports a 304 as not modified", async () => {
    server.route("/conditional", (req, res) => {
      if (req.headers["if-none-match"] === '"v7"') res.writeHead(304, { etag: '"v7"' }).end();
      else res.writeHead(200, { "content-type": "text/html", etag: '"v7"' }).end(HTML);
    });
    const page = expectPage(
      await fetchPage(
        server.url("/conditional"),
        local({ ifNoneMatch: '"v7"', ifModifiedSince: "Wed, 01 Jan 2025 00:00:00 GMT" }),
      ),
    );
    expect(page).toMatchObject({ status: 304, notModified: true, body: "", bytes: 0, etag: '"v7"' });
    const sent = server.requestsTo("/conditional")[0]?.headers;
    expect(sent?.["if-modified-since"]).toBe("Wed, 01 Jan 2025 00:00:00 GMT");
  });
});

describe("redirects", () => {
  beforeAll(() => {
    server.route("/hop0", (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(HTML));
    for (let i = 1; i <= 6; i++) {
      server.route(`/hop${i}`, (_req, res) => res.writeHead(302, { location: `/hop${i - 1}` }).end());
    }
  });

  it("follows 3 hops and lists them", async () => {
    const page = expectPage(await fetchPage(server.url("/hop3"), local()));
    expect(page.redirects).toEqual([server.url("/hop2"), server.url("/hop1"), server.url("/hop0")]);
    expect(page.url).toBe(server.url("/hop0"));
    expect(page.requestedUrl).toBe(server.url("/hop3"));
    expect(page.body).toBe(HTML);
  });

  it("refuses a 6th hop when maxRedirects is 5, without requesting it", async () => {
    const before = server.requestsTo("/hop0").length;
    const reason = expectFailure(await fetchPage(server.url("/hop6"), local({ maxRedirects: 5 })));
    expect(reason).toEqual({ kind: "too-many-redirects", limit: 5 });
    expect(server.requestsTo("/hop0").length).toBe(before);
  });

  it("follows no redirect at all when maxRedirects is 0", async () => {
    const reason = expectFailure(await fetchPage(server.url("/hop1"), local({ maxRedirects: 0 })));
    expect(reason).toEqual({ kind: "too-many-redirects", limit: 0 });
  });

  it.each([301, 303, 307, 308])("follows a %i", async (status) => {
    server.route(`/status${status}`, (_req, res) => res.writeHead(status, { location: "/hop0" }).end());
    const page = expectPage(await fetchPage(server.url(`/status${status}`), local()));
    expect(page.redirects).toEqual([server.url("/hop0")]);
  });

  it("resolves a relative Location against the current URL", async () => {
    server.route("/dir/sub/start", (_req, res) => res.writeHead(302, { location: "../target?x=1" }).end());
    server.route("/dir/target", (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("target"));
    const page = expectPage(await fetchPage(server.url("/dir/sub/start"), local()));
    expect(page.url).toBe(server.url("/dir/target?x=1"));
    expect(page.body).toBe("target");
  });

  it.each(["ftp://example.com/file", "file:///etc/passwd", "javascript:alert(1)", "http://user:pw@example.com/"])(
    "refuses a redirect to %s",
    async (location) => {
      server.route("/bad-redirect", (_req, res) => res.writeHead(302, { location }).end());
      const reason = expectFailure(await fetchPage(server.url("/bad-redirect"), local()));
      expect(reason?.kind).toBe("invalid-url");
    },
  );

  it("treats a redirect status without Location as an HTTP failure", async () => {
    server.route("/no-location", (_req, res) => res.writeHead(302).end());
    expect(expectFailure(await fetchPage(server.url("/no-location"), local()))).toEqual({
      kind: "http-status",
      status: 302,
    });
  });
});

// Each waits on a clock, so they run side by side. undici checks its connect, headers and body
// timers on a ~0.5 s tick, hence the loose upper bounds.
describe.concurrent("timeouts", () => {
  beforeAll(() => {
    server.route("/stall-headers", () => {
      /* never answers */
    });
    server.route("/stall-body", (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.write("<html><body>first part");
    });
    server.route("/stall-gzip", (_req, res) => {
      res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" });
      res.write(gzipSync(Buffer.from(HTML.repeat(100))).subarray(0, 40));
    });
    server.route("/drip", (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      drip(res, Array.from({ length: 100 }, () => "<p>x</p>"), 50);
    });
    server.route("/slow-hop", (_req, res) => {
      setTimeout(() => res.writeHead(302, { location: "/stall-headers" }).end(), 200);
    });
  });

  it("times out waiting for headers", async ({ expect }) => {
    const { value, ms } = await timed(fetchPage(server.url("/stall-headers"), local({ headersTimeoutMs: 300 })));
    expect(expectFailure(value)).toEqual({ kind: "timeout", phase: "headers", ms: 300 });
    expect(ms).toBeLessThan(1_500);
  });

  it("times out when the body stalls after the headers", async ({ expect }) => {
    const { value, ms } = await timed(fetchPage(server.url("/stall-body"), local({ headersTimeoutMs: 300 })));
    expect(expectFailure(value)).toEqual({ kind: "timeout", phase: "body", ms: 300 });
    expect(ms).toBeLessThan(1_500);
  });

  it("times out when a compressed body stalls (the error crosses the decompressor)", async ({ expect }) => {
    const { value, ms } = await timed(fetchPage(server.url("/stall-gzip"), local({ headersTimeoutMs: 300 })));
    expect(expectFailure(value)).toEqual({ kind: "timeout", phase: "body", ms: 300 });
    expect(ms).toBeLessThan(1_500);
  });

  it("enforces the total deadline across a slow drip that never trips the idle timeouts", async ({ expect }) => {
    const { value, ms } = await timed(
      fetchPage(server.url("/drip"), local({ headersTimeoutMs: 300, totalTimeoutMs: 600 })),
    );
    expect(expectFailure(value)).toEqual({ kind: "timeout", phase: "total", ms: 600 });
    expect(ms).toBeGreaterThanOrEqual(550);
    expect(ms).toBeLessThan(1_500);
  });

  it("counts the total deadline across redirect hops", async ({ expect }) => {
    const reason = expectFailure(
      await fetchPage(server.url("/slow-hop"), local({ headersTimeoutMs: 1_000, totalTimeoutMs: 400 })),
    );
    expect(reason).toEqual({ kind: "timeout", phase: "total", ms: 400 });
  });

  it("times out connecting (a resolver that never answers)", async ({ expect }) => {
    const neverAnswers: LookupFn = () => {};
    const { value, ms } = await timed(
      fetchPage("http://hangs.test/", local({ lookup: neverAnswers, connectTimeoutMs: 200 })),
    );
    expect(expectFailure(value)).toEqual({ kind: "timeout", phase: "connect", ms: 200 });
    expect(ms).toBeLessThan(1_500);
  });

  it("stops when the caller's signal aborts", async ({ expect }) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const { value, ms } = await timed(
      fetchPage(server.url("/stall-headers"), local({ signal: controller.signal, headersTimeoutMs: 5_000 })),
    );
    expect(expectFailure(value)).toEqual({ kind: "network", detail: "aborted by the caller" });
    expect(ms).toBeLessThan(1_000);
    const already = AbortSignal.abort();
    expect(expectFailure(await fetchPage(server.url("/page"), local({ signal: already })))?.kind).toBe("network");
  });
});

describe("size limits and compression", () => {
  const MB = 1024 * 1024;
  let bomb: Buffer;
  beforeAll(() => {
    bomb = gzipSync(Buffer.alloc(50 * MB), { level: 9 });
  });

  it("refuses a streamed body past maxBytes", async () => {
    server.route("/huge", (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      const chunk = Buffer.alloc(64 * 1024, "a");
      // Keep writing until the client hangs up: the fetcher must be the one to stop.
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    const { value, ms } = await timed(fetchPage(server.url("/huge"), local({ maxBytes: MB })));
    expect(expectFailure(value)).toEqual({ kind: "too-large", limitBytes: MB });
    expect(ms).toBeLessThan(1_500);
  });

  it("refuses at once when Content-Length already exceeds maxBytes", async () => {
    server.route("/declared-huge", (_req, res) => {
      res.writeHead(200, { "content-type": "text/html", "content-length": String(50 * MB) });
      res.write("<html>"); // then stalls: only an early refusal answers quickly
    });
    const { value, ms } = await timed(
      fetchPage(server.url("/declared-huge"), local({ maxBytes: MB, headersTimeoutMs: 1_000 })),
    );
    expect(expectFailure(value)).toEqual({ kind: "too-large", limitBytes: MB });
    expect(ms).toBeLessThan(500);
  });

  it("stops a gzip bomb at the cap, quickly", async () => {
    expect(bomb.length).toBeLessThan(200 * 1024);
    server.route("/bomb", (_req, res) => {
      res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip", "content-length": bomb.length });
      res.end(bomb);
    });
    const { value, ms } = await timed(fetchPage(server.url("/bomb"), local({ maxBytes: MB })));
    expect(expectFailure(value)).toEqual({ kind: "too-large", limitBytes: MB });
    expect(ms).toBeLessThan(1_000);
  });

  it("caps the default 5 MB limit on the bomb too", async () => {
    const { value, ms } = await timed(fetchPage(server.url("/bomb"), local()));
    expect(expectFailure(value)).toEqual({ kind: "too-large", limitBytes: 5_000_000 });
    expect(ms).toBeLessThan(1_500);
  });

  it.each([
    ["gzip", "gzip", (b: Buffer) => gzipSync(b)],
    ["zlib deflate", "deflate", (b: Buffer) => deflateSync(b)],
    ["raw deflate", "deflate", (b: Buffer) => deflateRawSync(b)],
    ["brotli", "br", (b: Buffer) => brotliCompressSync(b)],
    ["gzip inside br", "gzip, br", (b: Buffer) => brotliCompressSync(gzipSync(b))],
  ] as const)("decodes a %s page (counting decoded bytes)", async (label, coding, compress) => {
    const body = Buffer.from(HTML.repeat(50));
    const path = `/enc/${encodeURIComponent(label)}`;
    server.route(path, (_req, res) =>
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-encoding": coding }).end(compress(body)),
    );
    const page = expectPage(await fetchPage(server.url(path), local()));
    expect(page.body).toBe(HTML.repeat(50));
    expect(page.bytes).toBe(body.length);
  });

  it("reports a corrupt compressed body as a network failure", async () => {
    server.route("/corrupt-gzip", (_req, res) =>
      res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" }).end("this is not gzip"),
    );
    const reason = expectFailure(await fetchPage(server.url("/corrupt-gzip"), local()));
    expect(reason?.kind).toBe("network");
  });

  it("refuses an unknown content-encoding", async () => {
    server.route("/zstd", (_req, res) =>
      res.writeHead(200, { "content-type": "text/html", "content-encoding": "zstd" }).end("xx"),
    );
    expect(expectFailure(await fetchPage(server.url("/zstd"), local()))?.kind).toBe("network");
  });
});

describe("content types", () => {
  it.each(["image/png", "application/pdf", "application/octet-stream", "video/mp4"])(
    "refuses %s without reading the body",
    async (type) => {
      const path = `/type/${type}`;
      server.route(path, (_req, res) => {
        res.writeHead(200, { "content-type": type });
        drip(res, Array.from({ length: 1000 }, () => Buffer.alloc(1024)), 20);
      });
      const { value, ms } = await timed(fetchPage(server.url(path), local()));
      expect(expectFailure(value)).toEqual({ kind: "unsupported-type", contentType: type });
      expect(ms).toBeLessThan(300);
    },
  );

  it("accepts application/xhtml+xml as html", async () => {
    server.route("/xhtml", (_req, res) =>
      res.writeHead(200, { "content-type": "application/xhtml+xml; charset=utf-8" }).end("<html/>"),
    );
    expect(expectPage(await fetchPage(server.url("/xhtml"), local())).kind).toBe("html");
  });

  it("accepts a feed only when asked for feeds", async () => {
    const rss = '<?xml version="1.0"?><rss><channel><title>t</title></channel></rss>';
    server.route("/feed.xml", (_req, res) => res.writeHead(200, { "content-type": "application/rss+xml" }).end(rss));
    expect(expectFailure(await fetchPage(server.url("/feed.xml"), local()))).toEqual({
      kind: "unsupported-type",
      contentType: "application/rss+xml",
    });
    const page = expectPage(await fetchPage(server.url("/feed.xml"), local({ accept: ["html", "feed"] })));
    expect(page).toMatchObject({ kind: "feed", contentType: "application/rss+xml", body: rss });
  });

  it("accepts JSON only when asked, and then refuses HTML if not asked", async () => {
    server.route("/data.json", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    expect(expectFailure(await fetchPage(server.url("/data.json"), local()))?.kind).toBe("unsupported-type");
    expect(expectPage(await fetchPage(server.url("/data.json"), local({ accept: ["json"] }))).kind).toBe("json");
    expect(expectFailure(await fetchPage(server.url("/page"), local({ accept: ["json"] })))?.kind).toBe(
      "unsupported-type",
    );
  });
});

describe("character sets over HTTP", () => {
  const cases = [
    {
      name: "windows-1251 via the header",
      type: "text/html; charset=windows-1251",
      body: encoded("<html><body><p>", WORDS.russian1251, "</p></body></html>"),
      charset: "windows-1251",
      expected: "<p>Привет</p>",
    },
    {
      name: "Shift_JIS via <meta charset>",
      type: "text/html",
      body: encoded('<html><head><meta charset="Shift_JIS"></head><body><p>', WORDS.shiftJis, "</p></body></html>"),
      charset: "shift_jis",
      expected: "<p>日本</p>",
    },
    {
      name: "ISO-8859-1 via http-equiv",
      type: "text/html",
      body: encoded(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><p>',
        WORDS.latin1,
        "</p>",
      ),
      charset: "windows-1252",
      expected: "<p>café</p>",
    },
    {
      name: "GB18030 via the header",
      type: "text/html; charset=GB18030",
      body: encoded("<p>", WORDS.gb18030, "</p>"),
      charset: "gb18030",
      expected: "<p>中文</p>",
    },
    {
      name: "a UTF-8 BOM",
      type: "text/html",
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("<p>Привет 日本</p>")]),
      charset: "utf-8",
      expected: "<p>Привет 日本</p>",
    },
    {
      name: "a UTF-16LE BOM",
      type: "text/html",
      body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<p>Привет 日本</p>", "utf16le")]),
      charset: "utf-16le",
      expected: "<p>Привет 日本</p>",
    },
  ];

  it.each(cases)("decodes $name", async ({ name, type, body, charset, expected }) => {
    const path = `/charset/${encodeURIComponent(name)}`;
    server.route(path, (_req, res) => res.writeHead(200, { "content-type": type }).end(body));
    const page = expectPage(await fetchPage(server.url(path), local()));
    expect(page.charset).toBe(charset);
    expect(page.body).toContain(expected);
    expect(page.body.startsWith("\uFEFF")).toBe(false);
    expect(page.bytes).toBe(body.length);
  });
});

describe("failures", () => {
  it.each([404, 410, 500, 503])("reports HTTP %i", async (status) => {
    server.route(`/status/${status}`, (_req, res) =>
      res.writeHead(status, { "content-type": "text/html" }).end("<h1>error page</h1>"),
    );
    expect(expectFailure(await fetchPage(server.url(`/status/${status}`), local()))).toEqual({
      kind: "http-status",
      status,
    });
  });

  it("refuses credentials in the URL before connecting", async () => {
    const before = server.requests.length;
    const url = server.url("/page").replace("http://", "http://user:secret@");
    expect(expectFailure(await fetchPage(url, local()))?.kind).toBe("invalid-url");
    expect(server.requests.length).toBe(before);
  });

  it.each(["ftp://127.0.0.1/file", "file:///etc/passwd", "javascript:alert(1)", "mailto:a@b.c", "", "nonsense"])(
    "refuses %j as invalid-url",
    async (raw) => {
      expect(expectFailure(await fetchPage(raw, local()))?.kind).toBe("invalid-url");
    },
  );

  it("reports a refused connection on a closed port as a network failure", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const reason = expectFailure(await fetchPage(`http://127.0.0.1:${port}/`, local()));
    expect(reason?.kind).toBe("network");
    if (reason?.kind === "network") {
      expect(reason.detail).toContain("ECONNREFUSED");
      expect(reason.detail).not.toContain("\n");
    }
  });

  it("reports a connection cut mid-body as a network failure", async () => {
    server.route("/cut", (_req, res) => {
      res.writeHead(200, { "content-type": "text/html", "content-length": "1000" });
      res.write("<html>only part");
      setTimeout(() => res.destroy(), 20);
    });
    expect(expectFailure(await fetchPage(server.url("/cut"), local()))?.kind).toBe("network");
  });

  it("reports a name that does not resolve as dns", async () => {
    const nxdomain: LookupFn = (hostname, _options, callback) =>
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
    expect(expectFailure(await fetchPage("http://no-such-host.test/", local({ lookup: nxdomain })))).toEqual({
      kind: "dns",
      host: "no-such-host.test",
    });
    expect(expectFailure(await fetchPage("http://no-such-host.test/", fetchOptions(false, { lookup: nxdomain })))).toEqual({
      kind: "dns",
      host: "no-such-host.test",
    });
  });

  it("never throws, even for input outside its type", async () => {
    for (const raw of [undefined, null, 42, {}, "http://[::1", "http://%zz/"] as unknown as string[]) {
      const result = await fetchPage(raw, local());
      expect(result.ok).toBe(false);
    }
  });
});
