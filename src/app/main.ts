import { pino } from "pino";
import { run } from "probot";
import mlopsAudit, { createState, ENGINE_THREADS, type Role } from "./index.js";
import { AppOctokit } from "./octokit.js";
import { RedisQueue } from "./queue/redis.js";
import { closeOnSignal, startWorkers } from "./queue/workers.js";

// `probot run` would use Probot's default client, whose secondary-rate-limit handler never retries;
// starting through `run` here gives every request the app's own retry policy.
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  const state = createState(undefined, ENGINE_THREADS);
  await run((app, options) => mlopsAudit(app, options, state), { Octokit: AppOctokit });
} else {
  // With Redis, this process queues deliveries and, unless MLOPS_AUDIT_WEB_ONLY is set, works on them
  // too; `npm run worker` adds workers.
  // Redis carries the queue only; why Probot's throttling does not use it is in queue/workers.ts.
  delete process.env.REDIS_URL;
  const state = createState(undefined, process.env.MLOPS_AUDIT_WEB_ONLY ? 0 : ENGINE_THREADS);
  const queue = new RedisQueue(redisUrl, pino({ name: "queue" }));
  state.metrics.watchQueue(() => queue.counts());
  const role: Role = { kind: "web", enqueue: (event) => queue.enqueue(event) };
  await run((app, options) => mlopsAudit(app, options, state, role), { Octokit: AppOctokit });
  const worker = process.env.MLOPS_AUDIT_WEB_ONLY
    ? undefined
    : await startWorkers(state, { ...process.env, REDIS_URL: redisUrl });
  closeOnSignal(async () => {
    await worker?.close();
    await queue.close();
  });
}
