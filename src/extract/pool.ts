import { Worker } from "node:worker_threads";
import type { Logger } from "../log.js";
import { fail, ok, type Result } from "../result.js";
import { extractArticle } from "./index.js";
import type { Article, ExtractInput } from "./types.js";

/**
 * The extractor run off the event loop, in a few worker threads with a deadline and a heap of
 * their own. A stranger's page that takes seconds or hundreds of megabytes to parse then costs
 * one worker, not every chat's replies: past the deadline, or out of memory, the worker is
 * replaced and that page alone is refused as too complex. Jobs queue in order for an idle worker.
 */

/** Longer than any real page takes (the slowest hostile page tested: ~1.5 s). */
export const EXTRACT_TIMEOUT_MS = 10_000;
/** A worker's old-generation heap: a 5 MB page of links builds a DOM of ~270 MB. */
export const EXTRACT_HEAP_MB = 768;

export type ExtractJob = { id: number; input: ExtractInput };
export type ExtractAnswer = { id: number; article: Article } | { id: number; error: string } | { ready: true };

/** Why a page could not be extracted: it outlived the deadline or the worker's heap, or a bug. */
export type ExtractFailure = { kind: "too-complex" } | { kind: "internal" };
export type Extract = (input: ExtractInput) => Promise<Result<Article, ExtractFailure>>;

export type ExtractPool = { extract: Extract; close: () => Promise<void> };

export type ExtractPoolOptions = {
  workers: number;
  log: Logger;
  timeoutMs?: number;
  heapMb?: number;
  /** The compiled worker script; tests running from source point at `dist/`. */
  workerUrl?: URL;
};

/** Extraction in this thread, for `workers: 0`, the CLI and tests. */
export const extractInline: Extract = async (input) => ok(extractArticle(input));

type Pending = { job: ExtractJob; resolve: (r: Result<Article, ExtractFailure>) => void };
type Slot = { worker: Worker; ready: boolean; busy: Pending | null; timer: NodeJS.Timeout | null };

export function createExtractPool(options: ExtractPoolOptions): ExtractPool {
  const timeoutMs = options.timeoutMs ?? EXTRACT_TIMEOUT_MS;
  const url = options.workerUrl ?? new URL("./worker.js", import.meta.url);
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  const settle = (slot: Slot, result: Result<Article, ExtractFailure>) => {
    const pending = slot.busy;
    if (slot.timer) clearTimeout(slot.timer);
    slot.busy = null;
    slot.timer = null;
    // An idle worker must not keep the process alive at exit; a busy one does.
    slot.worker.unref();
    pending?.resolve(result);
  };

  /** A worker that failed or overran is ended and a fresh one takes its place. */
  const replace = (slot: Slot, why: string) => {
    const url = slot.busy?.job.input.url ?? "(no url)";
    options.log.warn(`extracting ${url}: ${why}; the worker is replaced`);
    settle(slot, fail({ kind: "too-complex" }));
    const old = slot.worker;
    old.removeAllListeners();
    old.on("error", () => {});
    void old.terminate();
    if (!closed) {
      slot.ready = false;
      slot.worker = spawn(slot);
    }
  };

  const spawn = (slot: Slot): Worker => {
    const worker = new Worker(url, { resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? EXTRACT_HEAP_MB } });
    worker.unref();
    worker.on("message", (answer: ExtractAnswer) => {
      if ("ready" in answer) {
        slot.ready = true;
        return next(slot);
      }
      if (slot.busy?.job.id !== answer.id) return;
      if ("error" in answer) {
        options.log.error(`extracting ${slot.busy.job.input.url ?? "(no url)"} failed: ${answer.error}`);
        settle(slot, fail({ kind: "internal" }));
      } else settle(slot, ok(answer.article));
      next(slot);
    });
    worker.on("error", (err) => replace(slot, err.message));
    worker.on("exit", (code) => {
      if (!closed) replace(slot, `the worker exited (code ${code})`);
    });
    return worker;
  };

  const next = (slot: Slot) => {
    if (!slot.ready || slot.busy !== null || closed) return;
    const pending = queue.shift();
    if (!pending) return;
    slot.busy = pending;
    slot.worker.ref();
    slot.timer = setTimeout(() => replace(slot, `no answer within ${timeoutMs / 1000} s`), timeoutMs);
    slot.worker.postMessage(pending.job);
  };

  for (let i = 0; i < options.workers; i++) {
    const slot: Slot = { worker: undefined as unknown as Worker, ready: false, busy: null, timer: null };
    slot.worker = spawn(slot);
    slots.push(slot);
  }
  return {
    extract: (input) =>
      new Promise((resolve) => {
        if (closed) return resolve(fail({ kind: "internal" }));
        queue.push({ job: { id: nextId++, input }, resolve });
        const free = slots.find((s) => s.ready && s.busy === null);
        if (free) next(free);
      }),
    close: async () => {
      closed = true;
      for (const pending of queue.splice(0)) pending.resolve(fail({ kind: "internal" }));
      await Promise.all(
        slots.map(async (slot) => {
          settle(slot, fail({ kind: "internal" }));
          slot.worker.removeAllListeners();
          await slot.worker.terminate();
        }),
      );
    },
  };
}
