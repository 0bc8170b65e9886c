import type { IncomingMessage, ServerResponse } from "node:http";
import type { Drain } from "./drain.js";
import type { Metrics } from "./metrics.js";

/**
 * `GET /healthz` for load balancers and `GET /metrics` for Prometheus; anything else passes on. While
 * the process shuts down the health check fails first, so a load balancer stops sending to it.
 */
export function operationsRoutes(metrics: Metrics, drain?: Drain) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz") {
      const closing = drain?.isClosing;
      res
        .writeHead(closing ? 503 : 200, { "content-type": "text/plain; charset=utf-8" })
        .end(closing ? "shutting down\n" : "ok\n");
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
