import { readFileSync } from "node:fs";
import { ConfigError, loadConfig } from "../../config/index.js";
import { createLogger } from "../log.js";


const USAGE = `Skim: summarize what people link to.

usage: skim <command> [options]

commands:
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
  const log = createLogger(config.logLevel);
  switch (command) {
    case "extract": {
      // Each command loads its own modules: extracting never pays for the summarizer, and back.
      const { EXTRACT_USAGE, parseExtractArgs, runExtract } = await import("./extract.js");
      if (rest.includes("--help") || rest.includes("-h")) {
        process.stdout.write(EXTRACT_USAGE + "\n");
        return 0;
      }
      const args = parseExtractArgs(rest);
      if (!args.ok) {
        process.stderr.write(`skim extract: ${args.reason}\n${EXTRACT_USAGE}\n`);
        return 2;
      }
      return runExtract(args.value, { config, log, stdout: (s) => void process.stdout.write(s) });
    }
    case "summarize": {
      const { parseSummarizeArgs, runSummarize, SUMMARIZE_USAGE } = await import("./summarize.js");
      if (rest.includes("--help") || rest.includes("-h")) {
        process.stdout.write(SUMMARIZE_USAGE + "\n");
        return 0;
      }
      const args = parseSummarizeArgs(rest);
      if (!args.ok) {
        process.stderr.write(`skim summarize: ${args.reason}\n${SUMMARIZE_USAGE}\n`);
        return 2;
      }
      return runSummarize(args.value, { config, log, stdout: (s) => void process.stdout.write(s), stdin: process.stdin });
    }
    default:
      process.stderr.write(`skim: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
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
