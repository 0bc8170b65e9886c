import type { Logger } from "pino";
import { createProbot } from "probot";
import type { AppState } from "../auditor.js";
import mlopsAudit, { CONCURRENT_AUDITS } from "../index.js";
import { AppOctokit } from "../octokit.js";
import type { QueuedEvent } from "./job-id.js";
import { startRedisWorker } from "./redis.js";

/**
 * Workers for the Redis queue: a Probot of their own, configured from the environment like the web
 * process (APP_ID, PRIVATE_KEY, GHE_HOST), whose handlers run each delivery taken from the queue.
 *
 * Probot is not given REDIS_URL. With it, Probot's throttling keeps its limiters in Redis through
 * Bottleneck, whose scripts fail on Redis 7 ("ERR UNKNOWN_CLIENT", SGrondin/bottleneck#212, unfixed):
 * our benchmark saw audits fail that way within a minute. So each process throttles its own requests,
 * as one process always did.
 */
export async function startWorkers(state: AppState, env: NodeJS.ProcessEnv = process.env, log?: Logger) {
  const url = env.REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set: workers take their jobs from Redis");
  const probot = createProbot({
    env,
    overrides: { Octokit: AppOctokit, redisConfig: undefined, ...(log && { log }) },
  });
  await probot.load((app, options) => mlopsAudit(app, options, state, { kind: "worker" }));
  const concurrency = Number(env.MLOPS_AUDIT_CONCURRENCY) || CONCURRENT_AUDITS;
  const worker = startRedisWorker(url, (event: QueuedEvent) => probot.receive(event as never), {
    concurrency,
    lockMs: Number(env.MLOPS_AUDIT_LOCK_MS) || 30_000,
    log: probot.log,
  });
  await worker.waitUntilReady();
  probot.log.info({ pid: process.pid, concurrency }, "worker ready");
  return worker;
}

/** Lets the jobs in hand finish on SIGTERM or SIGINT (a deploy, Ctrl-C) before the process ends. */
export function closeOnSignal(close: () => Promise<unknown>): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const)
    process.once(signal, () => void close().finally(() => process.exit(0)));
}
