import { createHash } from "node:crypto";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { RedisWriteBudget } from "../src/app/queue/write-budget.js";
import { filesOf, PRIVATE_KEY } from "./github/fake-github.js";
import { freePort, pushEvent } from "./github/probot.js";
import {
  skipRedisTests,
  RedisServer,
  startWebProcess,
  startWorkerProcess,
  until,
} from "./github/redis-server.js";
import { SimulatedDeliveries } from "./github/simulated-deliveries.js";
import { SimulatedGitHub, type Files } from "./github/simulated-github.js";
import { memoryLog } from "./github/memory-log.js";
import { NEVER_LOGGED } from "./github/suite-log.js";

/**
 * Restarts and outages with the whole stack: a real Redis, the web process and a worker as their own
 * processes (as `npm start` and `npm run worker` run them), and a simulated GitHub that sends the
 * deliveries, records what each got, and redelivers only when the app asks, as GitHub does.
 */
const SECRET = NEVER_LOGGED.webhookSecret;
const sha = (n: number) => createHash("sha1").update(`restart-${n}`).digest("hex");
const files: Files = Object.fromEntries(
  Object.entries(filesOf("fixtures/repos/complete")).map(([path, bytes]) => [path, bytes.toString()]),
);
/** Each commit from its own installation, so its two writes do not wait behind another commit's. */
const push = (id: string, n: number) =>
  pushEvent(id, sha(n), { installation: { id: 500 + n, node_id: "I" } });

describe.skipIf(skipRedisTests)("restarts and outages with a real Redis", () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    const timeout = () => new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const step of cleanup.splice(0).reverse())
      await Promise.race([Promise.resolve(step()).catch(() => {}), timeout()]);
  }, 60_000);

  it("shares one write budget per installation between processes, and falls back to its own while Redis is away", async () => {
    const redis = await RedisServer.start();
    cleanup.push(() => redis.stop());
    const { log, lines } = memoryLog();
    // Two processes' budgets on one Redis, a fifth of a second apart to keep the test short.
    const a = new RedisWriteBudget(redis.url, log, 200);
    const b = new RedisWriteBudget(redis.url, log, 200);
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    await Promise.all([a.connected(), b.connected()]);

    const start = performance.now();
    const times: number[] = [];
    const stamp = () => times.push(performance.now() - start);
    let otherKey = 0;
    await Promise.all([
      ...[1, 2, 3].map(() => a.reserve("42").then(stamp)),
      ...[1, 2, 3].map(() => b.reserve("42").then(stamp)),
      b.reserve("43").then(() => (otherKey = performance.now() - start)),
    ]);
    times.sort((x, y) => x - y);
    // Six writes of one installation from two processes: the k-th no sooner than k × 200 ms, as one client's
    // would be. (A timer may fire late on a busy machine, never early, so this holds under any load.)
    times.forEach((t, k) => expect(t).toBeGreaterThan(k * 200 - 5));
    // Another installation did not wait for this one's slots.
    expect(otherKey).toBeLessThan(times[2]);

    await redis.stop();
    const away = performance.now();
    await Promise.all([a.reserve("42"), a.reserve("44")]);
    // A reservation Redis cannot answer falls back within its one-second command timeout.
    expect(performance.now() - away).toBeLessThan(3_000);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
    expect(lines[0].msg).toBe("the shared write budget is unavailable; retrying until it is back");
  }, 30_000);

  /** Redis, a simulated GitHub that sends deliveries, and what the web and worker processes need. */
  async function stack(env: Record<string, string> = {}) {
    nock.enableNetConnect("127.0.0.1");
    const redis = await RedisServer.start();
    cleanup.push(() => redis.stop());
    const github = new SimulatedGitHub();
    let host = "";
    const deliveries = new SimulatedDeliveries(github, SECRET, () => host);
    const api = await github.listen(5);
    host = api.env.GHE_HOST;
    cleanup.push(api.close);
    const port = await freePort();
    const common = { APP_ID: "1", PRIVATE_KEY, REDIS_URL: redis.url, ...api.env };
    const webEnv = {
      ...common,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      MLOPS_AUDIT_WEB_ONLY: "true",
      MLOPS_AUDIT_DRAIN_SECONDS: "10",
      ...env,
    };
    const web = async () => {
      const process = await startWebProcess(webEnv);
      cleanup.push(process.stop);
      deliveries.target = `http://127.0.0.1:${port}`;
      return process;
    };
    const worker = async () => {
      const process = await startWorkerProcess({ ...common, MLOPS_AUDIT_LOCK_MS: "2000" });
      cleanup.push(process.stop);
      return process;
    };
    return { redis, github, deliveries, web, worker };
  }

  /** Every commit has exactly one check run, completed, and was read once: nothing lost, nothing twice. */
  function expectEachAuditedOnce(github: SimulatedGitHub, shas: string[]) {
    for (const s of shas)
      expect(github.runsOf(s)).toMatchObject([{ status: "completed", conclusion: "success" }]);
    expect(github.countedSince().filter((r) => r.kind === "tree")).toHaveLength(shas.length);
  }

  it("writes every delivery it acknowledged during a Redis outage before it exits on SIGTERM", async () => {
    const { redis, github, deliveries, web, worker } = await stack();
    const commits = [1, 2, 3, 4, 5];
    commits.forEach((n) => github.commit(sha(n), files));
    const first = await web();

    await redis.stop();
    // GitHub is answered at once; the deliveries wait in the web process for Redis.
    for (const n of commits) expect(await deliveries.deliver(push(`outage-${n}`, n))).toBe(200);
    await redis.restart();
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain("every delivery taken is in Redis");
    expect(first.output()).not.toContain("could not be written");

    await worker();
    await until(
      () => commits.every((n) => github.runsOf(sha(n)).some((r) => r.status === "completed")),
      "the audits",
    );
    expectEachAuditedOnce(
      github,
      commits.map((n) => sha(n)),
    );
    expect(deliveries.redeliveryRequests).toEqual([]);
  }, 120_000);

  it("recovers through its own redelivery requests what it could not write before exiting and what GitHub could not deliver while it was down", async () => {
    const { redis, github, deliveries, web, worker } = await stack({
      MLOPS_AUDIT_DRAIN_SECONDS: "1",
      MLOPS_AUDIT_REDELIVERY_SETTLE_SECONDS: "1",
    });
    const lostInMemory = [11, 12, 13];
    const whileDown = [14, 15, 16];
    [...lostInMemory, ...whileDown].forEach((n) => github.commit(sha(n), files));
    const first = await web();

    // Redis goes away and stays away past the shutdown's grace: the acknowledged deliveries are named, not lost.
    await redis.stop();
    for (const n of lostInMemory) expect(await deliveries.deliver(push(`held-${n}`, n))).toBe(200);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const unwritten = first.output();
    for (const n of lostInMemory) expect(unwritten).toContain(`held-${n}`);

    // The web process is down: GitHub's deliveries fail to connect, and GitHub does not try them again.
    for (const n of whileDown) expect(await deliveries.deliver(push(`down-${n}`, n))).toBe(0);
    await redis.restart();

    await worker();
    const second = await web();
    const all = [...lostInMemory, ...whileDown];
    await until(
      () => all.every((n) => github.runsOf(sha(n)).some((r) => r.status === "completed")),
      "the recovered audits",
    );
    expectEachAuditedOnce(
      github,
      all.map((n) => sha(n)),
    );
    expect(deliveries.redeliveryRequests).toHaveLength(all.length);
    expect(deliveries.problems).toEqual([]);
    expect(second.output()).toContain("asked GitHub to redeliver missed deliveries");
  }, 120_000);
});
