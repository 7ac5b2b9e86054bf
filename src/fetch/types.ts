import type { FetchConfig } from "../../config/index.js";
import type { Result } from "../result.js";

/** What a fetch can be refused or fail with: each kind is phrased for a person by the chat layer. */
export type FetchFailure =
  | { kind: "invalid-url"; url: string; detail: string }
  | { kind: "blocked-address"; host: string; address: string }
  | { kind: "dns"; host: string }
  | { kind: "timeout"; phase: "connect" | "headers" | "body" | "total"; ms: number }
  | { kind: "too-large"; limitBytes: number }
  | { kind: "unsupported-type"; contentType: string }
  | { kind: "http-status"; status: number }
  | { kind: "too-many-redirects"; limit: number }
  | { kind: "network"; detail: string };

/** The content families Skim reads; anything else is refused as `unsupported-type`. */
export type PageKind = "html" | "text" | "feed" | "json";

export type FetchedPage = {
  requestedUrl: string;
  /** The URL after redirects. */
  url: string;
  status: number;
  /** The media type, lower-cased, without parameters (`text/html`). */
  contentType: string;
  kind: PageKind;
  /** The charset the body was decoded with (WHATWG label, e.g. `windows-1251`). */
  charset: string;
  body: string;
  /** Body size in bytes after decompression. */
  bytes: number;
  /** Every hop after the first, in order. */
  redirects: string[];
  etag?: string;
  lastModified?: string;
  /** True on a 304 answer to a conditional request: `body` is empty. */
  notModified?: boolean;
};

export type LookupFn = (
  hostname: string,
  options: { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: { address: string; family: number }[]) => void,
) => void;

export type FetchOptions = FetchConfig & {
  /** Content families accepted; default html and text. */
  accept?: readonly PageKind[];
  signal?: AbortSignal;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  /** DNS resolver; tests inject one to make a hostname resolve to a chosen address. */
  lookup?: LookupFn;
  /**
   * Which IP addresses may be connected to when `allowPrivateHosts` is false; defaults to
   * `isPublicAddress`. Tests narrow it to admit one loopback address (e.g. only 127.0.0.1) so a
   * redirect to another refused address can be proven refused end to end.
   */
  addressPolicy?: (ip: string) => boolean;
};

export type FetchResult = Result<FetchedPage, FetchFailure>;
