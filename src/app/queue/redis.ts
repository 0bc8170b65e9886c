import { Queue, Worker, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { describeError } from "../../sources/github.js";
import { jobIdFor, type QueuedEvent } from "./job-id.js";
import { OutageLog } from "./outage-log.js";
import type { Role } from "../index.js";
import type { RedeliveryStore } from "../redelivery.js";

const QUEUE_NAME = "mlops-audit";
/** Keys of the redelivery sweep, beside BullMQ's own (`bull:mlops-audit:…`). */
const KEYS = {
  received: "mlops-audit:received:",
  redelivered: "mlops-audit:redelivered:",
  lock: "mlops-audit:redelivery:lock",
  lastSweep: "mlops-audit:redelivery:last-sweep",
};
/** Deletes the lock only if this process still holds it. */
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

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

/** One warning when Redis goes, one line when the connection is ready again. */
function watchOutages(connection: Redis, log: Logger, onUp?: (up: boolean) => void): OutageLog {
  const outage = new OutageLog(log, "Redis", onUp);
  connection.on("ready", () => outage.back());
  return outage;
}

/** The web side: acknowledged deliveries go to Redis, keyed so one commit is one job. */
export class RedisQueue {
  private readonly connection: Redis;
  private readonly queue: Queue<QueuedEvent>;

  /** Whether Redis answers, as this process last saw it (the `redis_up` gauge). */
  readonly outage: OutageLog;

  constructor(url: string, log: Logger, onUp?: (up: boolean) => void) {
    this.connection = redisConnection(url);
    this.queue = new Queue<QueuedEvent>(QUEUE_NAME, { connection: this.connection });
    // While Redis is away the client retries; deliveries wait in its offline queue. Said once per outage.
    this.outage = watchOutages(this.connection, log, onUp);
    this.queue.on("error", (e) => this.outage.down(describeError(e)));
  }

  /** Adds the delivery's job, then remembers the delivery as received (see `received`). */
  async enqueue(event: QueuedEvent): Promise<string> {
    const job = await this.queue.add(event.name, event, { ...JOB_OPTIONS, jobId: jobIdFor(event) });
    await this.markReceived(event.id);
    return job.id!;
  }

  /**
   * Remembers a delivery this process acknowledged and has now written (a job, or nothing to do), for a
   * day: the redelivery sweep asks again for an acknowledged delivery that is not here.
   */
  async markReceived(deliveryId: string): Promise<void> {
    await this.connection.set(`${KEYS.received}${deliveryId}`, "1", "EX", 24 * 3_600);
  }

  /** The web process's part: queue each delivery, or remember it as needing no job. */
  webRole(): Role {
    return {
      kind: "web",
      enqueue: (event) => this.enqueue(event),
      received: (deliveryId) => this.markReceived(deliveryId),
    };
  }

  /** What the redelivery sweep shares between processes, kept beside the queue. */
  redeliveryStore(): RedeliveryStore {
    const redis = this.connection;
    const token = `${process.pid}-${Math.random()}`;
    const present = async (prefix: string, guids: string[]) => {
      if (!guids.length) return new Set<string>();
      const found = await redis.mget(guids.map((g) => prefix + g));
      return new Set(guids.filter((_, i) => found[i] !== null));
    };
    return {
      lock: async (ttlMs) => (await redis.set(KEYS.lock, token, "PX", ttlMs, "NX")) === "OK",
      unlock: async () => {
        await redis.eval(RELEASE_LOCK, 1, KEYS.lock, token);
      },
      lastSweep: async () => {
        const at = await redis.get(KEYS.lastSweep);
        return at === null ? undefined : Number(at);
      },
      setLastSweep: async (at) => {
        await redis.set(KEYS.lastSweep, String(at));
      },
      redelivered: (guids) => present(KEYS.redelivered, guids),
      markRedelivered: async (guid) => {
        await redis.set(KEYS.redelivered + guid, "1", "EX", 3 * 24 * 3_600);
      },
      received: (guids) => present(KEYS.received, guids),
    };
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
  const connection = redisConnection(url);
  const worker = new Worker<QueuedEvent>(QUEUE_NAME, (job) => receive(job.data), {
    connection,
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
  const outage = watchOutages(connection, log);
  worker.on("error", (e) => outage.down(describeError(e)));
  return worker;
}
