import { parentPort } from "node:worker_threads";
import { extractArticle } from "./index.js";
import type { ExtractJob, ExtractAnswer } from "./pool.js";

/**
 * The extractor in a worker thread (see pool.ts): one page at a time, answered by job id. The
 * extractor never throws on markup; anything thrown anyway is a bug, reported rather than fatal.
 */
parentPort?.on("message", (job: ExtractJob) => {
  let answer: ExtractAnswer;
  try {
    answer = { id: job.id, article: extractArticle(job.input) };
  } catch (err) {
    answer = { id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort?.postMessage(answer);
});
// Loaded: the deadline of a page counts from here, not from the worker's start.
parentPort?.postMessage({ ready: true } satisfies ExtractAnswer);
