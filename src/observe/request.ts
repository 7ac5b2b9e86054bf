import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";

/**
 * The request a log line belongs to: every line written while one chat message is handled carries
 * its id, however deep in the fetcher or the store it is written, without passing a logger down.
 */
const current = new AsyncLocalStorage<{ id: string }>();

export const newRequestId = (): string => randomBytes(6).toString("hex");

export function withRequest<T>(id: string, fn: () => Promise<T>): Promise<T> {
  return current.run({ id }, fn);
}

export function currentRequestId(): string | undefined {
  return current.getStore()?.id;
}
