/** The safe fetcher's public API: everything else in src/fetch is an implementation detail. */
export { fetchPage } from "./fetchPage.js";
export { decodeBody } from "./decode.js";
export { isPublicAddress, parseTarget, checkAddress, type AddressPolicy } from "./guard.js";
export type {
  FetchedPage,
  FetchFailure,
  FetchOptions,
  FetchResult,
  LookupFn,
  PageKind,
} from "./types.js";
