import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrometheusMetrics } from "../observe/metrics.js";

/**
 * The operator's HTTP endpoints, started only when PORT is set: `/healthz` (the process is alive),
 * `/readyz` (database and platforms connected) and `/metrics` (Prometheus). Other handlers (the
 * Telegram webhook) can be mounted on the same server.
 */
export type ReadinessCheck = () => Promise<Record<string, boolean>>;
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export type OpsServer = { port: number; close(): Promise<void>; mount(route: Route): void };

export async function startOpsServer(port: number, host: string, deps: { metrics: PrometheusMetrics; ready: ReadinessCheck }): Promise<OpsServer> {
  const routes: Route[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (req.method === "GET" && path === "/healthz") return void res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      if (req.method === "GET" && path === "/readyz") {
        const checks = await deps.ready().catch(() => ({ checks: false }));
        const ok = Object.values(checks).every(Boolean);
        return void res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ ready: ok, checks }) + "\n");
      }
      if (req.method === "GET" && path === "/metrics") return void res.writeHead(200, { "content-type": deps.metrics.contentType }).end(await deps.metrics.render());
      for (const route of routes) if (await route(req, res)) return;
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("error\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    mount: (route) => void routes.push(route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
