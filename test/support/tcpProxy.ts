import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy of our own in front of PostgreSQL, so tests can make the database unreachable
 * without touching the machine's shared server: `cut()` drops every connection and refuses new
 * ones (ECONNREFUSED), `open()` accepts again on the same port.
 */
export type TcpProxy = {
  port: number;
  open(): Promise<void>;
  cut(): Promise<void>;
  /** Connections accepted so far. */
  accepted(): number;
};

export function tcpProxy(target: { host: string; port: number }, port: number): TcpProxy {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let accepted = 0;
  const proxy: TcpProxy = {
    port,
    accepted: () => accepted,
    open: async () => {
      if (server) return;
      const s = createServer((client) => {
        accepted++;
        const upstream = connect(target.port, target.host);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const close = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", close).on("close", close);
        upstream.on("error", close).on("close", close);
      });
      server = s;
      await new Promise<void>((resolve, reject) => s.once("error", reject).listen(port, "127.0.0.1", () => resolve()));
    },
    cut: async () => {
      const s = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (s) await new Promise<void>((r) => s.close(() => r()));
    },
  };
  return proxy;
}

/** `url` with its host and port replaced by the proxy's. */
export function throughProxy(url: string, proxy: TcpProxy, schema: string): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(proxy.port);
  u.searchParams.set("schema", schema);
  return u.href;
}
