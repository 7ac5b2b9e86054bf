import type { FetchFailure } from "../fetch/types.js";

/** One plain sentence per failure, for a person: the chat replies and the CLI both use it. */
export function describeFetchFailure(f: FetchFailure): string {
  switch (f.kind) {
    case "invalid-url":
      return `that is not a web address Skim can read (${f.detail})`;
    case "blocked-address":
      return `${f.host} points to a private or local address, which Skim does not fetch`;
    case "dns":
      return `the site ${f.host} could not be found`;
    case "timeout":
      return `the page took too long to answer (over ${Math.round(f.ms / 100) / 10} s)`;
    case "too-large":
      return `the page is too large (over ${formatBytes(f.limitBytes)})`;
    case "unsupported-type":
      return `that link is not a web page (${f.contentType || "unknown type"})`;
    case "http-status":
      return `the site answered HTTP ${f.status}${f.status === 404 ? " (not found)" : f.status === 403 || f.status === 401 ? " (access denied)" : f.status >= 500 ? " (server error)" : ""}`;
    case "too-many-redirects":
      return `the page redirects too many times (more than ${f.limit})`;
    case "network":
      // Some "network" failures happen after the site answered: its answer was broken, not absent.
      return BROKEN_ANSWER.test(f.detail) ? `the site sent a broken page (${f.detail})` : `the site could not be reached (${f.detail})`;
  }
}

function formatBytes(n: number): string {
  if (n >= 1_000_000) return `${Math.round(n / 100_000) / 10} MB`;
  if (n >= 1_000) return `${Math.round(n / 100) / 10} kB`;
  return `${n} bytes`;
}

/** Failure details of an answer that arrived broken (see src/fetch/failure.ts). */
const BROKEN_ANSWER = /^(malformed HTTP response|corrupt compressed body|body length does not match)/;
