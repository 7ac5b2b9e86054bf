import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { fail, ok, type Result } from "../result.js";
import type { FetchFailure } from "./types.js";

/**
 * Which addresses Skim may connect to. Everything here is pure so the connector, the
 * redirect loop and the tests all apply the very same rules.
 */

/** Decides whether one IP address may be connected to. */
export type AddressPolicy = (ip: string) => boolean;

/** Longer URLs are refused outright: no real article needs one, and they bloat logs and replies. */
const MAX_URL_LENGTH = 8_192;

/**
 * Cloud metadata endpoints. Each already falls in a non-unicast range; naming them again keeps
 * them refused even if a future ipaddr.js reclassifies a range.
 */
const METADATA_ADDRESSES = new Set([
  "169.254.169.254", // AWS, GCP, Azure, OpenStack
  "169.254.170.2", // AWS ECS task credentials
  "100.100.100.200", // Alibaba Cloud
  "192.0.0.192", // Oracle Cloud
  "fd00:ec2::254", // AWS over IPv6
]);

/** IANA global unicast space: IPv6 outside it is unallocated or special even when ipaddr.js says `unicast`. */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");

/**
 * Parse a URL someone posted (or a redirect's Location, resolved against `base`) into a target
 * Skim may request. The WHATWG parser already rewrites odd IPv4 spellings (`2130706433`,
 * `0x7f000001`, `0177.0.0.1`, `127.1`) to dotted form, so later address checks see the real IP.
 */
export function parseTarget(raw: string, base?: URL): Result<URL, FetchFailure> {
  // Callers pass chat text through untyped layers: a non-string is refused, not thrown on.
  const text: unknown = raw;
  const invalid = (detail: string) =>
    fail<FetchFailure>({ kind: "invalid-url", url: String(text).slice(0, 200), detail });
  if (typeof text !== "string") return invalid("not a string");
  if (raw.length > MAX_URL_LENGTH) return invalid("URL is too long");
  let url: URL;
  try {
    url = base === undefined ? new URL(raw.trim()) : new URL(raw.trim(), base);
  } catch {
    return invalid("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return invalid(`scheme ${url.protocol} is not http or https`);
  // Credentials in a shared link are someone's secret: never send them anywhere.
  if (url.username !== "" || url.password !== "") return invalid("URL contains a username or password");
  if (url.hostname === "") return invalid("URL has no host");
  return ok(url);
}

/** The IP address a URL host spells, without IPv6 brackets, or undefined for a domain name. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? undefined : bare;
}

/**
 * True only for addresses on the public internet. Anything ipaddr.js does not call plain
 * `unicast` (loopback, private, link-local, CGNAT, unique-local, multicast, reserved, NAT64,
 * 6to4, Teredo...) is refused, as is anything that does not parse.
 */
export function isPublicAddress(ip: string): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() unmaps ::ffff:a.b.c.d so a mapped loopback is judged as IPv4 loopback.
    addr = ipaddr.process(ip);
  } catch {
    return false;
  }
  if (METADATA_ADDRESSES.has(addr.toString())) return false;
  if (addr.range() !== "unicast") return false;
  if (addr.kind() === "ipv6" && !addr.match(IPV6_GLOBAL_UNICAST)) return false;
  return true;
}

/** Raised inside the connector when an address is refused; fetchPage turns it into `blocked-address`. */
export class BlockedAddressError extends Error {
  readonly code = "ERR_SKIM_BLOCKED_ADDRESS";
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`refusing to connect to ${host} (${address}): not a public address`);
    this.name = "BlockedAddressError";
  }
}

/** The refusal for one address of `host`, or null when the policy allows it. */
export function checkAddress(host: string, address: string, policy: AddressPolicy): BlockedAddressError | null {
  return policy(address) ? null : new BlockedAddressError(host, address);
}
