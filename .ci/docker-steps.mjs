#!/usr/bin/env node
/**
 * No Docker engine runs here, so CI checks what can be checked without one: the Dockerfile's own
 * steps, run in order on a copy of exactly what it COPYs. The build stage's RUN lines run (all but
 * apt-get: the machine has the build tools), the final stage gets what it copies from the build
 * stage, and then the image's ENTRYPOINT + CMD starts with the image's ENV (PORT moved to a free
 * port, paths moved into the copy) and the HEALTHCHECK command must pass against it. Catches: a
 * file the build needs but the Dockerfile does not copy, dev dependencies in the image, a start
 * that fails with production dependencies only, a health check that does not answer.
 *
 * Usage: node .ci/docker-steps.mjs   (from the repository root; exits 1 with the reason on failure)
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

const repo = resolve(dirname(new URL(import.meta.url).pathname), "..");
const say = (s) => process.stderr.write(`docker-steps: ${s}\n`);
const fail = (s) => {
  say(`FAIL: ${s}`);
  process.exit(1);
};

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text) {
  const out = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (current === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    const [word, ...rest] = current.split(/\s+/);
    out.push({ op: word.toUpperCase(), args: rest.join(" ") });
    current = "";
  }
  return out;
}

/** `["a", "b"]` or `a b` as a list of words. */
const words = (args) => (args.trim().startsWith("[") ? JSON.parse(args) : args.split(/\s+/).filter((w) => w !== ""));

const freePort = () =>
  new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
  });

const root = mkdtempSync(join(tmpdir(), "skim-docker-steps-"));
const stages = [];
let stage = null;
for (const { op, args } of instructions(readFileSync(join(repo, "Dockerfile"), "utf8"))) {
  if (op === "FROM") {
    const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
    stage = { name: m?.[2] ?? String(stages.length), base: m?.[1], dir: join(root, `stage-${stages.length}`), workdir: "/", env: {}, entrypoint: [], cmd: [], healthcheck: null };
    mkdirSync(stage.dir, { recursive: true });
    stages.push(stage);
    continue;
  }
  if (stage === null) fail(`${op} before FROM`);
  // Paths inside the image live under the stage's folder here.
  const inImage = (p) => join(stage.dir, p.startsWith("/") ? p : join(stage.workdir, p));
  switch (op) {
    case "WORKDIR":
      stage.workdir = args.startsWith("/") ? args : join(stage.workdir, args);
      mkdirSync(inImage("."), { recursive: true });
      break;
    case "ENV": {
      const m = /^(\S+?)[= ](.*)$/.exec(args);
      if (m) stage.env[m[1]] = m[2].replace(/^"|"$/g, "");
      break;
    }
    case "COPY": {
      const parts = words(args);
      const from = parts[0]?.startsWith("--from=") ? parts.shift().slice("--from=".length) : null;
      const dest = parts.pop();
      const source = from === null ? null : stages.find((s) => s.name === from);
      if (from !== null && !source) fail(`COPY --from=${from}: no such stage`);
      for (const src of parts) {
        const origin = source ? join(source.dir, src.startsWith("/") ? src : join(source.workdir, src)) : join(repo, src);
        if (!existsSync(origin)) fail(`COPY ${src}: not there (${from ? `stage ${from}` : "the repository"})`);
        // Docker's rules: a folder's contents go into dest; files go into dest/ when it is a folder.
        const intoFolder = statSync(origin).isDirectory() || dest.endsWith("/") || dest === "." || parts.length > 1;
        const target = statSync(origin).isDirectory() || !intoFolder ? inImage(dest) : join(inImage(dest), basename(src));
        cpSync(origin, target, { recursive: true });
      }
      break;
    }
    case "RUN":
      if (/^apt-get\b/.test(args)) {
        say(`skip (the machine has its own packages): RUN ${args.slice(0, 60)}…`);
      } else if (stage === stages[stages.length - 1] && stages.length > 1 && !/^npm\b/.test(args)) {
        // The final stage's own RUN lines set up users and folders of the image, not of this machine.
        say(`skip (image setup): RUN ${args}`);
      } else {
        say(`RUN ${args}`);
        const r = spawnSync("bash", ["-c", args], { cwd: inImage("."), stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...stage.env } });
        if (r.status !== 0) fail(`RUN ${args} exited ${r.status}`);
      }
      break;
    case "ENTRYPOINT":
      stage.entrypoint = words(args);
      break;
    case "CMD":
      stage.cmd = words(args);
      break;
    case "HEALTHCHECK": {
      const m = /\bCMD\s+(.*)$/s.exec(args);
      stage.healthcheck = m ? m[1] : null;
      break;
    }
    default:
      break;
  }
}

const image = stages[stages.length - 1];
const app = join(image.dir, image.workdir);
// The lock file flags every package only development needs ("dev": true): none may be in the image.
const locked = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8")).packages ?? {};
const devOnly = Object.entries(locked).filter(([path, p]) => path !== "" && p.dev === true).map(([path]) => path);
const present = devOnly.filter((path) => existsSync(join(app, path)));
if (present.length > 0) fail(`development-only packages in the image: ${present.slice(0, 10).join(", ")}${present.length > 10 ? ", …" : ""}`);
say(`no development-only package in the image (${devOnly.length} in the lock file)`);
if (image.env["NODE_ENV"] !== "production") fail("the image does not set NODE_ENV=production");
if (!image.healthcheck) fail("the image has no HEALTHCHECK");

// Start the image's command as the container would, but on a free port and with paths moved here.
const port = await freePort();
const env = { PATH: process.env.PATH, HOME: root };
for (const [k, v] of Object.entries(image.env)) env[k] = v.startsWith("/") ? join(image.dir, v) : v;
env.PORT = String(port);
if (env.SKIM_DATA_DIR) mkdirSync(env.SKIM_DATA_DIR, { recursive: true });
const [command, ...commandArgs] = [...image.entrypoint, ...image.cmd];
say(`start: ${[command, ...commandArgs].join(" ")} (PORT=${port}, NODE_ENV=${env.NODE_ENV})`);
const child = spawn(command, commandArgs, { cwd: app, env, stdio: ["pipe", "pipe", "pipe"] });
let stdout = "";
let stderr = "";
child.stdout.on("data", (c) => (stdout += c));
child.stderr.on("data", (c) => (stderr += c));
const exited = new Promise((r) => child.once("exit", (code) => r(code)));

let healthy = false;
for (let i = 0; i < 60 && !healthy; i++) {
  await new Promise((r) => setTimeout(r, 250));
  if (child.exitCode !== null) break;
  const probe = spawnSync("sh", ["-c", image.healthcheck], { cwd: app, env, timeout: 5_000 });
  healthy = probe.status === 0;
}
if (!healthy) {
  child.kill("SIGKILL");
  fail(`the HEALTHCHECK never passed; stderr:\n${stderr.slice(-2_000)}`);
}
say("HEALTHCHECK passes");
// The console chat answers as well: the production dependencies are enough to serve a command.
child.stdin.end("/help\n");
const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 20_000))]);
if (code === "timeout") {
  child.kill("SIGKILL");
  fail("the process did not exit at the end of its input");
}
if (code !== 0) fail(`the process exited ${code}; stderr:\n${stderr.slice(-2_000)}`);
if (!/Skim summarizes links/.test(stdout)) fail(`no answer to /help on stdout:\n${stdout.slice(0, 500)}`);
say("the image's command answers /help and exits 0 at the end of its input");
rmSync(root, { recursive: true, force: true });
say("PASS: the Dockerfile's steps work in order on exactly what it copies");
