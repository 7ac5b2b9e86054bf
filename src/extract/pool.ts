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
/**
 * A worker is replaced by a fresh one after this many pages, and once it has been idle this long
 * after work: its whole heap goes back to the system at once, rather than whenever V8 gets round
 * to it (a page of links leaves ~130 MB of garbage behind). A fresh worker starts in ~50 ms.
 */
export const EXTRACT_RECYCLE_AFTER_JOBS = 500;
export const EXTRACT_RECYCLE_IDLE_MS = 5_000;

export type ExtractJob = { id: number; input: ExtractInput };
export type ExtractAnswer = { id: number; article: Article } | { id: number; error: string } | { ready: true };

/** Why a page could not be extracted: it outlived the deadline or the worker's heap, or a bug. */
export type ExtractFailure = { kind: "too-complex" } | { kind: "internal" };
export type Extract = (input: ExtractInput) => Promise<Result<Article, ExtractFailure>>;

export type ExtractPool = {
  extract: Extract;
  close: () => Promise<void>;
  /** The worker threads' ids now: a replaced or recycled worker has a new one. */
  threadIds: () => number[];
};

export type ExtractPoolOptions = {
  workers: number;
  log: Logger;
  timeoutMs?: number;
  heapMb?: number;
  /** The compiled worker script; tests running from source point at `dist/`. */
  workerUrl?: URL;
  recycleAfterJobs?: number;
  recycleIdleMs?: number;
};

/** Extraction in this thread, for `workers: 0`, the CLI and tests. */
export const extractInline: Extract = async (input) => ok(extractArticle(input));

type Pending = { job: ExtractJob; resolve: (r: Result<Article, ExtractFailure>) => void };
type Slot = { worker: Worker; ready: boolean; busy: Pending | null; timer: NodeJS.Timeout | null; jobs: number; idle: NodeJS.Timeout | null };

export function createExtractPool(options: ExtractPoolOptions): ExtractPool {
  const timeoutMs = options.timeoutMs ?? EXTRACT_TIMEOUT_MS;
  const recycleAfterJobs = options.recycleAfterJobs ?? EXTRACT_RECYCLE_AFTER_JOBS;
  const recycleIdleMs = options.recycleIdleMs ?? EXTRACT_RECYCLE_IDLE_MS;
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

  const stopIdleTimer = (slot: Slot) => {
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
  };

  /** The worker is ended and a fresh one takes its place. */
  const retire = (slot: Slot) => {
    stopIdleTimer(slot);
    slot.jobs = 0;
    const old = slot.worker;
    old.removeAllListeners();
    old.on("error", () => {});
    void old.terminate();
    if (!closed) {
      slot.ready = false;
      slot.worker = spawn(slot);
    }
  };

  /** A worker that failed or overran: its page is refused, and the worker replaced. */
  const replace = (slot: Slot, why: string) => {
    const url = slot.busy?.job.input.url ?? "(no url)";
    options.log.warn(`extracting ${url}: ${why}; the worker is replaced`);
    settle(slot, fail({ kind: "too-complex" }));
    retire(slot);
  };

  /** After a page: the next one, or a fresh worker when this one has done its share or sits idle. */
  const done = (slot: Slot) => {
    if (++slot.jobs >= recycleAfterJobs) return retire(slot);
    next(slot);
    if (slot.busy === null && !closed) {
      slot.idle = setTimeout(() => {
        if (slot.busy === null) retire(slot);
      }, recycleIdleMs);
      slot.idle.unref();
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
      done(slot);
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
    stopIdleTimer(slot);
    slot.busy = pending;
    slot.worker.ref();
    slot.timer = setTimeout(() => replace(slot, `no answer within ${timeoutMs / 1000} s`), timeoutMs);
    slot.worker.postMessage(pending.job);
  };

  for (let i = 0; i < options.workers; i++) {
    const slot: Slot = { worker: undefined as unknown as Worker, ready: false, busy: null, timer: null, jobs: 0, idle: null };
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
    threadIds: () => slots.map((s) => s.worker.threadId),
    close: async () => {
      closed = true;
      for (const pending of queue.splice(0)) pending.resolve(fail({ kind: "internal" }));
      await Promise.all(
        slots.map(async (slot) => {
          stopIdleTimer(slot);
          settle(slot, fail({ kind: "internal" }));
          slot.worker.removeAllListeners();
          await slot.worker.terminate();
        }),
      );
    },
  };
}
