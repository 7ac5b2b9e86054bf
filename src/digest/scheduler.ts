import type { Logger } from "../log.js";
import type { Store, Subscription } from "../store/types.js";
import type { BuiltDigest } from "./build.js";
import { dueDay } from "./schedule.js";
import type { DailyDigest } from "./types.js";

/**
 * Sends each subscription's digest once per local day. A digest is claimed before it is built
 * and sent (a lease in the database, so one process of several sends it), and marked sent as soon
 * as the platform confirms. If the process dies in between, the lease runs out and the digest is
 * sent again: the only window for a duplicate is between the platform's confirmation and the write.
 * When that write fails (the database is away for a while), the process remembers the digest as
 * sent and writes the record again at every pass until it lands, well within the lease.
 */
export type Delivery = { ok: true } | { ok: false; permanent: boolean; detail: string };
export type Deliver = (chatKey: string, digest: DailyDigest) => Promise<Delivery>;

export type SchedulerDeps = {
  store: Store;
  build: (sub: Subscription, day: string, now: number) => Promise<BuiltDigest>;
  deliver: Deliver;
  now: () => number;
  /** This process's name in claims. */
  owner: string;
  log: Logger;
  /** How long a claim holds before another process may take the digest over. */
  leaseMs?: number;
  tickMs?: number;
};

export const DEFAULT_LEASE_MS = 10 * 60_000;
const DEFAULT_TICK_MS = 30_000;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 30 * 60_000;

export type Scheduler = { tick(): Promise<number>; start(): void; stop(): Promise<void> };

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const retryAt = new Map<number, { at: number; delay: number }>();
  /** Digests the platform confirmed whose "sent" record has not reached the database yet. */
  const unrecorded = new Map<string, { sub: Subscription; day: string; at: number; commit: () => Promise<void> }>();
  const keyOf = (id: number, day: string) => `${id}:${day}`;

  const record = async (entry: { sub: Subscription; day: string; at: number; commit: () => Promise<void> }): Promise<boolean> => {
    try {
      await deps.store.markDigestSent(entry.sub.id, entry.day, deps.owner, entry.at);
      await entry.commit();
      unrecorded.delete(keyOf(entry.sub.id, entry.day));
      return true;
    } catch (err) {
      unrecorded.set(keyOf(entry.sub.id, entry.day), entry);
      deps.log.warn(`digest ${entry.sub.id}: sent, but not yet recorded (${err instanceof Error ? err.message : String(err)}); recording it again at the next pass`);
      return false;
    }
  };
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  const deliverOne = async (sub: Subscription, day: string, now: number): Promise<boolean> => {
    let built: BuiltDigest;
    try {
      built = await deps.build(sub, day, now);
    } catch (err) {
      deps.log.error(`digest ${sub.id}: build failed: ${err instanceof Error ? err.message : String(err)}`);
      await deps.store.releaseDigest(sub.id, day, deps.owner);
      return false;
    }
    const result = await deps.deliver(sub.chatKey, built.digest);
    if (result.ok) {
      retryAt.delete(sub.id);
      await record({ sub, day, at: deps.now(), commit: built.commit });
      return true;
    }
    if (result.permanent) {
      deps.log.warn(`digest ${sub.id}: ${sub.chatKey} is gone (${result.detail}): subscription disabled`);
      await deps.store.disableSubscription(sub.id, result.detail, deps.now());
      return false;
    }
    const delay = Math.min(MAX_RETRY_MS, (retryAt.get(sub.id)?.delay ?? FIRST_RETRY_MS / 2) * 2);
    retryAt.set(sub.id, { at: deps.now() + delay, delay });
    deps.log.warn(`digest ${sub.id}: delivery failed (${result.detail}); retrying in ${Math.round(delay / 1000)} s`);
    await deps.store.releaseDigest(sub.id, day, deps.owner);
    return false;
  };

  const tickOnce = async (): Promise<number> => {
    const now = deps.now();
    let sent = 0;
    for (const entry of [...unrecorded.values()]) await record(entry);
    for (const sub of await deps.store.activeSubscriptions()) {
      const day = dueDay(now, sub.time, sub.timezone);
      if (!day) continue;
      if (unrecorded.has(keyOf(sub.id, day))) continue;
      if ((retryAt.get(sub.id)?.at ?? 0) > now) continue;
      if (await deps.store.digestSent(sub.id, day)) continue;
      if (!(await deps.store.claimDigest(sub.id, day, deps.owner, now, leaseMs))) continue;
      if (await deliverOne(sub, day, now)) sent++;
    }
    return sent;
  };

  const tick = async (): Promise<number> => {
    // One pass at a time: a slow pass is not overtaken by the next timer.
    if (running) return running;
    running = tickOnce().finally(() => (running = null));
    return running;
  };

  return {
    tick,
    start: () => {
      if (timer) return;
      const run = () =>
        void tick().catch((err: unknown) => deps.log.error(`scheduler: ${err instanceof Error ? err.message : String(err)}`));
      run();
      timer = setInterval(run, deps.tickMs ?? DEFAULT_TICK_MS);
      timer.unref();
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => 0);
    },
  };
}
