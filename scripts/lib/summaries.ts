import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The summarization dev sets beside the project: research-use text, read in place, never copied. */
export type SummaryItem = { id: string; text: string; summary: string };

export function loadSummaries(name = "summaries-dev.jsonl"): SummaryItem[] {
  const candidates = [
    resolve("../shared/data", name),
    fileURLToPath(new URL(`../../../shared/data/${name}`, import.meta.url)),
    fileURLToPath(new URL(`../../../../shared/data/${name}`, import.meta.url)),
  ];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error(`${name} not found (looked in ${candidates.join(", ")})`);
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as SummaryItem);
}
