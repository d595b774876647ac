// Prometheus metrics (prom-client), served on a port of their own (METRICS_PORT), never through
// the public one: request durations by route, database pool use, export queue depth and job
// durations, PDF render durations, upload bytes, and Node's own process metrics. With several
// server processes (node:cluster) the primary serves the sum of its workers'.
import cluster from "node:cluster";
import http from "node:http";
import client from "prom-client";
import { singleton } from "./singleton.server";

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const metrics = singleton("metrics", () => {
  client.collectDefaultMetrics();
  return {
    httpDuration: new client.Histogram({
      name: "zcps_http_request_duration_seconds", help: "HTTP requests by route (Remix route id), method and status",
      labelNames: ["route", "method", "status"] as const, buckets: SECONDS,
    }),
    renderDuration: new client.Histogram({
      name: "zcps_pdf_render_duration_seconds", help: "Review-form PDF renders (Chromium), by outcome",
      labelNames: ["outcome"] as const, buckets: SECONDS,
    }),
    jobDuration: new client.Histogram({
      name: "zcps_job_duration_seconds", help: "Background jobs by queue and outcome",
      labelNames: ["queue", "outcome"] as const, buckets: [...SECONDS, 300, 900, 1800],
    }),
    uploadBytes: new client.Counter({ name: "zcps_upload_bytes_total", help: "Bytes of stored uploads (accepted files)" }),
    uploads: new client.Counter({ name: "zcps_uploads_total", help: "Uploads by outcome", labelNames: ["outcome"] as const }),
  };
});

/** Gauges read when scraped (pool use, queue depth): registered once by the server with its sources. */
export function registerGauges(sources: {
  pool: () => { size: number; available: number; using: number; waiting: number } | null;
  queues: () => Promise<{ queue: string; state: string; count: number }[]>;
}) {
  singleton("metrics-gauges", () => {
    new client.Gauge({
      name: "zcps_db_pool_connections", help: "Database pool connections by state (Postgres)", labelNames: ["state"] as const,
      collect() {
        const p = sources.pool();
        if (!p) return;
        for (const [state, n] of Object.entries(p)) this.set({ state }, n);
      },
    });
    new client.Gauge({
      name: "zcps_queue_jobs", help: "Jobs by queue and state (queued, running)", labelNames: ["queue", "state"] as const,
      async collect() {
        this.reset();
        for (const r of await sources.queues().catch(() => [])) this.set({ queue: r.queue, state: r.state }, r.count);
      },
    });
    return true;
  });
}

/** Serves /metrics on `port` (all interfaces: the scraper is another machine; keep the port off
 * the public network). In a cluster's primary: the workers' metrics summed. */
export function startMetricsServer(port: number, host: string) {
  const aggregator = cluster.isPrimary && Object.keys(cluster.workers ?? {}).length ? new client.AggregatorRegistry() : null;
  const server = http.createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    const text = aggregator ? aggregator.clusterMetrics() : client.register.metrics();
    text.then(
      (body) => res.writeHead(200, { "Content-Type": client.register.contentType }).end(body),
      (e) => res.writeHead(500, { "Content-Type": "text/plain" }).end(String(e?.message ?? e)),
    );
  });
  server.on("error", (e) => console.error(`[metrics] ${e.message}`));
  server.listen(port, host);
  return server;
}
