import { readFileSync } from "node:fs";
import { ConfigError, loadConfig, type Config } from "../../config/index.js";
import { createLogger, scrubber, type Logger } from "../log.js";
import type { Result } from "../result.js";


const USAGE = `Skim: summarize what people link to.

usage: skim <command> [options]

commands:
  run                     run the bot (console chat, or Telegram/Discord when their tokens are set)
  summarize <url|file|->  print the digest of a page: title, source and the sentences that matter
  extract <file|url>...   print the article text of pages or files (see skim extract --help)
  help                    show this help
  --version               print the version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-v") {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`skim: configuration error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const log = command === "run" ? await runLogger(config) : createLogger(config.logLevel);
  const deps = { config, log, stdout: (s: string) => void process.stdout.write(s), stdin: process.stdin };
  switch (command) {
    // Each command loads its own modules: extracting never pays for the summarizer, and back.
    case "extract": {
      const m = await import("./extract.js");
      return runCommand(command, rest, m.EXTRACT_USAGE, m.parseExtractArgs, (args) => m.runExtract(args, deps));
    }
    case "summarize": {
      const m = await import("./summarize.js");
      return runCommand(command, rest, m.SUMMARIZE_USAGE, m.parseSummarizeArgs, (args) => m.runSummarize(args, deps));
    }
    case "run": {
      const m = await import("./run.js");
      return runCommand(command, rest, m.RUN_USAGE, m.parseRunArgs, (args) => m.runBot(args, deps));
    }
    default:
      process.stderr.write(`skim: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

/** The part every command shares: --help, and bad usage explained with exit code 2. */
async function runCommand<A>(
  name: string,
  argv: readonly string[],
  usage: string,
  parse: (argv: readonly string[]) => Result<A, string>,
  run: (args: A) => Promise<number>,
): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage + "\n");
    return 0;
  }
  const args = parse(argv);
  if (!args.ok) {
    process.stderr.write(`skim ${name}: ${args.reason}\n${usage}\n`);
    return 2;
  }
  return run(args.value);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`skim: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);

/** The bot's logs: JSON for log collectors, text on a terminal; either way without secrets. */
async function runLogger(config: Config): Promise<Logger> {
  const password = config.databaseUrl ? safePassword(config.databaseUrl) : null;
  const scrub = scrubber([config.telegram?.token, config.telegram?.webhook?.secret, config.discord?.token, config.llm?.apiKey, password]);
  const json = config.logFormat === "json" || (config.logFormat === "auto" && process.stderr.isTTY !== true);
  if (!json) return createLogger(config.logLevel, undefined, scrub);
  const { createJsonLogger } = await import("../observe/logs.js");
  return createJsonLogger(config.logLevel, scrub);
}

function safePassword(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url).password) || null;
  } catch {
    return null;
  }
}
