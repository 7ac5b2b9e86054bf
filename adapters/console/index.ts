import { createInterface } from "node:readline";
import type { Adapter, Core } from "../../src/core.js";
import { renderReply } from "../../src/render/reply.js";
import { toIncoming } from "./translate.js";

/**
 * The console chat: each input line is a message, answered in plain text on stdout before the
 * next line is read. Interactive on a terminal; from a pipe it reads to the end and finishes.
 */
export type ConsoleOptions = {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: boolean;
  /** False: only digests are written; stdin is not read. */
  receive?: boolean;
};

export function createConsoleAdapter(core: Core, options: ConsoleOptions): Adapter {
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let closed = false;
  const lines = options.receive === false ? null : createInterface({ input: options.input, terminal: false, crlfDelay: Infinity });
  const write = (s: string) => void options.output.write(s);
  const prompt = () => {
    if (options.interactive && !closed) write("> ");
  };

  const loop = async () => {
    let n = 0;
    if (options.interactive) write("Skim: paste a link, or type /help. Ctrl-D to quit.\n");
    prompt();
    // Strictly in order: the next line is read only once this one is answered.
    for await (const line of lines ?? []) {
      if (closed) break;
      if (line.trim() === "") {
        prompt();
        continue;
      }
      const reply = await core.handle(toIncoming(line, ++n), {
        isAdmin: async () => true,
        working: () => {
          if (options.interactive) write("(reading…)\n");
        },
      });
      for (const message of renderReply(reply, "plain", core.render)) write(`${message}\n\n`);
      prompt();
    }
    finish();
  };

  return {
    name: "console",
    start: async () => {
      if (options.receive === false) return;
      void loop().catch((err: unknown) => {
        core.log.error(`console: ${err instanceof Error ? err.message : String(err)}`);
        finish();
      });
    },
    stop: async () => {
      closed = true;
      lines?.close();
      finish();
    },
    send: async (_chatId, reply) => {
      for (const message of renderReply(reply, "plain", core.render)) write(`${message}\n\n`);
      return { ok: true };
    },
    finished,
  };
}
