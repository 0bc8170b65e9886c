import { pino } from "pino";
import { run, type Probot } from "probot";
import type { AppState } from "./auditor.js";
import { graceMsFrom } from "./drain.js";
import mlopsAudit, { createState, ENGINE_THREADS, type Role } from "./index.js";
import { resilientOctokit } from "./octokit.js";
import { RedisQueue } from "./queue/redis.js";
import { closeOnSignal, startWorkers } from "./queue/workers.js";
import { LocalWriteBudget, RedisWriteBudget } from "./queue/write-budget.js";
import { MemoryRedeliveryStore, scheduleSweeps, type RedeliveryStore } from "./redelivery.js";
import { startOrExplain } from "./startup.js";

// `probot run` would use Probot's default client, whose secondary-rate-limit handler never retries;
// starting through `run` here gives every request the app's own retry policy.
const redisUrl = process.env.REDIS_URL;
const log = pino({ name: "mlops-audit" });

/**
 * The sweep for deliveries GitHub could not make while this app was down: soon after start-up, then every
 * `MLOPS_AUDIT_REDELIVERY_MINUTES` (5), over at most `MLOPS_AUDIT_REDELIVERY_HOURS` (3) of deliveries.
 * An acknowledged delivery missing from the queue counts as lost once it is
 * `MLOPS_AUDIT_REDELIVERY_SETTLE_SECONDS` old (60, or twice the shutdown's grace if that is longer).
 * `MLOPS_AUDIT_REDELIVERY=off` turns it off.
 */
function sweepsFor(app: Probot, state: AppState, store: RedeliveryStore) {
  if (process.env.MLOPS_AUDIT_REDELIVERY === "off") return undefined;
  const minutes = Number(process.env.MLOPS_AUDIT_REDELIVERY_MINUTES) || 5;
  const hours = Number(process.env.MLOPS_AUDIT_REDELIVERY_HOURS) || 3;
  return scheduleSweeps({
    appOctokit: () => app.auth(),
    store,
    firstAfterMs: 2_000,
    intervalMs: minutes * 60_000,
    windowMs: hours * 3_600_000,
    // A write still in hand after twice the shutdown's grace was lost with its process.
    settleMs:
      (Number(process.env.MLOPS_AUDIT_REDELIVERY_SETTLE_SECONDS) ||
        Math.max(60, (2 * graceMsFrom()) / 1000)) * 1000,
    log: app.log,
    metrics: state.metrics,
  });
}

await startOrExplain(async () => {
  if (!redisUrl) {
    const state = createState(undefined, ENGINE_THREADS);
    const writes = new LocalWriteBudget();
    let sweeps: ReturnType<typeof sweepsFor>;
    const server = await run(
      (app, options) => {
        mlopsAudit(app, options, state);
        sweeps = sweepsFor(app, state, new MemoryRedeliveryStore());
      },
      { Octokit: resilientOctokit(undefined, writes) },
    );
    closeOnSignal(async () => {
      // Without a queue, what this process took is its audits: they finish within the grace period.
      const unfinished = await state.drain.finish(graceMsFrom(), state.background.idle());
      if (unfinished.length)
        log.error(
          { deliveries: unfinished },
          "shutting down with audits unfinished; re-run them from GitHub",
        );
      await sweeps?.stop();
      await server.stop();
    });
    return;
  }
  // With Redis, this process queues deliveries and, unless MLOPS_AUDIT_WEB_ONLY is set, works on them
  // too; `npm run worker` adds workers. Writes are spaced per installation across all of them.
  // Redis carries the queue only; why Probot's throttling does not use it is in queue/workers.ts.
  delete process.env.REDIS_URL;
  const state = createState(undefined, process.env.MLOPS_AUDIT_WEB_ONLY ? 0 : ENGINE_THREADS);
  const queue = new RedisQueue(redisUrl, log.child({ name: "queue" }));
  state.metrics.watchQueue(() => queue.counts());
  state.metrics.watchRedis(() => queue.outage.up);
  const writes = new RedisWriteBudget(redisUrl, log.child({ name: "writes" }));
  const role: Role = queue.webRole();
  let sweeps: ReturnType<typeof sweepsFor>;
  const server = await run(
    (app, options) => {
      mlopsAudit(app, options, state, role);
      sweeps = sweepsFor(app, state, queue.redeliveryStore());
    },
    { Octokit: resilientOctokit(undefined, writes) },
  );
  const worker = process.env.MLOPS_AUDIT_WEB_ONLY
    ? undefined
    : await startWorkers(state, { ...process.env, REDIS_URL: redisUrl }, undefined, writes);
  closeOnSignal(async () => {
    const graceMs = graceMsFrom();
    log.info(
      { graceMs },
      "shutting down: deliveries are refused now; waiting for those taken to reach Redis",
    );
    const unwritten = await state.drain.finish(graceMs);
    if (unwritten.length) {
      state.metrics.unwritten.inc(unwritten.length);
      log.error(
        { deliveries: unwritten },
        "acknowledged deliveries could not be written to Redis before shutdown; the redelivery sweep will ask GitHub for them again",
      );
    } else log.info("every delivery taken is in Redis");
    await sweeps?.stop();
    await worker?.close();
    await queue.close();
    await writes.close();
    await server.stop();
  });
});
