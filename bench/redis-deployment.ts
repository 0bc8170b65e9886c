import { pino } from "pino";
import { RedisQueue } from "../src/app/queue/redis.js";
import { PRIVATE_KEY } from "../test/github/fake-github.js";
import { RedisServer } from "../test/github/redis-server.js";

/** A simulated GitHub listening on a local port: the environment that points a process at it, and how to stop it. */
export interface GitHubApi {
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * What the Redis benchmarks share: a real redis-server, a queue onto Redis, and the environment a worker
 * process needs to take its jobs from it and reach `api`.
 */
export async function redisDeployment(api: GitHubApi) {
  const redis = await RedisServer.start();
  const queue = new RedisQueue(redis.url, pino({ level: "silent" }));
  return {
    queue,
    workerEnv: { APP_ID: "1", PRIVATE_KEY, REDIS_URL: redis.url, ...api.env },
    async close() {
      await queue.close();
      await api.close();
      await redis.stop();
    },
  };
}
