/**
 * The whole-process counterpart of `skim extract --out-dir` for `npm run bench`: Readability on
 * linkedom over the same files, writing one JSON file per input.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { readabilityText } from "./lib/readability.js";

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out-dir");
const outDir = outIndex >= 0 ? args[outIndex + 1] : undefined;
if (!outDir) throw new Error("usage: readabilityBatch --out-dir DIR files...");
const files = args.filter((_, i) => i !== outIndex && i !== outIndex + 1);
mkdirSync(outDir, { recursive: true });
for (const file of files) {
  const raw = readFileSync(file);
  const html = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  const text = readabilityText(html, "https://example.com/");
  writeFileSync(join(outDir, basename(file).replace(/\.html(\.gz)?$/, "") + ".json"), JSON.stringify({ text }) + "\n");
}
