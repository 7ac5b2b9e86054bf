import { pipeline, type Readable, type Transform } from "node:stream";
import zlib from "node:zlib";
import { fail, ok, type Result } from "../result.js";
import type { FetchFailure } from "./types.js";

/**
 * Reading a response body under a byte cap. Decompression happens here (undici's `request`
 * leaves bodies as sent) so the cap applies to the expanded bytes: a small gzip bomb stops at
 * the cap instead of filling memory, and nothing beyond the cap is ever buffered.
 */

export type BodyOptions = {
  /** The raw Content-Encoding header, if any. */
  contentEncoding: string | undefined;
  /** Largest decoded body accepted, in bytes. */
  maxBytes: number;
  /**
   * Called once with the first decoded bytes (at least HEAD_BYTES, or the whole body if shorter)
   * so the caller can refuse a body by its content without reading the rest.
   */
  inspectHead?: (head: Buffer) => FetchFailure | null;
};

/** Enough for a byte-order mark, whitespace and a doctype. */
export const HEAD_BYTES = 512;

// Browsers accept truncated compressed streams; flushing on end does the same instead of failing.
const ZLIB_LENIENT = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_LENIENT = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/** The codings to undo, outermost (last applied) first; `identity` needs no work. */
export function parseContentEncoding(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity")
    .reverse();
}

/**
 * Drop a body we will not read. undici's body reports a destroy before the end as an AbortError
 * event, so a listener must be in place first; the socket goes with it, which is fine for a
 * one-fetch agent.
 */
export function discard(body: Readable): void {
  body.on("error", () => {});
  body.destroy();
}

/** Resolve with the first chunk without consuming it, or null for an empty stream. */
function peek(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off("readable", onReadable);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("close", onClose);
    };
    const onReadable = () => {
      const chunk: unknown = stream.read();
      if (chunk === null) return;
      cleanup();
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      stream.unshift(buf);
      resolve(buf);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    // A stream destroyed without an error (e.g. by an abort elsewhere) must not leave us waiting.
    const onClose = () => {
      cleanup();
      reject(new Error("body closed before any data"));
    };
    stream.on("readable", onReadable);
    stream.once("close", onClose);
    stream.once("end", onEnd);
    stream.once("error", onError);
  });
}

/**
 * "deflate" should be zlib-wrapped (RFC 9110) but some servers send raw deflate. A zlib header's
 * first byte names method 8 in its low nibble, which raw deflate's first byte almost never does
 * (the same test undici's fetch uses).
 */
async function inflaterFor(stream: Readable): Promise<Transform> {
  const first = await peek(stream);
  const wrapped = first === null || first.length === 0 || ((first[0] ?? 0) & 0x0f) === 0x08;
  return wrapped ? zlib.createInflate(ZLIB_LENIENT) : zlib.createInflateRaw(ZLIB_LENIENT);
}

async function decoderFor(coding: string, stream: Readable): Promise<Transform | undefined> {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip(ZLIB_LENIENT);
    case "deflate":
      return inflaterFor(stream);
    case "br":
      return zlib.createBrotliDecompress(BROTLI_LENIENT);
    default:
      return undefined;
  }
}

/**
 * Read and decode `body` up to `maxBytes`. Capacity and content refusals come back as values
 * (and the streams are destroyed at once); stream errors (timeouts, resets, corrupt
 * compression, aborts) are thrown for the caller to classify.
 */
export async function readBody(body: Readable, options: BodyOptions): Promise<Result<Buffer, FetchFailure>> {
  let stream: Readable = body;
  for (const coding of parseContentEncoding(options.contentEncoding)) {
    const decoder = await decoderFor(coding, stream);
    if (decoder === undefined) {
      discard(stream);
      return fail({ kind: "network", detail: `unsupported content-encoding "${coding.slice(0, 40)}"` });
    }
    // pipeline destroys every stage when any stage fails or the last one is destroyed, so an
    // early exit below also drops the socket; the error itself surfaces through the iterator.
    stream = pipeline(stream, decoder, () => {});
  }

  const chunks: Buffer[] = [];
  let total = 0;
  let inspected = options.inspectHead === undefined;
  const inspect = (): FetchFailure | null => {
    inspected = true;
    return options.inspectHead?.(Buffer.concat(chunks, total)) ?? null;
  };

  // Leaving this loop early destroys `stream` (and through pipeline, the whole chain).
  for await (const chunk of stream as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > options.maxBytes) return fail({ kind: "too-large", limitBytes: options.maxBytes });
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    if (!inspected && total >= HEAD_BYTES) {
      const refusal = inspect();
      if (refusal) return fail(refusal);
    }
  }
  if (!inspected) {
    const refusal = inspect();
    if (refusal) return fail(refusal);
  }
  return ok(Buffer.concat(chunks, total));
}
