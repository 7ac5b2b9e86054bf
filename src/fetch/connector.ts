import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { Agent, buildConnector } from "undici";
import { checkAddress, ipLiteral, type AddressPolicy } from "./guard.js";
import type { LookupFn } from "./types.js";

/**
 * The undici dispatcher that enforces the address policy at connect time.
 *
 * Two gates, because `net.connect` skips the lookup for IP-literal hosts: literals are judged
 * before any socket exists, and names are judged inside the socket's own lookup, on every
 * address the resolver returned. Since the socket then connects to an address that was just
 * checked, a DNS answer that changes between a check and the connect (rebinding) cannot slip by.
 */

export type GuardedAgentOptions = {
  /** When true no address is judged (the documented opt-in for tests and intranets). */
  allowPrivateHosts: boolean;
  policy: AddressPolicy;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  lookup?: LookupFn;
};

const systemLookup: LookupFn = (hostname, options, callback) => dnsLookup(hostname, options, callback);

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", hostname });
}

function familyWanted(family: LookupOptions["family"]): 4 | 6 | undefined {
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return undefined;
}

/** A `net` lookup that resolves through `resolve` and refuses the whole name if any address is refused. */
function guardedLookup(resolve: LookupFn, policy: AddressPolicy | undefined): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { all: true }, (err, addresses) => {
      // Answer on a later tick: net expects an asynchronous lookup, and injected resolvers may be synchronous.
      const answer = (...args: Parameters<typeof callback>) => process.nextTick(() => callback(...args));
      if (err) return answer(err, "");
      if (policy !== undefined) {
        for (const { address } of addresses) {
          const blocked = checkAddress(hostname, address, policy);
          if (blocked) return answer(blocked, "");
        }
      }
      const family = familyWanted(options.family);
      const usable: LookupAddress[] = family === undefined ? addresses : addresses.filter((a) => a.family === family);
      const first = usable[0];
      if (first === undefined) return answer(notFound(hostname), "");
      if (options.all === true) return answer(null, usable);
      return answer(null, first.address, first.family);
    });
  };
}

/** A fresh Agent for one fetch; the caller destroys it so no socket outlives the fetch. */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  const policy = options.allowPrivateHosts ? undefined : options.policy;
  const base = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: guardedLookup(options.lookup ?? systemLookup, policy),
  });
  const connect: buildConnector.connector = (target, callback) => {
    const ip = ipLiteral(target.hostname);
    if (policy !== undefined && ip !== undefined) {
      const blocked = checkAddress(target.hostname, ip, policy);
      if (blocked) {
        // undici expects the connector to answer asynchronously.
        process.nextTick(() => callback(blocked, null));
        return;
      }
    }
    base(target, callback);
  };
  return new Agent({
    connect,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    // One fetch, one short-lived agent: no reason to hold idle sockets.
    keepAliveTimeout: 1_000,
  });
}
