/**
 * The soak test of `npm run bench` (also alone: `npm run build:scripts && node dist/scripts/soak.js`):
 * 10,000 messages through the fake Telegram Bot API to one `skim run` process (long polling, SQLite
 * in a fresh data directory, the default deployment), pages served on 127.0.0.1. The messages are a
 * mix of good links, bad links (404, 500, reset connections, pages slower than the fetch deadline,
 * redirect loops, PDFs), hostile pages (20,000-deep nesting, a 1 MB line without punctuation, 50,000
 * links, binary noise served as HTML, script-only pages, invalid UTF-8, a paywall, a gzip bomb),
 * a few commands, and plain chatter.
 *
 * Every message with a link or a command must be answered exactly once (in a private chat a failure
 * is answered too: "Could not summarize …"), chatter never; Skim must not crash; its resident memory
 * at the end must be within 20% of its level after the first 1,000 messages (both read at rest, see
 * QUIET_MS). Prints the figures; exits 1 when any of that fails.
 *
 * Load: at most WINDOW messages due an answer are outstanding at any time (a sliding window rather
 * than batches, so the process is under steady load rather than bursts and lulls). Messages come
 * from USERS private chats in turn, so that no user spends more than MESSAGES / USERS rate-limit
 * tokens: fewer than a user's burst, so "slow down" never comes up (it would be counted apart).
 *
 * The fetch deadline is 5 s, not Skim's default 15 s, so that slow pages do not stretch the run; at
 * 2 s most hostile pages timed out under load before they were ever parsed, which tests nothing.
 *
 * For looking into a run: SOAK_MESSAGES (default 10000), SOAK_KINDS (e.g. "hostile,chatter"),
 * SOAK_FETCH_TIMEOUT_MS, SOAK_LOG_LEVEL (Skim's, default warn), SOAK_SKIM_LOG=<file> (Skim's whole
 * stderr), SOAK_DUMP=<file> (every message and its answers, JSON lines).
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import WebSocket from "ws";
import { startFakeTelegram, type RecordedCall } from "../test/fakes/telegram.js";

const MESSAGES = Number(process.env["SOAK_MESSAGES"] ?? 10_000);
/** Messages due an answer that may be outstanding at once. */
const WINDOW = 128;
/** Private chats the messages come from, in turn: MESSAGES / USERS messages each, under the user burst of 6. */
const USERS = Math.max(1, Math.ceil(MESSAGES / 4));
/** Good pages answer after this long, like a server somewhere else. */
const PAGE_DELAY_MS = 20;
/** Skim's whole-fetch deadline for this run; the slow page takes SLOW_PAGE_MS. */
const FETCH_TIMEOUT_MS = Number(process.env["SOAK_FETCH_TIMEOUT_MS"] ?? 5_000);
const SLOW_PAGE_MS = FETCH_TIMEOUT_MS * 3;
/** A message unanswered this long leaves the window (it is reported missing unless answered later). */
const STUCK_MS = 60_000;
/**
 * After the first MEMORY_MARK messages and after the last, no new message until every answer due is
 * in, then this long at rest, before reading Skim's memory: the two readings are taken alike, not one
 * mid-load and one idle: longer than the extract worker's idle recycling (5 s), and each reading is
 * taken after a full GC in Skim (fullGc), else it measures when V8 last collected, not what Skim
 * holds. The last rest also gives late, duplicate or unwanted replies time to come.
 */
const QUIET_MS = 8_000;
const DEADLINE_MS = 40 * 60_000;
/** RSS at the end may exceed its level after the first MEMORY_MARK messages by this share at most. */
const MEMORY_MARK = Math.min(1_000, Math.floor(MESSAGES / 10));
const MAX_GROWTH = 0.2;

// ---------------------------------------------------------------------------------------------------
// The mix

type Kind = "good" | "multi" | "bad" | "hostile" | "command" | "chatter";
/** Share of the messages, and the variants taken in turn within a kind. */
const MIX: Record<Kind, { share: number; variants: readonly string[] }> = {
  good: { share: 0.4, variants: ["article"] },
  // One fresh article and one of a few popular ones (cache hits), in a sentence.
  multi: { share: 0.04, variants: ["fresh+popular", "good+404"] },
  bad: { share: 0.15, variants: ["404", "500", "reset", "slow", "redirect-loop", "pdf"] },
  hostile: { share: 0.15, variants: ["deep-nesting", "huge-line", "50k-links", "binary-noise", "script-only", "invalid-utf8", "paywall", "gzip-bomb"] },
  command: { share: 0.03, variants: ["/help", "/start", "/settings", "/auto"] },
  chatter: { share: 0.23, variants: ["chatter"] },
};
/** SOAK_KINDS=good,chatter narrows the mix (for looking into one kind); the shares are rescaled. */
const only = (process.env["SOAK_KINDS"] ?? "").split(",").map((k) => k.trim()).filter((k) => k !== "");
const KINDS = (Object.keys(MIX) as Kind[]).filter((k) => only.length === 0 || only.includes(k));

type Planned = {
  i: number;
  kind: Kind;
  variant: string;
  chatId: number;
  text: string;
  /** Whether Skim owes this message an answer (links and commands in a private chat). */
  due: boolean;
  messageId?: number;
  postedAt?: number;
  /** Successful sendMessage calls in reply to it. */
  answers: RecordedCall[];
  /** sendMessage calls for it that the Bot API refused (bad HTML, too long…). */
  refused: RecordedCall[];
};

/** mulberry32: the same mix every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHATTER = [
  "good morning everyone",
  "did anyone see the game last night? unbelievable finish",
  "lol 😂😂😂",
  "I'll be 10 minutes late, start without me",
  "Привет! Как дела?",
  "今日はいい天気ですね",
  "ok",
  "can someone explain why the build is red again",
  "const x = items.map((i) => i * 2); // does this copy?",
  "👍",
  "meeting moved to 3pm, same room",
  "that article yesterday was way too long to read on the bus",
  "mañana no puedo, lo siento",
  "¯\\_(ツ)_/¯",
  "thanks!! see you all on friday",
  `${"a very long message without any link in it, just people talking at length about nothing in particular ".repeat(30)}`,
];

function plan(base: string): Planned[] {
  const rnd = random(20240611);
  const counts = new Map<Kind, number>();
  const kinds: Kind[] = [];
  let left = MESSAGES;
  const shares = KINDS.reduce((sum, k) => sum + MIX[k].share, 0);
  for (const [index, kind] of KINDS.entries()) {
    const n = index === KINDS.length - 1 ? left : Math.round((MESSAGES * MIX[kind].share) / shares);
    counts.set(kind, n);
    left -= n;
    for (let k = 0; k < n; k++) kinds.push(kind);
  }
  // Fisher–Yates: kinds interleaved, the same way every run.
  for (let k = kinds.length - 1; k > 0; k--) {
    const j = Math.floor(rnd() * (k + 1));
    [kinds[k], kinds[j]] = [kinds[j]!, kinds[k]!];
  }
  const seen = new Map<Kind, number>();
  return kinds.map((kind, i) => {
    const nth = seen.get(kind) ?? 0;
    seen.set(kind, nth + 1);
    const variants = MIX[kind].variants;
    const variant = variants[nth % variants.length]!;
    const chatId = 600_000_000 + (i % USERS);
    let text: string;
    switch (kind) {
      case "good":
        text = nth % 3 === 0 ? `${base}/article/${i}` : nth % 3 === 1 ? `worth a read: ${base}/article/${i}` : `${base}/article/${i}?utm_source=chat&utm_medium=share`;
        break;
      case "multi":
        text =
          variant === "fresh+popular"
            ? `two for you: ${base}/article/${i} and ${base}/article/popular-${nth % 10}, the second one everybody shares`
            : `this one works ${base}/article/${i} but this one doesn't ${base}/bad/404/${i}`;
        break;
      case "bad":
        text = `${base}/bad/${variant}/${i}`;
        break;
      case "hostile":
        text = `look at this ${base}/hostile/${variant}/${i}`;
        break;
      case "command":
        text = variant;
        break;
      case "chatter":
        text = CHATTER[nth % CHATTER.length]!;
        break;
    }
    return { i, kind, variant, chatId, text, due: kind !== "chatter", answers: [], refused: [] };
  });
}

// ---------------------------------------------------------------------------------------------------
// The pages

const WORDS = "council river market bridge winter season report village teacher engine harvest station museum festival budget coast storm railway library".split(" ");

function article(id: string, paragraphs = 8): string {
  const ps = Array.from({ length: paragraphs }, (_, k) => {
    const w = (n: number) => WORDS[(id.length * 7 + k * 3 + n) % WORDS.length];
    return `<p>Paragraph ${k + 1} of soak story ${id} explains that the ${w(0)} near the ${w(1)} changed in spring. Officials said the ${w(2)} would reopen after the ${w(3)} was repaired, and residents welcomed the news. The ${w(4)} had been closed for ${k + 2} weeks while engineers studied the ${w(5)}.</p>`;
  }).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Soak story ${id}</title></head><body><header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header><article><h1>Soak story ${id}</h1><p class="byline">By A. Reporter</p>\n${ps}</article><footer>© Soak Times</footer></body></html>`;
}

/** Built once: the big pages are the same bytes for every URL that asks for them. */
function hostilePages(): Record<string, { body: Buffer; headers: Record<string, string> }> {
  const html = { "content-type": "text/html; charset=utf-8" };
  const rnd = random(7);
  const deep = `<!doctype html><html><head><title>Deep</title></head><body>${"<div>".repeat(20_000)}<p>Deep inside twenty thousand boxes, the story says that the river rose overnight. The council met in the morning and agreed on a plan. Residents were told to stay away from the bridge.</p>${"</div>".repeat(20_000)}</body></html>`;
  const line: string[] = [];
  for (let size = 0; size < 1_000_000; ) {
    const w = WORDS[Math.floor(rnd() * WORDS.length)]!;
    line.push(w);
    size += w.length + 1;
  }
  const hugeLine = `<!doctype html><html><head><title>One line</title></head><body><article><p>${line.join(" ")}</p></article></body></html>`;
  const links = `<!doctype html><html><head><title>Links</title></head><body><ul>${Array.from({ length: 50_000 }, (_, k) => `<li><a href="/l/${k}">Link number ${k}</a></li>`).join("")}</ul></body></html>`;
  const noise = Buffer.alloc(300_000);
  for (let k = 0; k < noise.length; k++) noise[k] = Math.floor(rnd() * 256);
  const script = `<!doctype html><html><head><title>App</title></head><body><div id="root"></div><script>${"window.__STATE__ = window.__STATE__ || {}; (function(){ var a = [1,2,3].map(function(x){ return x * 2; }); console.log(a); })();\n".repeat(2_000)}</script><noscript>You need to enable JavaScript to run this app.</noscript></body></html>`;
  const bad = Buffer.concat(
    article("with broken bytes")
      .split("</p>")
      .flatMap((part, k) => [Buffer.from(part, "utf8"), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xe2, 0x82, k % 256]), Buffer.from("</p>", "utf8")]),
  );
  const paywall = `<!doctype html><html lang="en"><head><title>Premium story</title><script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Premium story","isAccessibleForFree":false}</script></head><body><article><h1>Premium story</h1><p>The council approved the new budget on Tuesday after a long debate.</p><div class="paywall"><p>Subscribe to continue reading. Already a subscriber? Log in.</p><p>Unlimited access for $1 per month. Start your free trial.</p></div></article></body></html>`;
  return {
    "deep-nesting": { body: Buffer.from(deep), headers: html },
    "huge-line": { body: Buffer.from(hugeLine), headers: html },
    "50k-links": { body: Buffer.from(links), headers: html },
    "binary-noise": { body: noise, headers: { "content-type": "text/html" } },
    "script-only": { body: Buffer.from(script), headers: html },
    "invalid-utf8": { body: bad, headers: html },
    paywall: { body: Buffer.from(paywall), headers: html },
    // 50 MB of text in some 50 kB: past Skim's 5 MB cap once inflated.
    "gzip-bomb": { body: gzipSync(Buffer.alloc(50_000_000, "<p>a</p>")), headers: { ...html, "content-encoding": "gzip" } },
  };
}

type PageServer = { base: string; requests: Map<string, number>; close: () => Promise<void> };

async function startPages(): Promise<PageServer> {
  const hostile = hostilePages();
  const requests = new Map<string, number>();
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    const parts = url.pathname.split("/").filter((p) => p !== "");
    const kind = parts[0] === "article" ? "article" : `${parts[0] ?? ""}/${parts[1] ?? ""}`;
    requests.set(kind, (requests.get(kind) ?? 0) + 1);
    if (parts[0] === "article") {
      setTimeout(() => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(article(parts[1] ?? "x")), PAGE_DELAY_MS);
      return;
    }
    if (parts[0] === "hostile") {
      const page = hostile[parts[1] ?? ""];
      if (page) return void res.writeHead(200, { ...page.headers, "content-length": String(page.body.length) }).end(page.body);
    }
    if (parts[0] === "bad") {
      switch (parts[1]) {
        case "404":
          return void res.writeHead(404, { "content-type": "text/html" }).end("<h1>Not found</h1>");
        case "500":
          return void res.writeHead(500, { "content-type": "text/html" }).end("<h1>Internal Server Error</h1>");
        case "reset":
          return void req.socket.destroy();
        case "redirect-loop": {
          const n = Number(url.searchParams.get("n") ?? 0) + 1;
          return void res.writeHead(302, { location: `${url.pathname}?n=${n}` }).end();
        }
        case "pdf":
          return void res.writeHead(200, { "content-type": "application/pdf", "content-length": String(pdf.length) }).end(pdf);
        case "slow": {
          // Headers at once, then a trickle: the whole-fetch deadline, not the headers one, must end it.
          res.writeHead(200, { "content-type": "text/html" });
          res.write("<html><body><p>");
          const trickle = setInterval(() => res.write("slow "), 200);
          const done = setTimeout(() => res.end("</p></body></html>"), SLOW_PAGE_MS);
          res.once("close", () => {
            clearInterval(trickle);
            clearTimeout(done);
          });
          return;
        }
      }
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("no such page");
  };
  const server = createServer(serve);
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Skim, watched

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createTcpServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: clock ticks (USER_HZ, 100 on Linux)
  } catch {
    return null;
  }
}

function procStatus(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
  } catch {
    return null;
  }
}

type LogSummary = { lines: number; byLevel: Map<string, number>; messages: Map<string, { count: number; example: string }>; other: string[] };

/** Skim's stderr (JSON logs at warn and above): counted by level and by message, numbers and addresses masked. */
function logWatcher(): { feed: (chunk: Buffer) => void; summary: LogSummary } {
  const summary: LogSummary = { lines: 0, byLevel: new Map(), messages: new Map(), other: [] };
  let rest = "";
  const levelName = (l: unknown) => (typeof l === "number" ? ({ 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" } as Record<number, string>)[l] ?? String(l) : String(l));
  const line = (text: string) => {
    if (text.trim() === "") return;
    summary.lines++;
    let level = "unparsed";
    let msg = text;
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      level = levelName(parsed["level"]);
      msg = String(parsed["msg"] ?? parsed["message"] ?? text);
    } catch {
      if (summary.other.length < 40) summary.other.push(text.slice(0, 300));
    }
    summary.byLevel.set(level, (summary.byLevel.get(level) ?? 0) + 1);
    const key = `${level}: ${msg.replace(/https?:\/\/\S+/g, "<url>").replace(/\d+/g, "N").slice(0, 160)}`;
    const entry = summary.messages.get(key) ?? { count: 0, example: msg.slice(0, 300) };
    entry.count++;
    summary.messages.set(key, entry);
  };
  return {
    summary,
    feed: (chunk) => {
      const text = rest + chunk.toString("utf8");
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      if (rest.length > 100_000) {
        line(rest.slice(0, 100_000));
        rest = "";
      }
      lines.forEach(line);
    },
  };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mb = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "n/a" : `${n.toFixed(0)} MB`);
const pct = (a: number, b: number) => (b === 0 ? "n/a" : `${((a / b) * 100).toFixed(1)}%`);

/** What an answer says, in a few words: digests (with bullets or empty), the failures it names, a notice. */
function outcome(call: RecordedCall): string {
  const text = String(call.params["text"] ?? "");
  if (/^Slow down a little/i.test(text)) return "rate-limit notice";
  if (/^That took longer than \d+ seconds/i.test(text)) return "request-deadline notice";
  const labels: string[] = [];
  // A reply to several links: digests (a bold linked title, then bullets) and failures, blank lines apart.
  for (const part of text.split(/\n\n(?=<b><a |Could not summarize )/)) {
    const failure = /^Could not summarize \S+: (.*)$/s.exec(part);
    if (failure) labels.push(`failure: ${failure[1]!.replace(/\d+(\.\d+)?/g, "N").replace(/\s+/g, " ").slice(0, 70)}`);
    else if (part.startsWith("<b><a ")) labels.push(part.includes("\n• ") ? "digest" : "digest without bullets");
    else labels.push(`other: ${part.replace(/\s+/g, " ").slice(0, 50)}`);
  }
  return labels.join(" + ");
}

// ---------------------------------------------------------------------------------------------------

/** The main thread's V8 heap, from Skim's own /metrics (the extract worker's heap is apart). */
async function heapOf(port: number): Promise<{ usedMb: number; totalMb: number } | null> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? NaN) / 2 ** 20;
    return { usedMb: value("skim_process_nodejs_heap_size_used_bytes"), totalMb: value("skim_process_nodejs_heap_size_total_bytes") };
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const pages = await startPages();
  const fake = await startFakeTelegram();
  const dataDir = mkdtempSync(join(tmpdir(), "skim-soak-"));
  const bin = fileURLToPath(new URL("../../bin/skim.js", import.meta.url));
  const messages = plan(pages.base);
  const metricsPort = await freePort();
  const logs = logWatcher();
  // `--inspect-port=0`: the inspector stays off until SIGUSR1 (see fullGc); then on a free port.
  const child = spawn(process.execPath, ["--inspect-port=0", bin, "run"], {
    env: {
      PATH: process.env["PATH"] ?? "",
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      SKIM_ADAPTERS: "telegram",
      SKIM_ALLOW_PRIVATE_HOSTS: "true",
      SKIM_LOG_LEVEL: process.env["SOAK_LOG_LEVEL"] ?? "warn",
      SKIM_LOG_FORMAT: "json",
      SKIM_DATA_DIR: dataDir,
      SKIM_FETCH_TIMEOUT_MS: String(FETCH_TIMEOUT_MS),
      PORT: String(metricsPort),
    },
    cwd: dataDir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let inspectorUrl: string | null = null;
  child.stderr!.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    const found = /Debugger listening on (ws:\/\/\S+)/.exec(text);
    if (found) inspectorUrl = found[1]!;
    // Node's own inspector notices are not Skim's logs.
    const own = text.replace(/^(?:Debugger (?:listening on|attached|ending on)\b.*|For help, see: https:\/\/nodejs\.org\S*)\n/gm, "");
    if (own !== "") logs.feed(Buffer.from(own));
  });
  /**
   * A full garbage collection in Skim, through its inspector (opened by SIGUSR1), so that the
   * memory read next is what Skim holds, not garbage V8 has not got round to: without it two
   * readings of the same process at rest differ by hundreds of megabytes.
   */
  const fullGc = async (): Promise<boolean> => {
    if (inspectorUrl === null) {
      child.kill("SIGUSR1");
      for (let i = 0; i < 50 && inspectorUrl === null; i++) await sleep(100);
      if (inspectorUrl === null) return false;
    }
    const ws = new WebSocket(inspectorUrl);
    try {
      await new Promise<void>((resolve, reject) => ws.once("open", resolve).once("error", reject));
      const answered = new Promise<void>((resolve) => ws.on("message", (m) => JSON.parse(String(m)).id === 1 && resolve()));
      ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" }));
      await answered;
      await sleep(500);
      return true;
    } catch {
      return false;
    } finally {
      ws.close();
    }
  };
  // SOAK_SKIM_LOG=<file> keeps Skim's stderr whole, for looking into a run.
  const logPath = process.env["SOAK_SKIM_LOG"];
  if (logPath) child.stderr!.pipe(createWriteStream(logPath));
  let exited: { code: number | null; signal: NodeJS.Signals | null; at: number } | null = null;
  child.on("exit", (code, signal) => (exited = { code, signal, at: Date.now() }));
  const pid = child.pid!;
  const samples: { done: number; when: "load" | "rest"; at: number; rssMb: number }[] = [];
  /** Time spent at rest for the memory readings: not load, left out of the throughput. */
  let restMs = 0;
  const loadBefore = loadavg()[0]!;
  let markRss: number | null = null;
  let endOfLoadRss: number | null = null;
  let endRss: number | null = null;
  let markHeap: Awaited<ReturnType<typeof heapOf>> = null;
  /** Whether each rest reading followed a full GC. */
  const gcs: boolean[] = [];
  let endHeap: Awaited<ReturnType<typeof heapOf>> = null;
  let hwm: number | null = null;
  const started = Date.now();
  let lastAnswerAt = started;
  const unmatched: RecordedCall[] = [];

  try {
    await fake.waitFor("getUpdates", undefined, 15_000);
    const byMessageId = new Map<number, Planned>();
    const outstanding = new Set<Planned>();
    let cursor = 0;
    /** Reads the sendMessage calls that arrived since last time and matches them to their messages. */
    const collect = () => {
      const calls = fake.calls("sendMessage");
      for (; cursor < calls.length; cursor++) {
        const call = calls[cursor]!;
        const rp = call.params["reply_parameters"] as { message_id?: unknown } | undefined;
        const target = typeof rp?.message_id === "number" ? byMessageId.get(rp.message_id) : undefined;
        if (!target || Number(call.params["chat_id"]) !== target.chatId) {
          unmatched.push(call);
          continue;
        }
        if (call.response?.ok !== true) {
          target.refused.push(call);
          continue;
        }
        target.answers.push(call);
        lastAnswerAt = Math.max(lastAnswerAt, call.at);
        outstanding.delete(target);
      }
    };
    /** Messages 0..k-1 all settled: answered when due, or posted when not. */
    let settledPrefix = 0;
    const advancePrefix = (pushed: number) => {
      while (settledPrefix < pushed) {
        const m = messages[settledPrefix]!;
        if (m.due && m.answers.length === 0 && Date.now() - m.postedAt! < STUCK_MS) break;
        settledPrefix++;
      }
    };
    const sample = (done: number, when: "load" | "rest") => {
      const s = procStatus(pid);
      if (s) {
        samples.push({ done, when, at: Date.now() - started, rssMb: s.rssMb });
        hwm = s.hwmMb;
      }
      return s?.rssMb ?? null;
    };
    let nextSample = 1_000;
    let pushed = 0;
    let restAtMark = false;
    while ((pushed < messages.length || outstanding.size > 0) && Date.now() - started < DEADLINE_MS && exited === null) {
      if (pushed === MEMORY_MARK && !restAtMark) {
        if (outstanding.size === 0) {
          restAtMark = true;
          await sleep(QUIET_MS);
          collect();
          gcs.push(await fullGc());
          markRss = sample(MEMORY_MARK, "rest");
          markHeap = await heapOf(metricsPort);
          restMs += QUIET_MS;
        }
      }
      while (pushed < messages.length && outstanding.size < WINDOW && (pushed !== MEMORY_MARK || restAtMark)) {
        const m = messages[pushed++]!;
        const update = fake.message({ chat: { id: m.chatId, type: "private", first_name: `Reader ${m.chatId}` }, from: { id: m.chatId, is_bot: false, first_name: `Reader ${m.chatId}`, username: `reader_${m.chatId}` }, text: m.text });
        m.messageId = (update as { message: { message_id: number } }).message.message_id;
        byMessageId.set(m.messageId, m);
        m.postedAt = Date.now();
        fake.pushUpdate(update);
        if (m.due) outstanding.add(m);
      }
      await sleep(25);
      collect();
      for (const m of outstanding) if (Date.now() - m.postedAt! > STUCK_MS) outstanding.delete(m);
      advancePrefix(pushed);
      while (settledPrefix >= nextSample) {
        sample(nextSample, "load");
        nextSample += 1_000;
      }
    }
    endOfLoadRss = sample(settledPrefix, "load");
    // Late replies, duplicates, answers to chatter: they would come now.
    await sleep(QUIET_MS);
    collect();
    gcs.push(await fullGc());
    endRss = sample(settledPrefix, "rest");
    endHeap = await heapOf(metricsPort);
    const skimCpu = cpuSeconds(pid);
    const loadMs = lastAnswerAt - started - restMs;

    // --- figures ------------------------------------------------------------------------------------
    const due = messages.filter((m) => m.due);
    const answered = due.filter((m) => m.answers.length > 0);
    const missing = due.filter((m) => m.answers.length === 0);
    const notPosted = messages.filter((m) => m.postedAt === undefined).length;
    const extra = due.filter((m) => m.answers.length > 1);
    const sameTextTwice = extra.filter((m) => new Set(m.answers.map((a) => String(a.params["text"]))).size < m.answers.length);
    const chatterAnswered = messages.filter((m) => !m.due && m.answers.length > 0);
    const refused = messages.filter((m) => m.refused.length > 0);
    const rateLimited = answered.filter((m) => m.answers.some((a) => outcome(a) === "rate-limit notice"));
    const latencies = answered.map((m) => m.answers[0]!.at - m.postedAt!).sort((a, b) => a - b);
    const crashed = exited !== null;

    const print = (s: string) => process.stdout.write(s + "\n");
    print(`\nsoak test: ${messages.length} messages through the fake Telegram API to one skim process (SQLite, fetch deadline ${FETCH_TIMEOUT_MS} ms, ${WINDOW} due answers in flight at most, ${USERS} private chats):`);
    print(`  mix: ${KINDS.map((k) => `${k} ${messages.filter((m) => m.kind === k).length}`).join(", ")}`);
    print(`  answered ${answered.length}/${due.length} messages due an answer; missing ${missing.length}${notPosted > 0 ? ` (${notPosted} never posted: the run's deadline of ${DEADLINE_MS / 60_000} min passed)` : ""}; answered more than once ${extra.length} (same text twice: ${sameTextTwice.length}); chatter answered ${chatterAnswered.length}; replies matching no message ${unmatched.length}`);
    print(`  replies refused by the Bot API ${refused.reduce((n, m) => n + m.refused.length, 0)}; rate-limit notices ${rateLimited.length}`);
    print(`  skim process: ${crashed ? `EXITED during the run (code ${exited!.code}, signal ${exited!.signal}) after ${exited!.at - started} ms` : "alive at the end (no crash)"}`);
    print(`  machine: ${cpus().length} CPUs, load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end (other work on the machine slows Skim and stretches latencies)`);
    print(`  total ${(loadMs / 1000).toFixed(1)} s to the last answer (${QUIET_MS / 1000} s at rest after message ${MEMORY_MARK} left out), ${(messages.length / (loadMs / 1000)).toFixed(0)} messages/s (${(answered.length / (loadMs / 1000)).toFixed(0)} answers/s)`);
    print(`  CPU: skim ${skimCpu === null ? "n/a" : `${skimCpu.toFixed(1)} s`} (${skimCpu === null ? "n/a" : pct(skimCpu * 1000, Date.now() - started)} of one core over the run); this process ${(process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6).toFixed(1)} s`);
    print(`  latency from post to reply: p50 ${quantile(latencies, 0.5)} ms  p95 ${quantile(latencies, 0.95)} ms  p99 ${quantile(latencies, 0.99)} ms  max ${latencies[latencies.length - 1] ?? NaN} ms`);
    print("  per variant (answers; latency p50 / max; what the answers said):");
    const variants = [...new Set(messages.map((m) => `${m.kind}/${m.variant}`))];
    for (const v of variants) {
      const ms = messages.filter((m) => `${m.kind}/${m.variant}` === v);
      const lat = ms.filter((m) => m.answers.length > 0).map((m) => m.answers[0]!.at - m.postedAt!).sort((a, b) => a - b);
      const said = new Map<string, number>();
      for (const m of ms) for (const a of m.answers) said.set(outcome(a), (said.get(outcome(a)) ?? 0) + 1);
      const saidText = [...said].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join("; ") || "(none)";
      const answeredHere = ms.filter((m) => m.answers.length > 0).length;
      print(`    ${v.padEnd(24)} ${String(answeredHere).padStart(5)}/${String(ms.length).padEnd(5)} ${lat.length ? `${quantile(lat, 0.5)} / ${lat[lat.length - 1]} ms` : "-"}  ${saidText}`);
    }
    const goodFailed = messages.filter((m) => m.kind === "good" && m.answers.some((a) => outcome(a) !== "digest"));
    if (goodFailed.length > 0) print(`  NOTE: ${goodFailed.length} good links were answered without a digest (see above)`);
    print(`  memory (VmRSS): at rest after the first ${MEMORY_MARK} messages ${mb(markRss ?? undefined)}; under load at the last answer ${mb(endOfLoadRss ?? undefined)}; at rest at the end ${mb(endRss ?? undefined)}; peak (VmHWM) ${mb(hwm ?? undefined)}`);
    const heapText = (h: typeof markHeap) => (h === null ? "n/a" : `${h.usedMb.toFixed(0)} MB used of ${h.totalMb.toFixed(0)} MB`);
    print(`  both readings at rest follow a full GC in Skim: ${gcs.length === 2 && gcs.every((g) => g) ? "yes" : `NO (${gcs.join(", ")}): the readings include garbage`}`);
    print(`  main thread's V8 heap at rest: after the first ${MEMORY_MARK} messages ${heapText(markHeap)}; at the end ${heapText(endHeap)}`);
    print(`  RSS by messages settled: ${samples.map((s) => `${s.done}${s.when === "rest" ? " (rest)" : ""}: ${s.rssMb.toFixed(0)}`).join(", ")}`);
    const growth = markRss !== null && endRss !== null ? endRss / markRss - 1 : NaN;
    const memoryOk = !Number.isNaN(growth) && growth <= MAX_GROWTH;
    print(`  ${memoryOk ? "PASS" : "FAIL"}: RSS at rest at the end ${Number.isNaN(growth) ? "unknown" : `${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)}%`} from its level after the first ${MEMORY_MARK} messages (limit +${MAX_GROWTH * 100}%)`);
    print(`  page server requests: ${[...pages.requests].sort().map(([k, n]) => `${k} ${n}`).join(", ")}`);

    // Examples, so that a failure says where to look.
    const show = (label: string, list: Planned[]) => {
      if (list.length === 0) return;
      print(`  ${label} (${list.length}), e.g.:`);
      for (const m of list.slice(0, 5)) {
        print(`    #${m.i} ${m.kind}/${m.variant} chat ${m.chatId} message ${m.messageId}: ${JSON.stringify(m.text.slice(0, 100))} -> ${m.answers.length} answers${m.refused.length ? `, ${m.refused.length} refused: ${JSON.stringify(m.refused[0]!.response)}` : ""}${m.answers.length ? `: ${m.answers.map((a) => JSON.stringify(String(a.params["text"]).slice(0, 80))).join(" | ")}` : ""}`);
      }
    };
    show("missing", missing);
    show("answered more than once", extra);
    show("chatter answered", chatterAnswered);
    show("refused by the Bot API", refused);
    if (unmatched.length > 0) print(`  replies matching no message: ${unmatched.slice(0, 5).map((c) => JSON.stringify(c.params).slice(0, 160)).join("\n    ")}`);

    // SOAK_DUMP=<file>: every message with its answers, as JSON lines, for looking into a run.
    const dump = process.env["SOAK_DUMP"];
    if (dump) {
      writeFileSync(
        dump,
        messages
          .map((m) => JSON.stringify({ i: m.i, kind: m.kind, variant: m.variant, chatId: m.chatId, messageId: m.messageId, text: m.text.slice(0, 300), postedAt: m.postedAt, answers: m.answers.map((a) => ({ at: a.at, text: a.params["text"] })), refused: m.refused.map((a) => a.response) }))
          .join("\n") + "\n",
      );
    }
    const ok = !crashed && notPosted === 0 && missing.length === 0 && extra.length === 0 && chatterAnswered.length === 0 && unmatched.length === 0 && memoryOk;
    // Skim's own account of the run.
    print(`  skim stderr: ${logs.summary.lines} lines (${[...logs.summary.byLevel].map(([l, n]) => `${l} ${n}`).join(", ") || "none"})`);
    for (const [key, { count, example }] of [...logs.summary.messages].sort((a, b) => b[1].count - a[1].count).slice(0, 12)) {
      print(`    ${String(count).padStart(6)} x ${key}${count === 1 ? "" : `  (e.g. ${JSON.stringify(example.slice(0, 120))})`}`);
    }
    for (const other of logs.summary.other.slice(0, 10)) print(`    | ${other}`);
    print(`  soak: ${ok ? "PASS" : "FAIL"}`);
    if (!ok) process.exitCode = 1;
  } finally {
    if (exited === null) {
      const t0 = Date.now();
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await new Promise((r) => child.once("close", r));
      clearTimeout(killer);
      const stopped = exited as { code: number | null; signal: NodeJS.Signals | null } | null;
      process.stdout.write(`  shutdown on SIGTERM: exit code ${stopped?.code ?? null}${stopped?.signal ? ` (signal ${stopped.signal})` : ""} in ${Date.now() - t0} ms\n`);
      if (stopped?.code !== 0) process.exitCode = 1;
    }
    await fake.close();
    await pages.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
