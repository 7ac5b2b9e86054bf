import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram.js";
import { startArticleServer } from "../support/articles.js";
import { startSkim, type RunningSkim } from "../support/runSkim.js";

/**
 * Platform faults survived, each shown against the fake Bot API: Telegram unreachable behind its proxy
 * for a while, a reply refused with 502 or cut off, and a token Telegram does not know.
 */

let pages: Awaited<ReturnType<typeof startArticleServer>>;
let base = "";
beforeAll(async () => {
  pages = await startArticleServer("Faults");
  base = pages.base;
});
afterAll(() => pages.close());

/** A private chat with a reader of its own: each test's requests get their own rate-limit bucket. */
let readers = 0;
function reader(): { chat: { id: number; type: "private"; first_name: string }; from: { id: number; is_bot: false; first_name: string } } {
  const id = 710_000 + ++readers;
  return { chat: { id, type: "private", first_name: `Reader ${id}` }, from: { id, is_bot: false, first_name: `Reader ${id}` } };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type LogLine = { level: string; msg: string };

/** stderr as log lines, whichever format `skim run` writes: text (`skim warn: ...`) or one JSON object a line. */
function logLines(stderr: string): LogLine[] {
  return stderr
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      if (line.startsWith("{")) {
        const { level, msg } = JSON.parse(line) as LogLine;
        return { level, msg };
      }
      const text = /^skim (\w+): (.*)$/.exec(line);
      return text ? { level: text[1]!, msg: text[2]! } : { level: "", msg: line };
    });
}

const logged = (skim: RunningSkim, level: string, msg: RegExp) => logLines(skim.stderr()).filter((l) => l.level === level && msg.test(l.msg));

/** Whether the process is still running (it has not exited within a moment). */
async function alive(skim: RunningSkim): Promise<boolean> {
  return (await Promise.race([skim.exited.then(() => "exited"), sleep(100).then(() => "running")])) === "running";
}

describe("Skim on Telegram when Telegram fails for a while", () => {
  let fake: FakeTelegram;
  let skim: RunningSkim;

  beforeAll(async () => {
    fake = await startFakeTelegram();
    skim = startSkim({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, SKIM_ALLOW_PRIVATE_HOSTS: "true" });
    await fake.waitFor("getUpdates", undefined, 10_000);
  });
  afterAll(async () => {
    expect(await skim.stop()).toBe(0);
    await fake.close();
  });

  /** The sendMessage calls carrying that story's digest. */
  const repliesAbout = (story: string) => fake.calls("sendMessage").filter((c) => String(c.params["text"]).includes(`Story /story/${story}`));

  it("rides out 2.5 s of 502 pages from the proxy: the link posted meanwhile is answered once, afterwards", async () => {
    const over = fake.outage(2_500, { html: true });
    fake.pushUpdate(fake.message({ ...reader(), text: `look at ${base}/story/outage` }));
    await over;
    // telegraf polls again 5 s after a 5xx.
    const sent = await fake.waitFor("sendMessage", (c) => c.response?.ok === true && String(c.params["text"]).includes("Story /story/outage"), 10_000);
    // The poll held when the outage began is answered 502 too, and telegraf waits before the next.
    const refused = fake.calls("getUpdates").filter((c) => c.response?.ok === false && c.response.error_code === 502);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(sent.at).toBeGreaterThan(refused.at(-1)!.at);
    await sleep(300);
    expect(repliesAbout("outage")).toHaveLength(1);
    expect(await alive(skim)).toBe(true);
  });

  it("retries a reply refused with 502 (a proxy's page), with backoff and a warning, and sends it once", async () => {
    fake.failNext("sendMessage", { error_code: 502, html: true, times: 2 });
    fake.pushUpdate(fake.message({ ...reader(), text: `${base}/story/bad-gateway` }));
    await fake.waitFor("sendMessage", (c) => c.response?.ok === true && String(c.params["text"]).includes("Story /story/bad-gateway"), 10_000);
    const attempts = repliesAbout("bad-gateway");
    expect(attempts.map((c) => (c.response?.ok === true ? 200 : c.response?.error_code))).toEqual([502, 502, 200]);
    // Backoff: 0.5 s, then 1 s.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(450);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(950);
    expect(logged(skim, "warn", /^telegram: sendMessage failed \(502: Bad Gateway\), retrying in 0\.5 s$/)).toHaveLength(1);
  });

  it("retries a reply whose connection was cut (ECONNRESET) and sends it once", async () => {
    fake.failNext("sendMessage", { error_code: 502, hangUp: true });
    fake.pushUpdate(fake.message({ ...reader(), text: `${base}/story/reset` }));
    await fake.waitFor("sendMessage", (c) => c.response?.ok === true && String(c.params["text"]).includes("Story /story/reset"), 10_000);
    const attempts = repliesAbout("reset");
    expect(attempts.map((c) => (c.dropped ? "dropped" : c.response?.ok))).toEqual(["dropped", true]);
    expect(logged(skim, "warn", /^telegram: sendMessage failed \(ECONNRESET\), retrying in 0\.5 s$/)).toHaveLength(1);
    expect(skim.stderr()).not.toContain(fake.token);
  });

  it("does not retry a 400: the reply is given up at once", async () => {
    fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: message is too long" });
    fake.pushUpdate(fake.message({ ...reader(), text: `${base}/story/refused` }));
    await fake.waitFor("sendMessage", (c) => c.response?.ok === false && String(c.params["text"]).includes("Story /story/refused"), 10_000);
    await sleep(1_000);
    expect(repliesAbout("refused")).toHaveLength(1);
    expect(logged(skim, "error", /^telegram: update \d+: 400: Bad Request: message is too long$/)).toHaveLength(1);
  });
});

describe("Skim with a token Telegram rejects", () => {
  it("exits 1 with one line saying so, without showing the token or a stack trace", async () => {
    const fake = await startFakeTelegram();
    const wrong = "7000000001:AAWrongTokenForSkimTests_ZyXwVuTsRqPoN";
    try {
      const skim = startSkim({ TELEGRAM_BOT_TOKEN: wrong, TELEGRAM_API_ROOT: fake.apiRoot });
      const code = await Promise.race([skim.exited, sleep(10_000).then(() => skim.stop().then(() => "still running"))]);
      expect(code).toBe(1);
      const stderr = skim.stderr();
      const errors = logLines(stderr).filter((l) => l.level === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]!.msg).toContain("Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token from @BotFather");
      expect(stderr).not.toContain("AAWrongToken");
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(fake.calls("getMe")).toHaveLength(1); // a 401 is not retried
    } finally {
      await fake.close();
    }
  });
});
