import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "./metrics.js";

/** `GET /healthz` for load balancers and `GET /metrics` for Prometheus; anything else passes on. */
export function operationsRoutes(metrics: Metrics) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("ok\n");
      return true;
    }
    if (path === "/metrics") {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType }).end(body);
      return true;
    }
    return false;
  };
}
