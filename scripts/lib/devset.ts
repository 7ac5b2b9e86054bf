import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** The shared extraction dev set beside the project (`../shared/data/extraction-dev`). */
export type DevPage = { id: string; url: string; html: string; truth: string };

export function devSetDir(): string {
  const candidates = [
    process.env["SKIM_DEVSET_DIR"],
    resolve("../shared/data/extraction-dev"),
    // Beside the project, seen from scripts/lib (run from source) and dist/scripts/lib (compiled).
    fileURLToPath(new URL("../../../shared/data/extraction-dev", import.meta.url)),
    fileURLToPath(new URL("../../../../shared/data/extraction-dev", import.meta.url)),
  ].filter((d): d is string => typeof d === "string");
  const found = candidates.find((d) => existsSync(join(d, "ground-truth.json")));
  if (!found) throw new Error(`extraction dev set not found (looked in ${candidates.join(", ")})`);
  return found;
}

export function loadDevSet(dir = devSetDir()): DevPage[] {
  const truth = JSON.parse(readFileSync(join(dir, "ground-truth.json"), "utf8")) as Record<string, { articleBody: string; url: string }>;
  return readdirSync(join(dir, "html"))
    .filter((f) => f.endsWith(".html.gz"))
    .sort()
    .map((f) => {
      const id = f.replace(/\.html\.gz$/, "");
      const t = truth[id];
      if (!t) throw new Error(`no ground truth for ${id}`);
      return { id, url: t.url, truth: t.articleBody, html: gunzipSync(readFileSync(join(dir, "html", f))).toString("utf8") };
    });
}
