/**
 * What Skim counts for operators. The core records through this small interface; the Prometheus
 * implementation (prom-client, loaded only when the HTTP server runs) names every series `skim_…`.
 * Without a server the no-op version costs nothing.
 */
export type Outcome = "digest" | "failure" | "notice" | "info" | "silence" | "daily";

export type Metrics = {
  request(platform: string, outcome: Outcome): void;
  fetchSeconds(seconds: number, ok: boolean): void;
  summarizeSeconds(seconds: number): void;
  cache(hit: boolean): void;
  digest(sent: boolean): void;
  /** Reports the current depth of a platform's work queue when scraped. */
  queueDepth(platform: string, read: () => number): void;
};

export const noMetrics: Metrics = {
  request: () => {},
  fetchSeconds: () => {},
  summarizeSeconds: () => {},
  cache: () => {},
  digest: () => {},
  queueDepth: () => {},
};

export type PrometheusMetrics = Metrics & { contentType: string; render(): Promise<string> };

export async function createPrometheusMetrics(): Promise<PrometheusMetrics> {
  const client = await import("prom-client");
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "skim_process_" });
  const requests = new client.Counter({ name: "skim_requests_total", help: "Chat messages handled, by platform and outcome", labelNames: ["platform", "outcome"], registers: [registry] });
  const fetches = new client.Histogram({
    name: "skim_fetch_seconds",
    help: "Time to fetch and extract a page",
    labelNames: ["result"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20],
    registers: [registry],
  });
  const summaries = new client.Histogram({ name: "skim_summarize_seconds", help: "Time to summarize an article", buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1], registers: [registry] });
  const cacheLookups = new client.Counter({ name: "skim_cache_lookups_total", help: "Article cache lookups, by result (hit ratio = hit / all)", labelNames: ["result"], registers: [registry] });
  const digests = new client.Counter({ name: "skim_digests_total", help: "Daily digests, by result", labelNames: ["result"], registers: [registry] });
  const depths = new Map<string, () => number>();
  new client.Gauge({
    name: "skim_queue_depth",
    help: "Messages waiting to be handled, by platform",
    labelNames: ["platform"],
    registers: [registry],
    collect() {
      for (const [platform, read] of depths) this.set({ platform }, read());
    },
  });
  for (const result of ["hit", "miss"]) cacheLookups.inc({ result }, 0);
  for (const result of ["sent", "failed"]) digests.inc({ result }, 0);
  return {
    request: (platform, outcome) => requests.inc({ platform, outcome }),
    fetchSeconds: (seconds, ok) => fetches.observe({ result: ok ? "ok" : "failed" }, seconds),
    summarizeSeconds: (seconds) => summaries.observe(seconds),
    cache: (hit) => cacheLookups.inc({ result: hit ? "hit" : "miss" }),
    digest: (sent) => digests.inc({ result: sent ? "sent" : "failed" }),
    queueDepth: (platform, read) => void depths.set(platform, read),
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
