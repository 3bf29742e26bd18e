// The operations endpoint: GET /metrics (Prometheus text) and GET /healthz (200 or 503 with the state of
// every component as JSON). node:http is enough for two read-only routes.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { IngestMetrics } from "./metrics";

export interface Health {
  status: "ok" | "degraded";
  [component: string]: unknown;
}

export async function startHttp(
  host: string,
  port: number,
  metrics: IngestMetrics,
  health: () => Health,
): Promise<{ server: Server; address: AddressInfo }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/metrics") {
      metrics.text().then(
        (text) => res.writeHead(200, { "Content-Type": metrics.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { "Content-Type": "text/plain" }).end(err.message),
      );
      return;
    }
    if (path === "/healthz") {
      const h = health();
      res.writeHead(h.status === "ok" ? 200 : 503, { "Content-Type": "application/json" }).end(JSON.stringify(h));
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain" }).end("not found: try /metrics or /healthz\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, address: server.address() as AddressInfo };
}
