import { createInterface } from "node:readline";
import type { Config } from "../../config/index.js";
import { extractArticle } from "../extract/index.js";
import type { Article } from "../extract/types.js";
import type { Logger } from "../log.js";
import { renderPlain } from "../render/plain.js";
import { fail, ok, type Result } from "../result.js";
import { LENGTH_SENTENCES, MAX_SENTENCES, summarize, type SummarizeOptions } from "../summarize/index.js";
import type { SummaryLength } from "../summarize/types.js";
import { extractFile, extractUrl, isUrl } from "./extractInput.js";

export type SummarizeArgs = { input?: string; json: boolean; jsonl: boolean; options: SummarizeOptions };

export const SUMMARIZE_USAGE = `usage: skim summarize <url|file|-> [--json] [--sentences N] [--length short|medium|long]
       skim summarize --jsonl < lines.jsonl
  Prints the digest of a page, a .html/.html.gz/.txt file, or stdin (-).
  --json           the digest as one JSON object
  --sentences N    how many sentences (1-${MAX_SENTENCES}); default 3
  --length L       short (2), medium (3) or long (5) sentences
  --jsonl          read {"id", "text"|"html"|"url"} lines on stdin, write {"id", "title", "bullets", "summary"} lines`;

const LENGTHS = Object.keys(LENGTH_SENTENCES) as SummaryLength[];

export function parseSummarizeArgs(argv: readonly string[]): Result<SummarizeArgs, string> {
  const args: SummarizeArgs = { json: false, jsonl: false, options: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "--json") args.json = true;
    else if (flag === "--jsonl") args.jsonl = true;
    else if (flag === "--sentences") {
      const v = value();
      if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_SENTENCES) return fail(`--sentences: expected a number from 1 to ${MAX_SENTENCES}`);
      args.options.sentences = Number(v);
    } else if (flag === "--length") {
      const v = value();
      if (!LENGTHS.includes(v as SummaryLength)) return fail(`--length: expected one of ${LENGTHS.join(", ")}`);
      args.options.length = v as SummaryLength;
    } else if (a !== "-" && a.startsWith("-")) return fail(`unknown option ${a}`);
    else if (args.input !== undefined) return fail("one input at a time (use --jsonl for batches)");
    else args.input = a;
  }
  if (args.jsonl && args.input !== undefined) return fail("--jsonl reads stdin: give no input");
  if (!args.jsonl && args.input === undefined) return fail("no input given (a URL, a file, or - for stdin)");
  return ok(args);
}

export type SummarizeDeps = { config: Config; log: Logger; stdout: (s: string) => void; stdin: NodeJS.ReadableStream };

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

async function loadArticle(input: string, deps: SummarizeDeps): Promise<Result<Article & { url?: string }, string>> {
  if (input === "-") return ok(extractArticle({ body: await readAll(deps.stdin) }));
  const outcome = isUrl(input) ? await extractUrl(input, deps.config) : extractFile(input, undefined);
  return outcome.ok ? ok(outcome.record) : fail(outcome.message);
}

export async function runSummarize(args: SummarizeArgs, deps: SummarizeDeps): Promise<number> {
  if (args.jsonl) return runJsonl(args, deps);
  const article = await loadArticle(args.input!, deps);
  if (!article.ok) {
    deps.log.error(`${args.input}: ${article.reason}`);
    return 1;
  }
  if (article.value.warning) deps.log.warn(`${args.input}: ${article.value.warning}`);
  const digest = summarize(article.value, args.options);
  deps.stdout(args.json ? JSON.stringify(digest) + "\n" : renderPlain(digest, { textFragments: deps.config.render.textFragments }) + "\n");
  return 0;
}

type JsonlInput = { id?: unknown; text?: unknown; html?: unknown; url?: unknown };

/** One output line per input line, in order; a line that cannot be summarized says why and the batch goes on. */
async function runJsonl(args: SummarizeArgs, deps: SummarizeDeps): Promise<number> {
  let failures = 0;
  const lines = createInterface({ input: deps.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    let id: unknown = null;
    const answer = async (): Promise<Record<string, unknown>> => {
      let item: JsonlInput;
      try {
        item = JSON.parse(line) as JsonlInput;
      } catch {
        return { error: "not a JSON object" };
      }
      if (typeof item !== "object" || item === null || Array.isArray(item)) return { error: "not a JSON object" };
      id = item.id ?? null;
      let article: Article & { url?: string };
      if (typeof item.text === "string") article = extractArticle({ body: item.text, contentType: "text/plain" });
      else if (typeof item.html === "string") article = extractArticle({ body: item.html, contentType: "text/html", ...(typeof item.url === "string" ? { url: item.url } : {}) });
      else if (typeof item.url === "string") {
        const outcome = await extractUrl(item.url, deps.config);
        if (!outcome.ok) return { error: outcome.message };
        article = outcome.record;
      } else return { error: 'expected a "text", "html" or "url" field' };
      const digest = summarize(article, args.options);
      return { title: digest.title, bullets: digest.bullets, summary: digest.bullets.join(" ") };
    };
    const result = await answer();
    if ("error" in result) failures++;
    deps.stdout(JSON.stringify({ id, ...result }) + "\n");
  }
  return failures > 0 ? 1 : 0;
}
