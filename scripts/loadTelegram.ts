/**
 * The chat load test of `npm run bench`: 200 links posted at once to Skim through a fake Telegram
 * Bot API (pages served on 127.0.0.1). Every link must be answered exactly once; prints the
 * latency from posting to reply (p50/p95/max), the total time and Skim's peak memory.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { startFakeTelegram } from "../test/fakes/telegram.js";

const LINKS = 200;
/** Pages answer after this long, like a server somewhere else. */
const PAGE_DELAY_MS = 50;
const DEADLINE_MS = 60_000;

const page = (i: number) => `<html lang="en"><head><title>Load story ${i}</title></head><body><article>${Array.from(
  { length: 6 },
  (_, k) => `<p>Paragraph ${k} of load story ${i} says what happened, where, when and why it matters to the readers of this test.</p>`,
).join("")}</article></body></html>`;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;

function peakRssMb(pid: number): number | null {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const pages = createServer((req, res) => {
    const n = Number(/\/story\/(\d+)/.exec(req.url ?? "")?.[1] ?? -1);
    setTimeout(() => res.writeHead(n >= 0 ? 200 : 404, { "content-type": "text/html" }).end(n >= 0 ? page(n) : "gone"), PAGE_DELAY_MS);
  });
  await new Promise<void>((r) => pages.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  const fake = await startFakeTelegram();
  const bin = fileURLToPath(new URL("../../bin/skim.js", import.meta.url));
  const child = spawn(process.execPath, [bin, "run"], {
    env: { PATH: process.env["PATH"] ?? "", TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, SKIM_ALLOW_PRIVATE_HOSTS: "true", SKIM_LOG_LEVEL: "warn" },
    cwd: tmpdir(),
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await fake.waitFor("getUpdates", undefined, 15_000);
    const postedAt = new Map<number, number>();
    const start = Date.now();
    for (let i = 0; i < LINKS; i++) {
      // Many readers, one link each: a community posting at once, not one user flooding.
      const chatId = 500_000 + i;
      const from = { id: chatId, is_bot: false, first_name: `Reader ${i}` };
      fake.pushUpdate(fake.message({ chat: { id: chatId, type: "private", first_name: from.first_name }, from, text: `${base}/story/${i}` }));
      postedAt.set(chatId, Date.now());
    }
    const answered = () => fake.calls("sendMessage").filter((c) => /Load story \d+/.test(String(c.params["text"])));
    while (answered().length < LINKS && Date.now() - start < DEADLINE_MS) await new Promise((r) => setTimeout(r, 50));
    const replies = answered();
    const perChat = new Map<number, number>();
    for (const c of replies) perChat.set(Number(c.params["chat_id"]), (perChat.get(Number(c.params["chat_id"])) ?? 0) + 1);
    const latencies = replies.map((c) => c.at - (postedAt.get(Number(c.params["chat_id"])) ?? c.at)).sort((a, b) => a - b);
    const total = Math.max(...replies.map((c) => c.at)) - start;
    const rss = peakRssMb(child.pid!);
    const out = [
      `\nchat load test: ${LINKS} links posted at once through the fake Telegram API (pages answer in ${PAGE_DELAY_MS} ms):`,
      `answered ${perChat.size}/${LINKS} chats, ${replies.length - perChat.size} duplicate replies, all done in ${total} ms`,
      `latency from post to reply: p50 ${quantile(latencies, 0.5)} ms  p95 ${quantile(latencies, 0.95)} ms  max ${latencies[latencies.length - 1]} ms`,
      `skim peak RSS: ${rss === null ? "n/a" : `${rss.toFixed(0)} MB`}`,
    ];
    process.stdout.write(out.join("\n") + "\n");
    if (perChat.size !== LINKS || replies.length !== LINKS) process.exitCode = 1;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("close", r));
    await fake.close();
    await new Promise<void>((r) => pages.close(() => r()));
  }
}

await main();
