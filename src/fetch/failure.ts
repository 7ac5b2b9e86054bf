import { BlockedAddressError } from "./guard.js";
import type { FetchFailure } from "./types.js";

/**
 * Classifying whatever a fetch threw (undici, net, dns, zlib, aborts) into a FetchFailure.
 * Details stay short and stack-free: they may end up in a chat reply.
 */

/** The reason given to the fetch's AbortController when the total deadline passes. */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`fetch took longer than ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}

/** The reason given to the fetch's AbortController when the caller's signal fires. */
export class CallerAborted extends Error {
  constructor() {
    super("fetch aborted by the caller");
    this.name = "CallerAborted";
  }
}

export type FailureContext = {
  /** The fetch's own signal: when it fired, its reason explains the failure better than the error. */
  signal: AbortSignal;
  /** The host of the hop in flight, for `dns` failures. */
  host: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
};

/** The error and everything it wraps: `cause` chains and AggregateError members (happy-eyeballs connects). */
function* chain(err: unknown, depth = 0): Generator<unknown> {
  if (depth > 5 || err === null || err === undefined) return;
  yield err;
  if (err instanceof AggregateError) for (const inner of err.errors) yield* chain(inner, depth + 1);
  if (err instanceof Error && err.cause !== undefined) yield* chain(err.cause, depth + 1);
}

function codeOf(err: unknown): string | undefined {
  for (const e of chain(err)) {
    if (typeof e === "object" && e !== null && "code" in e && typeof e.code === "string") return e.code;
  }
  return undefined;
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_NODATA", "EAI_FAIL", "ENODATA"]);

const NETWORK_DETAILS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed by the server",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EADDRNOTAVAIL: "address not available",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CLOSED: "connection closed",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "body length does not match Content-Length",
  UND_ERR_HEADERS_OVERFLOW: "response headers too large",
  Z_DATA_ERROR: "corrupt compressed body",
  Z_BUF_ERROR: "corrupt compressed body",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate does not match the host",
  CERT_HAS_EXPIRED: "TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS certificate chain is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate cannot be verified",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS certificate cannot be verified",
};

/**
 * undici's parser errors carry no code (it looks the llhttp error number up in a name-keyed
 * table), only a message like "Response does not match the HTTP/1.1 protocol (Invalid character
 * in chunk size)": recognised by name, with llhttp's own reason kept.
 */
function parserReason(err: unknown): string | undefined {
  for (const e of chain(err)) {
    if (!(e instanceof Error) || e.name !== "HTTPParserError") continue;
    const reason = /\(([^()]*)\)\s*$/.exec(e.message)?.[1]?.trim() ?? "";
    return reason === "" ? "unreadable" : reason.charAt(0).toLowerCase() + reason.slice(1);
  }
  return undefined;
}

function networkDetail(err: unknown, code: string | undefined): string {
  const parser = parserReason(err);
  if (parser !== undefined) return `malformed HTTP response (${parser.slice(0, 120)})`;
  // undici's word for an answer it cannot pair with the request (an unasked-for 100 Continue or 101).
  if (code === "UND_ERR_SOCKET") {
    for (const e of chain(err)) {
      if (e instanceof Error && /^bad (response|upgrade)$/.test(e.message)) return `malformed HTTP response (${e.message})`;
    }
  }
  if (code !== undefined) {
    const known = NETWORK_DETAILS[code];
    if (known !== undefined) return `${known} (${code})`;
    if (code.startsWith("HPE_")) return `malformed HTTP response (${code})`;
    // Brotli reports codes like ERR__ERROR_FORMAT_CL_SPACE.
    if (code.startsWith("ERR__ERROR_FORMAT") || code.startsWith("Z_")) return `corrupt compressed body (${code})`;
    if (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS")) return `TLS failure (${code})`;
  }
  const message = err instanceof Error ? err.message : String(err);
  const line = (message.split("\n")[0] ?? "").slice(0, 160);
  return code === undefined || line.includes(code) ? line || "unknown error" : `${line} (${code})`;
}

export function classifyError(err: unknown, ctx: FailureContext): FetchFailure {
  if (ctx.signal.aborted) {
    const reason: unknown = ctx.signal.reason;
    if (reason instanceof DeadlineExceeded) return { kind: "timeout", phase: "total", ms: reason.ms };
    return { kind: "network", detail: "aborted by the caller" };
  }
  for (const e of chain(err)) {
    if (e instanceof BlockedAddressError) return { kind: "blocked-address", host: e.host, address: e.address };
  }
  const code = codeOf(err);
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") {
    return { kind: "timeout", phase: "connect", ms: ctx.connectTimeoutMs };
  }
  if (code === "UND_ERR_HEADERS_TIMEOUT") return { kind: "timeout", phase: "headers", ms: ctx.headersTimeoutMs };
  if (code === "UND_ERR_BODY_TIMEOUT") return { kind: "timeout", phase: "body", ms: ctx.bodyTimeoutMs };
  if (code !== undefined && DNS_CODES.has(code)) return { kind: "dns", host: ctx.host };
  return { kind: "network", detail: networkDetail(err, code) };
}
