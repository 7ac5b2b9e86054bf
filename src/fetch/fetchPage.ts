import type { IncomingHttpHeaders } from "node:http";
import type { Agent } from "undici";
import { fail, ok } from "../result.js";
import { discard, readBody } from "./body.js";
import { createGuardedAgent } from "./connector.js";
import { decodeBody } from "./decode.js";
import { CallerAborted, classifyError, DeadlineExceeded, type FailureContext } from "./failure.js";
import { checkAddress, ipLiteral, isPublicAddress, parseTarget, type AddressPolicy } from "./guard.js";
import { acceptHeader, kindOf, looksBinary, mediaTypeOf, sniffKind } from "./mediaType.js";
import type { FetchFailure, FetchOptions, FetchResult, PageKind } from "./types.js";

/**
 * Fetching one URL a stranger posted: redirects followed by hand so every hop is re-checked,
 * content type judged before the body is read, the body capped after decompression, and every
 * failure returned as a value.
 */

const DEFAULT_ACCEPT: readonly PageKind[] = ["html", "text"];
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What every hop of one fetch shares. */
type Run = {
  agent: Agent;
  options: FetchOptions;
  accept: readonly PageKind[];
  policy: AddressPolicy;
  signal: AbortSignal;
  ctx: FailureContext;
};

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function requestHeaders(options: FetchOptions, accept: readonly PageKind[]): Record<string, string> {
  const headers: Record<string, string> = {
    "user-agent": options.userAgent,
    accept: acceptHeader(accept),
    "accept-encoding": "gzip, deflate, br",
  };
  if (options.ifNoneMatch !== undefined) headers["if-none-match"] = options.ifNoneMatch;
  if (options.ifModifiedSince !== undefined) headers["if-modified-since"] = options.ifModifiedSince;
  return headers;
}

/**
 * The connector refuses IP literals too; checking here as well reports the refusal before undici
 * is involved at all, and keeps the rule visible next to the redirect loop.
 */
function refuseLiteral(url: URL, run: Run): FetchFailure | null {
  if (run.options.allowPrivateHosts) return null;
  const ip = ipLiteral(url.hostname);
  if (ip === undefined) return null;
  const blocked = checkAddress(ip, ip, run.policy);
  return blocked ? { kind: "blocked-address", host: blocked.host, address: blocked.address } : null;
}

async function follow(requested: URL, run: Run): Promise<FetchResult> {
  const redirects: string[] = [];
  let url = requested;
  for (;;) {
    const refused = refuseLiteral(url, run);
    if (refused) return fail(refused);
    run.ctx.host = url.hostname;

    const res = await run.agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: "GET",
      headers: requestHeaders(run.options, run.accept),
      signal: run.signal,
      headersTimeout: run.ctx.headersTimeoutMs,
      bodyTimeout: run.ctx.bodyTimeoutMs,
    });
    const status = res.statusCode;
    const location = header(res.headers, "location");

    if (REDIRECT_STATUSES.has(status) && location !== undefined) {
      discard(res.body);
      if (redirects.length >= run.options.maxRedirects) {
        return fail({ kind: "too-many-redirects", limit: run.options.maxRedirects });
      }
      const next = parseTarget(location, url);
      if (!next.ok) return next;
      url = next.value;
      redirects.push(url.href);
      continue;
    }

    const contentTypeHeader = header(res.headers, "content-type");
    const mediaType = mediaTypeOf(contentTypeHeader);
    const etag = header(res.headers, "etag");
    const lastModified = header(res.headers, "last-modified");
    const validators = {
      ...(etag !== undefined ? { etag } : {}),
      ...(lastModified !== undefined ? { lastModified } : {}),
    };

    if (status === 304) {
      discard(res.body);
      const declared = kindOf(mediaType);
      return ok({
        requestedUrl: requested.href,
        url: url.href,
        status,
        contentType: mediaType,
        kind: declared !== undefined && run.accept.includes(declared) ? declared : (run.accept[0] ?? "html"),
        charset: "utf-8",
        body: "",
        bytes: 0,
        redirects,
        ...validators,
        notModified: true,
      });
    }
    // Error pages, and 3xx answers that are not followable redirects, are not the article.
    if (status >= 300) {
      discard(res.body);
      return fail({ kind: "http-status", status });
    }

    // Judge the declared type before reading a byte of the body.
    let kind: PageKind | undefined;
    if (mediaType !== "") {
      kind = kindOf(mediaType);
      if (kind === undefined || !run.accept.includes(kind)) {
        discard(res.body);
        return fail({ kind: "unsupported-type", contentType: mediaType });
      }
    }
    const contentEncoding = header(res.headers, "content-encoding");
    const declaredLength = Number(header(res.headers, "content-length"));
    const uncompressed = contentEncoding === undefined || /^\s*(identity)?\s*$/i.test(contentEncoding);
    if (uncompressed && Number.isFinite(declaredLength) && declaredLength > run.options.maxBytes) {
      discard(res.body);
      return fail({ kind: "too-large", limitBytes: run.options.maxBytes });
    }

    const read = await readBody(res.body, {
      contentEncoding,
      maxBytes: run.options.maxBytes,
      // Without a declared type, only a body that plainly starts as HTML is read on.
      ...(kind === undefined
        ? {
            inspectHead: (head: Buffer): FetchFailure | null => {
              kind = sniffKind(head);
              return kind !== undefined && run.accept.includes(kind)
                ? null
                : { kind: "unsupported-type", contentType: "(none)" };
            },
          }
        : {}),
    });
    if (!read.ok) return read;
    if (kind === undefined) return fail({ kind: "unsupported-type", contentType: "(none)" });

    const { text, charset } = decodeBody(read.value, contentTypeHeader);
    const contentType = mediaType !== "" ? mediaType : "text/html";
    if (looksBinary(text)) return fail({ kind: "unsupported-type", contentType: `binary data sent as ${contentType}` });
    return ok({
      requestedUrl: requested.href,
      url: url.href,
      status,
      contentType,
      kind,
      charset,
      body: text,
      bytes: read.value.length,
      redirects,
      ...validators,
    });
  }
}

async function run(raw: string, options: FetchOptions): Promise<FetchResult> {
  const target = parseTarget(raw);
  if (!target.ok) return target;
  if (options.signal?.aborted) return fail({ kind: "network", detail: "aborted by the caller" });

  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(new DeadlineExceeded(options.totalTimeoutMs)), options.totalTimeoutMs);
  const onCallerAbort = () => controller.abort(new CallerAborted());
  options.signal?.addEventListener("abort", onCallerAbort, { once: true });

  // Body stalls share the headers budget: FetchConfig has no separate knob, and the total
  // deadline bounds a slow drip anyway.
  const ctx: FailureContext = {
    signal: controller.signal,
    host: target.value.hostname,
    connectTimeoutMs: options.connectTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs,
    bodyTimeoutMs: options.headersTimeoutMs,
  };
  const agent = createGuardedAgent({
    allowPrivateHosts: options.allowPrivateHosts,
    policy: options.addressPolicy ?? isPublicAddress,
    connectTimeoutMs: options.connectTimeoutMs,
    headersTimeoutMs: ctx.headersTimeoutMs,
    bodyTimeoutMs: ctx.bodyTimeoutMs,
    ...(options.lookup !== undefined ? { lookup: options.lookup } : {}),
  });
  try {
    return await follow(target.value, {
      agent,
      options,
      accept: options.accept ?? DEFAULT_ACCEPT,
      policy: options.addressPolicy ?? isPublicAddress,
      signal: controller.signal,
      ctx,
    });
  } catch (err) {
    return fail(classifyError(err, ctx));
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener("abort", onCallerAbort);
    await agent.destroy().catch(() => {});
  }
}

/** Fetch a page a chat user shared. Never throws: every refusal and failure is a value. */
export async function fetchPage(url: string, options: FetchOptions): Promise<FetchResult> {
  try {
    return await run(url, options);
  } catch (err) {
    // Only reachable through a bug; still a value, so one bad link cannot take the bot down.
    const detail = err instanceof Error ? err.message.split("\n")[0] ?? "" : String(err);
    return fail({ kind: "network", detail: `internal error: ${detail.slice(0, 160)}` });
  }
}
