/**
 * Runs a Node script in this very process and reports its peak resident memory on stderr
 * (`peakRssKb=N`) at exit: Node exposes no child rusage, and /usr/bin/time is not everywhere.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
if (!script) throw new Error("usage: peakRss <script> [args...]");
process.argv = [process.argv[0]!, resolve(script), ...args];
process.on("exit", () => {
  process.stderr.write(`peakRssKb=${process.resourceUsage().maxRSS}\n`);
});
await import(pathToFileURL(resolve(script)).href);
