import { pino } from "pino";
import { RedisQueue } from "../src/app/queue/redis.js";
import { PRIVATE_KEY } from "../test/github/fake-github.js";
import { RedisServer } from "../test/github/redis-server.js";
import type { SimulatedGitHub } from "../test/github/simulated-github.js";

/**
 * What the Redis benchmarks share: a real redis-server, `github` served on a local port, a queue onto
 * Redis, and the environment a worker process needs to take its jobs.
 */
export async function redisDeployment(github: SimulatedGitHub, latencyMs = 0) {
  const redis = await RedisServer.start();
  const api = await github.listen(latencyMs);
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
