import { createServer, type AddressInfo, type Socket } from "node:net";
import { brotliCompressSync, constants, deflateSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { fetchPage, type FetchFailure, type FetchOptions, type FetchResult } from "../../src/fetch/index.js";
import { describeFetchFailure } from "../../src/render/reasons.js";
import { encoded, WORDS } from "../support/charsets.js";
import { fetchOptions } from "../support/fetchOptions.js";

/**
 * Faults a page server can commit, served over raw TCP on 127.0.0.1 so the bytes on the wire are
 * exactly the broken ones. For each: fetchPage resolves (never rejects) to a typed failure, or to
 * a page where that is what a browser would show, within the configured deadline plus a second;
 * the server then sees its connection closed; and a failure reads as a sentence for a person.
 */

const TIMEOUTS = { headersTimeoutMs: 1_000, totalTimeoutMs: 2_000 } as const;
/** Everything must settle by the total deadline plus undici's timer slack and some scheduling. */
const BOUND_MS = TIMEOUTS.totalTimeoutMs + 1_000;
const CAP = 1_000_000;

const options = (overrides: Partial<FetchOptions> = {}) =>
  fetchOptions(true, { ...TIMEOUTS, maxBytes: CAP, ...overrides });

const HTML = `<!doctype html><html><head><title>Fault</title></head><body>${"<p>Some article text here.</p>".repeat(40)}</body></html>`;

// ---- a raw HTTP/1.1 server -------------------------------------------------------------------

type Respond = (socket: Socket, path: string) => void;

type RawServer = {
  url(path: string): string;
  /** Paths requested, in order. */
  readonly paths: string[];
  /** Resolves once every connection accepted so far has closed, or rejects after `ms`. */
  allClosed(ms: number): Promise<void>;
  close(): Promise<void>;
};

const servers: RawServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A server calling `respond` for each request head it reads (GETs have no body). */
async function rawServer(respond: Respond): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const closed: Promise<void>[] = [];
  const paths: string[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    closed.push(new Promise((resolve) => socket.once("close", () => resolve())));
    socket.on("close", () => sockets.delete(socket));
    // Writes racing the client's hang-up fail with EPIPE/ECONNRESET: expected here.
    socket.on("error", () => {});
    let pending = "";
    socket.on("data", (data: Buffer) => {
      pending += data.toString("latin1");
      for (let end = pending.indexOf("\r\n\r\n"); end !== -1; end = pending.indexOf("\r\n\r\n")) {
        const requestLine = pending.slice(0, pending.indexOf("\r\n"));
        pending = pending.slice(end + 4);
        const path = requestLine.split(" ")[1] ?? "/";
        paths.push(path);
        respond(socket, path);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const raw: RawServer = {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    paths,
    allClosed: (ms) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${sockets.size} connection(s) still open after ${ms} ms`)), ms);
      });
      return Promise.race([Promise.all(closed).then(() => undefined), late]).finally(() => clearTimeout(timer));
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(raw);
  return raw;
}

/** A status line and headers, ready to write. */
function head(status: string, headers: Record<string, string | number> = {}): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status}\r\n${lines.join("")}\r\n`;
}

/** Call `write` every `everyMs` until the client goes away. */
function every(socket: Socket, everyMs: number, write: () => void): void {
  const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : write()), everyMs);
  socket.once("close", () => clearInterval(timer));
}

/** Write `chunk` for as long as the client keeps reading: the fetcher must be the one to stop. */
function flood(socket: Socket, chunk: Buffer): void {
  const pump = () => {
    while (!socket.destroyed && socket.write(chunk));
    if (!socket.destroyed) socket.once("drain", pump);
  };
  pump();
}

// ---- what every fault must satisfy -----------------------------------------------------------

type Settled = { result: FetchResult; ms: number; server: RawServer };

/** Serve `respond` at /, fetch it, and check the promises every fault makes. */
async function settle(respond: Respond, overrides: Partial<FetchOptions> = {}, path = "/"): Promise<Settled> {
  const server = await rawServer(respond);
  const start = performance.now();
  let result: FetchResult;
  try {
    result = await fetchPage(server.url(path), options(overrides));
  } catch (err) {
    throw new Error(`fetchPage rejected: ${String(err)}`);
  }
  const ms = performance.now() - start;
  const total = overrides.totalTimeoutMs ?? TIMEOUTS.totalTimeoutMs;
  expect(ms).toBeLessThan(total + 1_000);
  expect(server.paths.length).toBeGreaterThan(0);
  await server.allClosed(1_000);
  if (!result.ok) expectFriendly(result.reason);
  return { result, ms, server };
}

/** The reply a chat user gets: one plain sentence, no internals. */
function expectFriendly(reason: FetchFailure): void {
  const text = describeFetchFailure(reason);
  expect(text.length).toBeGreaterThan(10);
  expect(text.length).toBeLessThan(240);
  expect(text).not.toMatch(/undefined|null|NaN|\[object|\n|Error\b|does not match the HTTP|\bat .*:\d+:\d+/);
}

function failure(settled: Settled): FetchFailure {
  if (settled.result.ok) throw new Error(`expected a failure, got a ${settled.result.value.status} page`);
  return settled.result.reason;
}

function page(settled: Settled) {
  if (!settled.result.ok) throw new Error(`expected a page, got ${JSON.stringify(settled.result.reason)}`);
  return settled.result.value;
}

function networkDetail(settled: Settled): string {
  const reason = failure(settled);
  expect(reason.kind).toBe("network");
  return reason.kind === "network" ? reason.detail : "";
}

const html = (extra: Record<string, string | number> = {}) => ({ "content-type": "text/html; charset=utf-8", ...extra });

// ---- the faults ------------------------------------------------------------------------------

describe.concurrent("the server resets or closes the connection", () => {
  it("a reset (RST) mid-body is a network failure saying so", async () => {
    const settled = await settle((s) => {
      s.write(head("200 OK", html({ "content-length": 5_000 })) + HTML.slice(0, 100));
      setTimeout(() => s.resetAndDestroy(), 30);
    });
    expect(networkDetail(settled)).toContain("reset");
  });

  it("a reset mid-way through a gzip body is a network failure (the error crosses the decompressor)", async () => {
    const gz = gzipSync(HTML);
    const settled = await settle((s) => {
      s.write(head("200 OK", html({ "content-encoding": "gzip", "content-length": gz.length })));
      s.write(gz.subarray(0, gz.length >> 1));
      setTimeout(() => s.resetAndDestroy(), 30);
    });
    expect(networkDetail(settled)).toContain("reset");
  });

  it("a reset before any response is a network failure", async () => {
    const settled = await settle((s) => void s.resetAndDestroy());
    expect(failure(settled).kind).toBe("network");
  });

  it("a close with no response at all is a network failure", async () => {
    const settled = await settle((s) => void s.end());
    expect(networkDetail(settled)).toContain("closed");
  });
});

describe.concurrent("the server lies in Content-Length", () => {
  it("longer than the body, then a close: a network failure, not a truncated page passed off as whole", async () => {
    const settled = await settle((s) => void s.end(head("200 OK", html({ "content-length": HTML.length + 500 })) + HTML));
    expect(networkDetail(settled)).toContain("closed");
  });

  it("longer than the body, then silence: a body timeout", async () => {
    const settled = await settle((s) => void s.write(head("200 OK", html({ "content-length": HTML.length + 500 })) + HTML));
    expect(failure(settled)).toEqual({ kind: "timeout", phase: "body", ms: TIMEOUTS.headersTimeoutMs });
  });

  it("shorter than the body: a page of the declared bytes only, as browsers show", async () => {
    const settled = await settle((s) => void s.write(head("200 OK", html({ "content-length": 100 })) + HTML));
    expect(page(settled)).toMatchObject({ body: HTML.slice(0, 100), bytes: 100 });
  });

  it("not a number: a malformed response", async () => {
    const settled = await settle((s) => void s.write(head("200 OK", html({ "content-length": "lots" })) + HTML));
    expect(networkDetail(settled)).toMatch(/^malformed HTTP response \(.*content-length/i);
  });

  it("two that disagree: a network failure", async () => {
    const settled = await settle(
      (s) => void s.write(`HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 10\r\ncontent-length: 20\r\n\r\n${HTML}`),
    );
    expect(failure(settled).kind).toBe("network");
  });

  it("alongside chunked encoding (a request-smuggling shape): a network failure", async () => {
    const body = `${(100).toString(16)}\r\n${HTML.slice(0, 100)}\r\n0\r\n\r\n`;
    const settled = await settle(
      (s) => void s.write(head("200 OK", html({ "content-length": 100, "transfer-encoding": "chunked" })) + body),
    );
    expect(failure(settled).kind).toBe("network");
  });
});

describe.concurrent("the server breaks chunked encoding", () => {
  const chunked = html({ "transfer-encoding": "chunked" });

  it("a chunk size that is not hex: a malformed response", async () => {
    const settled = await settle((s) => void s.write(`${head("200 OK", chunked)}6\r\n<html>\r\nzz\r\nxx\r\n`));
    expect(networkDetail(settled)).toBe("malformed HTTP response (invalid character in chunk size)");
  });

  it("chunk data without its CRLF: a malformed response", async () => {
    const settled = await settle((s) => void s.write(`${head("200 OK", chunked)}6\r\n<html>XX6\r\n<html>\r\n0\r\n\r\n`));
    expect(networkDetail(settled)).toMatch(/^malformed HTTP response \(/);
  });

  it("a chunk size past 64 bits: a malformed response", async () => {
    const settled = await settle((s) => void s.write(`${head("200 OK", chunked)}ffffffffffffffffff\r\n<html>`));
    expect(networkDetail(settled)).toMatch(/^malformed HTTP response \(.*overflow/);
  });

  it("a huge declared chunk streamed past the cap: too large, at the cap", async () => {
    const settled = await settle((s) => {
      s.write(`${head("200 OK", chunked)}${(1 << 30).toString(16)}\r\n`);
      flood(s, Buffer.alloc(64 * 1024, "a"));
    });
    expect(failure(settled)).toEqual({ kind: "too-large", limitBytes: CAP });
  });

  it("a chunk shorter than declared, then a close: a network failure", async () => {
    const settled = await settle((s) => void s.end(`${head("200 OK", chunked)}400\r\n${HTML.slice(0, 100)}`));
    expect(networkDetail(settled)).toContain("closed");
  });

  it("a chunk shorter than declared, then silence: a body timeout", async () => {
    const settled = await settle((s) => void s.write(`${head("200 OK", chunked)}400\r\n${HTML.slice(0, 100)}`));
    expect(failure(settled)).toEqual({ kind: "timeout", phase: "body", ms: TIMEOUTS.headersTimeoutMs });
  });

  it("no terminating zero-size chunk before the close: a network failure (the page may be cut short)", async () => {
    const settled = await settle((s) => void s.end(`${head("200 OK", chunked)}${HTML.length.toString(16)}\r\n${HTML}\r\n`));
    expect(networkDetail(settled)).toContain("closed");
  });
});

describe.concurrent("the server stalls", () => {
  it("after the headers: a body timeout at the configured idle time", async () => {
    const settled = await settle((s) => void s.write(head("200 OK", html())));
    expect(failure(settled)).toEqual({ kind: "timeout", phase: "body", ms: TIMEOUTS.headersTimeoutMs });
    expect(settled.ms).toBeGreaterThanOrEqual(TIMEOUTS.headersTimeoutMs - 50);
  });

  it("after the headers of a deflate body (the decoder waits for a first byte): a body timeout", async () => {
    const settled = await settle((s) => void s.write(head("200 OK", html({ "content-encoding": "deflate" }))));
    expect(failure(settled)).toEqual({ kind: "timeout", phase: "body", ms: TIMEOUTS.headersTimeoutMs });
  });

  it("half-way through the headers, dribbling a byte every 200 ms: a headers timeout", async () => {
    const text = `HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nx-slow: ${"a".repeat(200)}`;
    let i = 0;
    const settled = await settle((s) => every(s, 200, () => void s.write(text.charAt(i++ % text.length))));
    expect(failure(settled)).toEqual({ kind: "timeout", phase: "headers", ms: TIMEOUTS.headersTimeoutMs });
  });

  it("in the body of an error page: the HTTP status, at once", async () => {
    const settled = await settle((s) => void s.write(head("503 Service Unavailable", html()) + "<h1>down"));
    expect(failure(settled)).toEqual({ kind: "http-status", status: 503 });
    expect(settled.ms).toBeLessThan(500);
  });

  // The idle timer (1.5 s here) is never reached by a byte a second; only the total deadline stops it.
  it("dribbling the body one byte a second forever (slowloris): the total deadline", async () => {
    const settled = await settle(
      (s) => {
        s.write(head("200 OK", html()));
        every(s, 1_000, () => void s.write("x"));
      },
      { headersTimeoutMs: 1_500 },
    );
    expect(failure(settled)).toEqual({ kind: "timeout", phase: "total", ms: TIMEOUTS.totalTimeoutMs });
    expect(settled.ms).toBeGreaterThanOrEqual(TIMEOUTS.totalTimeoutMs - 50);
  });
});

describe.concurrent("the body is too large", () => {
  const zeros = Buffer.alloc(20 * CAP);
  const bombs = [
    ["gzip", gzipSync(zeros, { level: 9 })],
    ["deflate", deflateSync(zeros, { level: 9 })],
    ["br", brotliCompressSync(zeros, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })],
  ] as const;

  it.each(bombs)("a %s bomb (small, chunked, inflating 20× past the cap) stops at the cap", async (coding, bomb) => {
    expect(bomb.length).toBeLessThan(CAP / 10);
    const settled = await settle((s) => {
      s.write(head("200 OK", html({ "content-encoding": coding, "transfer-encoding": "chunked" })));
      s.write(`${bomb.length.toString(16)}\r\n`);
      s.write(bomb);
      s.write("\r\n0\r\n\r\n");
    });
    expect(failure(settled)).toEqual({ kind: "too-large", limitBytes: CAP });
    expect(settled.ms).toBeLessThan(1_000);
  });

  it("a 200 with no Content-Length, delimited by the close, streaming forever: too large at the cap", async () => {
    const settled = await settle((s) => {
      s.write(head("200 OK", html({ connection: "close" })));
      flood(s, Buffer.alloc(64 * 1024, "a"));
    });
    expect(failure(settled)).toEqual({ kind: "too-large", limitBytes: CAP });
    expect(settled.ms).toBeLessThan(1_000);
  });

  it("a 200 with no Content-Length, chunked, past the cap: too large at the cap", async () => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    const settled = await settle((s) => {
      s.write(head("200 OK", html({ "transfer-encoding": "chunked" })));
      flood(s, Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]));
    });
    expect(failure(settled)).toEqual({ kind: "too-large", limitBytes: CAP });
  });
});

describe.concurrent("Content-Encoding lies", () => {
  it.each(["gzip", "deflate", "br"])("says %s, sends plain HTML: a corrupt compressed body", async (coding) => {
    const settled = await settle(
      (s) => void s.write(head("200 OK", html({ "content-encoding": coding, "content-length": HTML.length })) + HTML),
    );
    expect(networkDetail(settled)).toMatch(/^corrupt compressed body/);
  });

  it("says gzip, sends nothing: an empty page (nothing needed decoding)", async () => {
    const settled = await settle((s) => void s.write(head("200 OK", html({ "content-encoding": "gzip", "content-length": 0 }))));
    expect(page(settled)).toMatchObject({ body: "", bytes: 0 });
  });

  it("a gzip stream cut short (Content-Length matches the cut): the decodable start, as browsers show", async () => {
    const text = Array.from({ length: 4_000 }, (_, i) => `word${i}`).join(" ");
    const cut = gzipSync(text).subarray(0, 4_000);
    const settled = await settle((s) => {
      s.write(head("200 OK", { "content-type": "text/plain", "content-encoding": "gzip", "content-length": cut.length }));
      s.write(cut);
    });
    const { body } = page(settled);
    expect(body.length).toBeGreaterThan(1_000);
    expect(text.startsWith(body)).toBe(true);
  });
});

describe.concurrent("redirects misbehave", () => {
  it("a page redirecting to itself: too many redirects, after exactly maxRedirects + 1 requests", async () => {
    const settled = await settle((s) => void s.write(head("302 Found", { location: "/loop", "content-length": 0 })), {}, "/loop");
    expect(failure(settled)).toEqual({ kind: "too-many-redirects", limit: 5 });
    expect(settled.server.paths).toEqual(Array(6).fill("/loop"));
  });

  it("two pages redirecting to each other: too many redirects", async () => {
    const settled = await settle(
      (s, path) => void s.write(head("301 Moved", { location: path === "/a" ? "/b" : "/a", "content-length": 0 })),
      { maxRedirects: 3 },
      "/a",
    );
    expect(failure(settled)).toEqual({ kind: "too-many-redirects", limit: 3 });
    expect(settled.server.paths).toEqual(["/a", "/b", "/a", "/b"]);
  });

  it("a redirect whose own body never ends: followed at once (that body is dropped)", async () => {
    const settled = await settle((s, path) => {
      if (path === "/final") return void s.write(head("200 OK", html({ "content-length": HTML.length })) + HTML);
      s.write(head("302 Found", { location: "/final", "content-type": "text/html", "transfer-encoding": "chunked" }));
      every(s, 50, () => void s.write("1\r\nx\r\n"));
    });
    expect(page(settled).body).toBe(HTML);
    expect(settled.ms).toBeLessThan(500);
  });

  it("a Location that does not parse: an invalid URL", async () => {
    const settled = await settle((s) => void s.write(head("302 Found", { location: "http://[::1", "content-length": 0 })));
    expect(failure(settled).kind).toBe("invalid-url");
  });
});

describe.concurrent("the server does not speak HTTP properly", () => {
  it("binary noise instead of a status line: a malformed response", async () => {
    const settled = await settle((s) => void s.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 0xff, 13, 10, 13, 10])));
    expect(networkDetail(settled)).toMatch(/^malformed HTTP response \(/);
  });

  it("a bare body with no status line (HTTP/0.9 style): a malformed response", async () => {
    const settled = await settle((s) => void s.end(HTML));
    expect(networkDetail(settled)).toMatch(/^malformed HTTP response \(/);
  });

  it("an unasked-for 100 Continue: a malformed response, not a 'closed by the server'", async () => {
    const settled = await settle((s) => void s.write(head("100 Continue")));
    expect(networkDetail(settled)).toBe("malformed HTTP response (bad response)");
  });

  it("headers that never end in size: refused as too large", async () => {
    const settled = await settle((s) => {
      s.write("HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n");
      let i = 0;
      every(s, 1, () => void s.write(`x-filler-${i++}: ${"v".repeat(1_000)}\r\n`));
    });
    expect(networkDetail(settled)).toContain("headers too large");
  });

  it("a 103 Early Hints before the 200: skipped, the page is read", async () => {
    const settled = await settle(
      (s) => void s.write(head("103 Early Hints", { link: "</a.css>; rel=preload" }) + head("200 OK", html({ "content-length": HTML.length })) + HTML),
    );
    expect(page(settled).body).toBe(HTML);
  });
});

describe.concurrent("hostile bodies, as the fetcher returns them", () => {
  const serveBody = (type: string | undefined, body: Buffer | string) =>
    settle((s) => {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
      s.write(head("200 OK", { ...(type !== undefined ? { "content-type": type } : {}), "content-length": bytes.length }));
      s.write(bytes);
    });

  it("invalid UTF-8 in a UTF-8 page: a page, each bad byte a U+FFFD, the rest intact", async () => {
    const body = Buffer.concat([Buffer.from("<p>caf"), Buffer.from([0xe9, 0xff, 0xc3]), Buffer.from(" ok ✓</p>")]);
    const settled = await serveBody("text/html; charset=utf-8", body);
    expect(page(settled)).toMatchObject({ charset: "utf-8", body: "<p>caf\uFFFD\uFFFD\uFFFD ok ✓</p>", bytes: body.length });
  });

  it("a header claiming UTF-8 over windows-1251 bytes: the page's own <meta> wins, as the bytes contradict the header", async () => {
    const body = encoded('<html><head><meta charset="windows-1251"></head><body><p>', WORDS.russian1251, "</p></body></html>");
    const settled = await serveBody("text/html; charset=utf-8", body);
    const got = page(settled);
    expect(got.charset).toBe("windows-1251");
    expect(got.body).toContain("<p>Привет</p>");
  });

  it("a header claiming windows-1251 over UTF-8 bytes: read as UTF-8, no mojibake", async () => {
    const settled = await serveBody("text/html; charset=windows-1251", "<p>Привет</p>");
    expect(page(settled)).toMatchObject({ charset: "utf-8", body: "<p>Привет</p>" });
  });

  it("a header naming an unknown charset: ignored, the page's <meta> decides", async () => {
    const body = encoded('<html><head><meta charset="Shift_JIS"></head><body><p>', WORDS.shiftJis, "</p></body></html>");
    const settled = await serveBody("text/html; charset=x-no-such-thing", body);
    expect(page(settled)).toMatchObject({ charset: "shift_jis" });
    expect(page(settled).body).toContain("<p>日本</p>");
  });

  it.each(["text/html", "text/plain", "application/xhtml+xml; charset=windows-1252"])(
    "random bytes served as %s: not a web page (binary data), instead of a page of garbage",
    async (type) => {
      // A fixed pseudo-random sequence, so the test is the same every run.
      const noise = Buffer.alloc(20_000);
      for (let i = 0, x = 0x9e3779b9; i < noise.length; i++) {
        x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
        noise[i] = x >>> 24;
      }
      const settled = await serveBody(type, noise);
      const reason = failure(settled);
      expect(reason).toEqual({ kind: "unsupported-type", contentType: `binary data sent as ${type.split(";")[0]}` });
      expect(describeFetchFailure(reason)).toContain("not a web page");
    },
  );

  it("a PNG served as text/html: not a web page", async () => {
    const png = Buffer.concat([
      Buffer.from("89504e470d0a1a0a0000000d4948445200000100000001000806000000", "hex"),
      Buffer.alloc(2_000, 0),
    ]);
    expect(failure(await serveBody("text/html", png)).kind).toBe("unsupported-type");
  });

  it("a long page with a few stray control bytes is still a page", async () => {
    const settled = await serveBody("text/html", `${HTML}\u0000\u0001\u0002${HTML}\u0000`);
    expect(page(settled).body).toContain("Some article text here.");
  });

  it("an empty 200 page: an empty page (the extractor then says there is no article)", async () => {
    const settled = await serveBody("text/html", "");
    expect(page(settled)).toMatchObject({ kind: "html", body: "", bytes: 0 });
  });

  it("an empty chunked 200 page: an empty page", async () => {
    const settled = await settle((s) => void s.write(`${head("200 OK", html({ "transfer-encoding": "chunked" }))}0\r\n\r\n`));
    expect(page(settled)).toMatchObject({ body: "", bytes: 0 });
  });

  it("an empty body with no Content-Type: not a web page (nothing shows it is HTML)", async () => {
    const settled = await serveBody(undefined, "");
    expect(failure(settled)).toEqual({ kind: "unsupported-type", contentType: "(none)" });
  });
});
