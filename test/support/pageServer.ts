import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A local HTTP server for fetcher tests: routes are registered per test, every request is
 * logged (so SSRF tests can prove nothing arrived), and close() tears down stalled responses.
 */

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export type LoggedRequest = {
  path: string;
  headers: IncomingMessage["headers"];
  /** The local address the connection arrived on (e.g. 127.0.0.1, ::1, ::ffff:127.0.0.2). */
  localAddress: string;
};

export type PageServer = {
  host: string;
  port: number;
  /** `http://host:port` + path, with IPv6 hosts bracketed. */
  url(path: string): string;
  route(path: string, handler: Handler): void;
  /** Every request received, in order. */
  readonly requests: LoggedRequest[];
  requestsTo(path: string): LoggedRequest[];
  close(): Promise<void>;
};

export async function startPageServer(options: { host?: string } = {}): Promise<PageServer> {
  const host = options.host ?? "127.0.0.1";
  const routes = new Map<string, Handler>();
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ path, headers: req.headers, localAddress: req.socket.localAddress ?? "" });
    // "*" catches every path without a route of its own.
    const handler = routes.get(path) ?? routes.get("*");
    if (handler === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("no route");
      return;
    }
    handler(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const printable = host.includes(":") ? `[${host}]` : host;

  return {
    host,
    port,
    url: (path) => `http://${printable}:${port}${path}`,
    route: (path, handler) => void routes.set(path, handler),
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Write `chunks` with a pause between them; stops when the client goes away. */
export function drip(res: ServerResponse, chunks: readonly (string | Buffer)[], everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    const chunk = chunks[i++];
    if (res.destroyed || chunk === undefined) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(chunk);
  }, everyMs);
  res.on("close", () => clearInterval(timer));
}
