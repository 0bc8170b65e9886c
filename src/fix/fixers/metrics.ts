import type { Fixer } from "../fixer.js";
import type { ProposedFile } from "../model.js";
import { freePath, type Service } from "../project.js";
import { serviceTarget, servingDockerfile } from "./service-target.js";

/** The module that serves the same application with Prometheus metrics at `/metrics`. */
export function metricsModulePath(service: Service): string {
  return service.path.replace(/\.py$/, "_metrics.py");
}

const FASTAPI = (s: Service) => `"""${s.module}'s prediction service with Prometheus metrics at /metrics.

Start this module instead of ${s.module}: the same application, with every route's request count, latency
and response size recorded by prometheus-fastapi-instrumentator.
"""

from prometheus_fastapi_instrumentator import Instrumentator

from ${s.module} import ${s.app}

Instrumentator().instrument(${s.app}).expose(${s.app})
`;

const FLASK = (s: Service) => `"""${s.module}'s prediction service with Prometheus metrics at /metrics.

Start this module instead of ${s.module}: the same application, with each request counted and timed by route
and status. Metrics are kept per process: with several gunicorn workers, set up prometheus_client's
multiprocess mode.
"""

import time

from flask import g, request
from prometheus_client import Counter, Histogram, make_wsgi_app
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from ${s.module} import ${s.app}

REQUESTS = Counter(
    "http_requests_total", "Requests answered, by method, route and status.", ["method", "route", "status"]
)
LATENCY = Histogram("http_request_duration_seconds", "Time to answer a request.", ["method", "route"])


@${s.app}.before_request
def _start_timer():
    g.metrics_started = time.perf_counter()


@${s.app}.after_request
def _record(response):
    route = request.url_rule.rule if request.url_rule else "unmatched"
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    started = g.get("metrics_started", time.perf_counter())
    LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
    return response


${s.app}.wsgi_app = DispatcherMiddleware(${s.app}.wsgi_app, {"/metrics": make_wsgi_app()})
`;

const EXPORTER = { fastapi: "prometheus-fastapi-instrumentator", flask: "prometheus-client" } as const;

function prometheusYml(job: string, target: string): string {
  return `# Prometheus scrapes the prediction service's /metrics every 15 seconds. Run it beside the service:
#   docker run -p 9090:9090 -v "$PWD/monitoring/prometheus.yml:/etc/prometheus/prometheus.yml" prom/prometheus
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: ${job}
    metrics_path: /metrics
    static_configs:
      - targets: ["${target}"]
`;
}

/**
 * monitoring.metrics: an exporter for the detected FastAPI or Flask service (a module that wraps the same app,
 * since the service's own file is never rewritten) and a scrape config that collects it.
 */
export const metricsFixer: Fixer = {
  id: "metrics",
  rules: ["monitoring.metrics"],
  propose(ctx) {
    const { project } = ctx;
    const exported = ctx.holds({ use: "metricsExported" });
    const collected = ctx.holds({ use: "metricsCollected" });
    const service = project.service;
    const files: ProposedFile[] = [];
    const todo: string[] = [];
    if (!exported) {
      if (!service)
        return {
          skip: "no FastAPI or Flask prediction service (an app with a POST route) to export metrics from",
        };
      const wrapper = freePath(project.paths, metricsModulePath(service));
      if (wrapper.beside)
        return { skip: `${wrapper.beside} exists already; add the exporter to ${service.path} by hand` };
      files.push({
        path: wrapper.path,
        content: (service.framework === "fastapi" ? FASTAPI : FLASK)(service),
      });
      const running = servingDockerfile(ctx);
      if (running)
        todo.push(
          `Start ${wrapper.path} instead of ${service.path} in ${running.path} (line ${running.line}): \`${running.start.replace(`${service.module}:`, `${service.module}_metrics:`)}\`.`,
        );
      const pkg = EXPORTER[service.framework];
      if (!project.declared.has(pkg))
        todo.push(`Declare ${pkg}: ${project.manager.declare(pkg, project.manifest ?? "requirements.txt")}.`);
    }
    if (!collected) {
      const target = serviceTarget(ctx);
      const path = freePath(project.paths, "monitoring/prometheus.yml");
      files.push({ ...path, content: prometheusYml(target.job, `${target.host}:${target.port}`) });
      if (target.host === "host.docker.internal")
        todo.push(
          `Prometheus reaches the service at host.docker.internal:${target.port}; change the target if the service runs elsewhere.`,
        );
    }
    return { files, todo };
  },
};
