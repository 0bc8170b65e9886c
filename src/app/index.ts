import { LRUCache } from "lru-cache";
import type { ApplicationFunctionOptions, Context, Probot } from "probot";
import { loadCatalogue } from "../rules/load.js";
import { GitCache } from "../sources/git-cache.js";
import { RecordsCache } from "../sources/github-records.js";
import { describeError } from "../sources/github.js";
import type { AppState } from "./auditor.js";
import { orgConfigCache } from "./config.js";
import { Drain } from "./drain.js";
import { EngineThreads } from "./engine-threads.js";
import { onComment } from "./handlers/command.js";
import { onPullRequest } from "./handlers/pull-request.js";
import { onCheckSuiteRequested, onPush } from "./handlers/push.js";
import { onRerun } from "./handlers/rerun.js";
import { Metrics } from "./metrics.js";
import { publicRoutes } from "./public/routes.js";
import { publicCache } from "./public/cache.js";
import { publicAuditsFrom } from "./public/uninstalled.js";
import { withRequestTimeout } from "./request-timeout.js";
import { operationsRoutes } from "./routes.js";
import { webSiteRoutes } from "./web-site.js";
import { Background, KeyedLock, WorkQueue } from "./queue/in-process.js";
import type { QueuedEvent } from "./queue/job-id.js";

/** How many audits run at once in one process; the rest wait in the queue. */
export const CONCURRENT_AUDITS = Number(process.env.MLOPS_AUDIT_CONCURRENCY) || 4;

/** Blobs fetched at once per audit; `npm run bench:latency` chose it. */
const BLOB_CONCURRENCY = Number(process.env.MLOPS_AUDIT_BLOB_CONCURRENCY) || 8;

/**
 * How long an audit runs before its check run shows "in progress" (`MLOPS_AUDIT_IN_PROGRESS_AFTER_MS`).
 * Shorter audits write their check run once, complete: one write of the installation's budget, not two.
 */
const IN_PROGRESS_AFTER_MS = Number(process.env.MLOPS_AUDIT_IN_PROGRESS_AFTER_MS) || 1500;

/**
 * Threads that judge rules in a running app (`MLOPS_AUDIT_ENGINE_THREADS`, 0 to judge on the main thread).
 * One keeps the engine off the thread that acknowledges webhooks; more help only with cores to spare.
 */
export const ENGINE_THREADS = Number(process.env.MLOPS_AUDIT_ENGINE_THREADS ?? 1);

export function createState(blobConcurrency = BLOB_CONCURRENCY, engineThreads = 0): AppState {
  const cache = new GitCache();
  const metrics = new Metrics(cache);
  return {
    catalogue: loadCatalogue(),
    engine: engineThreads > 0 ? new EngineThreads(engineThreads) : undefined,
    blobConcurrency,
    inProgressAfterMs: IN_PROGRESS_AFTER_MS,
    batchedReads: process.env.MLOPS_AUDIT_BATCHED_READS !== "false",
    orgConfigs: orgConfigCache(),
    cache,
    records: new RecordsCache(),
    metrics,
    queue: new WorkQueue(CONCURRENT_AUDITS, (depth) => metrics.queueDepth.set(depth)),
    threads: new KeyedLock(),
    background: new Background(),
    publicCards: publicCache(),
    drain: new Drain(),
    publicAudits: publicAuditsFrom(process.env),
  };
}

/**
 * Where a delivery's work runs. By default, in this process after the webhook is acknowledged. With
 * Redis, the web process only queues the delivery, and a worker process handles what it takes from the
 * queue.
 */
export type Role =
  | { kind: "all-in-one" }
  | {
      kind: "web";
      enqueue: (event: QueuedEvent) => Promise<unknown>;
      /** Remembers a delivery that needs no job (a bot's, or an event no handler takes) as written. */
      received: (deliveryId: string) => Promise<unknown>;
    }
  | { kind: "worker" };

/**
 * Every handler runs through here: bots (this app included) are ignored, a delivery seen before is
 * dropped, and GitHub requests are counted. The work runs after the webhook is acknowledged (GitHub
 * gives a delivery 10 seconds; an audit may take longer), and an error is logged with its delivery id
 * instead of crashing. A worker runs the work before the job counts as done, and does not drop a
 * delivery it has seen: that is a retry, and the queue already joined duplicates. While the process
 * shuts down, a delivery is refused with a 503 so that GitHub records it for the redelivery sweep; each
 * one taken is tracked until it is written, so the shutdown can wait for it.
 */
function guarded<C extends Context>(
  state: AppState,
  role: Role,
  seen: LRUCache<string, true>,
  handler: (c: C) => Promise<unknown>,
) {
  return async (context: C) => {
    if (role.kind !== "worker") state.drain.refuseIfClosing();
    const failed = (e: unknown) =>
      context.log.error({ reason: describeError(e), event: context.name }, "handler failed");
    if (context.isBot) {
      if (role.kind === "web") state.drain.track(context.id, role.received(context.id).catch(failed));
      return;
    }
    if (role.kind !== "worker") {
      if (seen.has(context.id)) {
        context.log.info("delivery seen before; ignored");
        return;
      }
      seen.set(context.id, true);
    }
    if (role.kind === "web") {
      const event = { id: context.id, name: context.name, payload: context.payload };
      const written = role.enqueue(event).catch(failed);
      state.drain.track(context.id, written);
      state.background.add(written);
      return;
    }
    state.metrics.instrument(context.octokit);
    withRequestTimeout(context.octokit);
    const work = handler(context).catch(failed);
    if (role.kind === "worker") await work;
    else {
      state.drain.track(context.id, work);
      state.background.add(work);
    }
  };
}

/** The events the app acts on; the rest are acknowledged and left. */
const HANDLED = {
  push: ["push"],
  checkSuite: ["check_suite.requested"],
  pullRequest: [
    "pull_request.opened",
    "pull_request.synchronize",
    "pull_request.reopened",
    "pull_request.ready_for_review",
  ],
  rerun: ["check_run.rerequested", "check_suite.rerequested"],
  comment: ["issue_comment.created"],
} as const;

/** Probot verifies signatures with the secret "development" when none is set; a public server must not. */
export function assertWebhookSecret(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV === "production" && !env.WEBHOOK_SECRET)
    throw new Error(
      "WEBHOOK_SECRET is not set: in production the app will not start, because webhooks could not be verified",
    );
}

/** The Probot app: wiring only. */
export default function mlopsAudit(
  app: Probot,
  options?: Partial<ApplicationFunctionOptions>,
  state = createState(),
  role: Role = { kind: "all-in-one" },
) {
  if (role.kind !== "worker") assertWebhookSecret();
  const seen = new LRUCache<string, true>({ max: 10_000 });
  const guard = <C extends Context>(handler: (c: C) => Promise<unknown>) =>
    guarded(state, role, seen, handler);
  app.on([...HANDLED.push], guard(onPush(state)));
  app.on([...HANDLED.checkSuite], guard(onCheckSuiteRequested(state)));
  app.on([...HANDLED.pullRequest], guard(onPullRequest(state)));
  app.on([...HANDLED.rerun], guard(onRerun(state)));
  app.on([...HANDLED.comment], guard(onComment(state)));
  if (role.kind === "worker") return;
  // Every other delivery (a closed pull request, a check run completed…) is refused while shutting
  // down like the rest, and with a queue remembered as written, so the redelivery sweep leaves it be.
  const handled = new Set<string>(Object.values(HANDLED).flat());
  app.onAny(async (context) => {
    const action = (context.payload as { action?: string }).action;
    if (handled.has(context.name) || handled.has(`${context.name}.${action}`)) return;
    state.drain.refuseIfClosing();
    if (role.kind === "web") state.drain.track(context.id, role.received(context.id));
  });
  try {
    options?.addHandler?.(operationsRoutes(state.metrics, state.drain));
    options?.addHandler?.(publicRoutes(app, state));
    const site = webSiteRoutes();
    if (site) options?.addHandler?.(site);
  } catch {
    // `probot receive` loads the app without an HTTP server, so there is nowhere to add routes.
  }
}
