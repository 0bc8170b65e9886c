import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { GitCache } from "../sources/git-cache.js";

/** What /metrics reports, in one registry per app instance so tests never share counts. */
export class Metrics {
  readonly registry = new Registry();
  readonly audits = new Counter({
    name: "mlops_audit_audits_total",
    help: "Audits finished, by what triggered them and the check run's conclusion.",
    labelNames: ["trigger", "conclusion"] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: "mlops_audit_duration_seconds",
    help: "Time from the start of an audit to its published result.",
    labelNames: ["trigger"] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly githubRequests = new Counter({
    name: "mlops_audit_github_requests_total",
    help: "Requests sent to the GitHub API, by method and response status.",
    labelNames: ["method", "status"] as const,
    registers: [this.registry],
  });
  readonly redeliveries = new Counter({
    name: "mlops_audit_redeliveries_total",
    help: "Missed webhook deliveries the app asked GitHub to redeliver, by whether GitHub took the request.",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly unwritten = new Counter({
    name: "mlops_audit_deliveries_unwritten_total",
    help: "Deliveries acknowledged but not yet written to the queue when a shutdown's grace period ended.",
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: "mlops_audit_queue_depth",
    help: "Audits waiting or running.",
    registers: [this.registry],
  });

  constructor(cache: GitCache) {
    for (const [name, help, read] of [
      ["mlops_audit_blob_cache_hits_total", "Blobs served from the cache.", () => cache.hits],
      ["mlops_audit_blob_cache_misses_total", "Blobs fetched from GitHub.", () => cache.misses],
    ] as const)
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
  }

  /** Jobs in the Redis queue by state, read when /metrics is scraped (shared by every replica). */
  watchQueue(counts: () => Promise<Record<string, number>>): void {
    new Gauge({
      name: "mlops_audit_redis_jobs",
      help: "Jobs in the shared Redis queue, by state.",
      labelNames: ["state"] as const,
      registers: [this.registry],
      async collect() {
        for (const [state, n] of Object.entries(await counts())) this.set({ state }, n);
      },
    });
  }

  /** 1 while this process reaches Redis, 0 while it waits for it. */
  watchRedis(up: () => boolean): void {
    new Gauge({
      name: "mlops_audit_redis_up",
      help: "Whether this process reaches Redis (1) or is waiting for it (0).",
      registers: [this.registry],
      collect() {
        this.set(up() ? 1 : 0);
      },
    });
  }

  /** Counts every request an installation client sends, once per client. */
  private readonly instrumented = new WeakSet<object>();
  instrument(octokit: {
    hook: {
      after: (name: "request", fn: (res: { status: number }, opts: { method: string }) => void) => void;
      error: (name: "request", fn: (e: unknown, opts: { method: string }) => never) => void;
    };
  }): void {
    if (this.instrumented.has(octokit)) return;
    this.instrumented.add(octokit);
    octokit.hook.after("request", (res, opts) =>
      this.githubRequests.inc({ method: opts.method, status: String(res.status) }),
    );
    octokit.hook.error("request", (e, opts) => {
      this.githubRequests.inc({
        method: opts.method,
        status: String((e as { status?: number }).status ?? "error"),
      });
      throw e;
    });
  }
}
