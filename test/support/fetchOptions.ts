import { parseConfig } from "../../config/index.js";
import type { FetchOptions } from "../../src/fetch/index.js";

/**
 * Options built from the real defaults, with timeouts shrunk so stalls fail in well under a
 * second. `allowPrivateHosts` is always stated by the caller: loopback pages need the opt-in,
 * SSRF tests must run without it.
 */
export function fetchOptions(allowPrivateHosts: boolean, overrides: Partial<FetchOptions> = {}): FetchOptions {
  return {
    ...parseConfig({}).fetch,
    allowPrivateHosts,
    connectTimeoutMs: 500,
    headersTimeoutMs: 300,
    totalTimeoutMs: 2_000,
    ...overrides,
  };
}
