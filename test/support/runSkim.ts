import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The CLI as users run it: the compiled `bin/skim.js` (built by `npm test` and `prepare`). */
const bin = join(import.meta.dirname, "../../bin/skim.js");

export type Run = { code: number | null; stdout: string; stderr: string };

/** A data directory of its own for each run, so no test sees another's database. */
const freshData = () => ({ SKIM_DATA_DIR: mkdtempSync(join(tmpdir(), "skim-data-")) });

/**
 * Runs `skim` with the given arguments, stdin text and environment. The environment is clean:
 * the developer's own SKIM_* settings must not leak into a test.
 */
export function runSkim(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env["PATH"] ?? "", ...freshData(), ...options.env }, cwd: tmpdir() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

export type RunningSkim = {
  /** Everything written to stderr so far (logs). */
  stderr: () => string;
  stdout: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number | null>;
  exited: Promise<number | null>;
  /** Writes to stdin (only with `{ stdin: true }`: a console chat typed line by line). */
  write: (text: string) => void;
};

/** Starts `skim run` as a long-lived process, as `npm start` would, for the platform adapters' tests. */
export function startSkim(env: Record<string, string>, args: string[] = [], options: { stdin?: boolean } = {}): RunningSkim {
  const child = spawn(process.execPath, [bin, "run", ...args], {
    env: { PATH: process.env["PATH"] ?? "", ...freshData(), ...env },
    cwd: tmpdir(),
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    write: (text) => {
      if (!child.stdin) throw new Error("startSkim: started without { stdin: true }");
      child.stdin.write(text);
    },
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
