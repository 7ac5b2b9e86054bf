import type { Subscription } from "../store/types.js";
import type { FailReason } from "../types.js";

/** One subscription's daily message: new feed items (or the day's shared links), each in a sentence or two. */
export type DailyDigest = {
  /** The local day it is for, YYYY-MM-DD. */
  day: string;
  source: string;
  kind: Subscription["kind"];
  /** The feed's own title, when it has one. */
  feedTitle: string | null;
  items: DailyItem[];
  /** Items beyond the cap: "and N more". */
  more: number;
  /** Set when the source could not be read: said in the digest, not dropped. */
  error?: FailReason;
  /** A preview (/digest) leaves the day's items for the real delivery. */
  preview: boolean;
};

export type DailyItem = { title: string | null; url: string | null; summary: string };
