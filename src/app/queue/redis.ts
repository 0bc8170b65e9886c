import { Queue, Worker, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { describeError } from "../../sources/github.js";
import { jobIdFor, type QueuedEvent } from "./job-id.js";

const QUEUE_NAME = "mlops-audit";

/**
 * What a queued delivery is allowed: three tries with backoff when a worker cannot handle it at all
 * (GitHub refused the installation token, Redis failed mid-job). A handler's own failure is reported
 * by the handler (a neutral check run, a reply) and is not retried, so nothing is posted twice.
 * A finished job is kept for an hour, so a redelivery in that time joins it instead of running again.
 */
const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: { age: 3_600, count: 50_000 },
  removeOnFail: { age: 24 * 3_600 },
};

/**
 * A connection that waits for Redis instead of failing: while Redis is away, a delivery the web process
 * has acknowledged stays in the client's offline queue and is added once Redis is back.
 */
function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** The web side: acknowledged deliveries go to Redis, keyed so one commit is one job. */
export class RedisQueue {
  private readonly connection: Redis;
  private readonly queue: Queue<QueuedEvent>;

  constructor(url: string, log: Logger) {
    this.connection = redisConnection(url);
    this.queue = new Queue<QueuedEvent>(QUEUE_NAME, { connection: this.connection });
    // While Redis is away the client retries and says so; deliveries wait in its offline queue.
    this.queue.on("error", (e) => log.warn({ reason: describeError(e) }, "Redis queue unavailable"));
  }

  async enqueue(event: QueuedEvent): Promise<string> {
    const job = await this.queue.add(event.name, event, { ...JOB_OPTIONS, jobId: jobIdFor(event) });
    return job.id!;
  }

  /** Jobs by state, for /metrics. */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed");
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}

export interface WorkerOptions {
  /** Deliveries handled at once by this process. */
  concurrency: number;
  /**
   * How long a job's lock lasts without renewal: a worker that dies mid-audit loses its jobs to another
   * worker after about this long.
   */
  lockMs: number;
  log: Logger;
}

/** The worker side: takes deliveries from Redis and hands each to `receive` (Probot's, in the app). */
export function startRedisWorker(
  url: string,
  receive: (event: QueuedEvent) => Promise<void>,
  options: WorkerOptions,
): Worker<QueuedEvent> {
  const worker = new Worker<QueuedEvent>(QUEUE_NAME, (job) => receive(job.data), {
    connection: redisConnection(url),
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    maxStalledCount: 2,
  });
  const { log } = options;
  worker.on("failed", (job, e) =>
    log.warn(
      { job: job?.id, attempt: job?.attemptsMade, reason: describeError(e) },
      "queued delivery failed",
    ),
  );
  worker.on("stalled", (id) => log.warn({ job: id }, "a worker stopped mid-job; the job is queued again"));
  worker.on("error", (e) => log.error({ reason: describeError(e) }, "queue worker error"));
  return worker;
}
