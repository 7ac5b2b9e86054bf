import { describe, expect, it } from "vitest";
import { startFakeTelegram } from "../fakes/telegram.js";
import { startPageServer } from "../support/pageServer.js";
import { startSkim } from "../support/runSkim.js";

describe("shutdown", () => {
  it("waits for work in flight on the first signal, and exits at once on a second", async () => {
    const pages = await startPageServer({ host: "127.0.0.1" });
    pages.route("/stall", () => {}); // never answers: a page being read when the signal comes
    const fake = await startFakeTelegram();
    const skim = startSkim({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, SKIM_ALLOW_PRIVATE_HOSTS: "true", SKIM_LOG_LEVEL: "info" });
    try {
      await fake.waitFor("getUpdates", undefined, 10_000);
      fake.pushUpdate(fake.message({ chat: "private", text: pages.url("/stall") }));
      await fake.waitFor("sendChatAction", undefined, 10_000); // reading has started
      const exited = skim.exited;
      const stop = skim.stop(); // SIGTERM
      await new Promise((r) => setTimeout(r, 500));
      expect(skim.stderr()).toMatch(/SIGTERM: stopping/);
      let done = false;
      void exited.then(() => (done = true));
      expect(done).toBe(false); // still finishing the page in flight
      const started = Date.now();
      await skim.stop(); // the second SIGTERM
      expect(await stop).toBe(130);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await skim.stop();
      await fake.close();
      await pages.close();
    }
  });
});
