import { pino, type Logger } from "pino";
import { createProbot } from "probot";
import type { AppState } from "../auditor.js";
import mlopsAudit, { CONCURRENT_AUDITS } from "../index.js";
import { resilientOctokit } from "../octokit.js";
import type { QueuedEvent } from "./job-id.js";
import { startRedisWorker } from "./redis.js";
import { RedisWriteBudget, type WriteBudget } from "./write-budget.js";

/**
 * Workers for the Redis queue: a Probot of their own, configured from the environment like the web
 * process (APP_ID, PRIVATE_KEY, GHE_HOST), whose handlers run each delivery taken from the queue.
 *
 * Probot is not given REDIS_URL. With it, Probot's throttling keeps its limiters in Redis through
 * Bottleneck, whose scripts fail on Redis 7 ("ERR UNKNOWN_CLIENT", SGrondin/bottleneck#212, unfixed):
 * our benchmark saw audits fail that way within a minute. So each process throttles its own requests,
 * as one process always did.
 */
export async function startWorkers(
  state: AppState,
  env: NodeJS.ProcessEnv = process.env,
  log?: Logger,
  /** The deployment's shared write budget; a worker process on its own opens one on the same Redis. */
  writes?: WriteBudget,
) {
  const url = env.REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set: workers take their jobs from Redis");
  const ownWrites = writes ? undefined : new RedisWriteBudget(url, log ?? pino({ name: "writes" }));
  const Octokit = resilientOctokit(undefined, writes ?? ownWrites);
  const probot = createProbot({
    env,
    overrides: { Octokit, redisConfig: undefined, ...(log && { log }) },
  });
  await probot.load((app, options) => mlopsAudit(app, options, state, { kind: "worker" }));
  const concurrency = Number(env.MLOPS_AUDIT_CONCURRENCY) || CONCURRENT_AUDITS;
  const worker = startRedisWorker(url, (event: QueuedEvent) => probot.receive(event as never), {
    concurrency,
    lockMs: Number(env.MLOPS_AUDIT_LOCK_MS) || 30_000,
    log: probot.log,
  });
  if (ownWrites) worker.on("closed", () => void ownWrites.close());
  await worker.waitUntilReady();
  probot.log.info({ pid: process.pid, concurrency }, "worker ready");
  return worker;
}

/** Lets the jobs in hand finish on SIGTERM or SIGINT (a deploy, Ctrl-C) before the process ends. */
export function closeOnSignal(close: () => Promise<unknown>): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const)
    process.once(signal, () => void close().finally(() => process.exit(0)));
}
