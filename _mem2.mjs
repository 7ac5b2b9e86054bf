import { createServer } from "node:http";
import { createArticleReader } from "./dist/src/articles.js";
import { createExtractPool } from "./dist/src/extract/pool.js";
import { parseConfig } from "./dist/config/index.js";
import { createLogger } from "./dist/src/log.js";
import { summarize } from "./dist/src/summarize/index.js";
const WORDS = "council river market bridge winter season report village teacher engine harvest station museum festival budget coast storm railway library".split(" ");
const line = []; for (let s = 0, i = 0; s < 1_000_000; i++) { const w = WORDS[(i * 7) % WORDS.length]; line.push(w); s += w.length + 1; }
const huge = `<!doctype html><html><head><title>One line</title></head><body><article><p>${line.join(" ")}</p></article></body></html>`;
const server = createServer((req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(huge));
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const port = server.address().port;
const log = createLogger("silent");
const mode = process.argv[2];
const pool = mode === "pool" ? createExtractPool({ workers: 1, log }) : null;
const read = createArticleReader({ fetchOptions: { ...parseConfig({}).fetch, allowPrivateHosts: true }, log, ...(pool ? { extract: pool.extract } : {}), cache: { maxChars: Number(process.argv[3] ?? 50_000_000) } });
const m = () => { global.gc(); return (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0); };
console.log("start", m());
for (let i = 0; i < 20; i++) { const a = await read(`http://127.0.0.1:${port}/h/${i}`); if (a.ok) summarize(a.value); }
console.log("after 20", m());
await pool?.close(); server.close();
