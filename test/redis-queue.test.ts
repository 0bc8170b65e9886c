import { createHash } from "node:crypto";
import nock from "nock";
import type { Server } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createState, type Role } from "../src/app/index.js";
import { jobIdFor } from "../src/app/queue/job-id.js";
import { RedisQueue } from "../src/app/queue/redis.js";
import { filesOf, PRIVATE_KEY } from "./github/fake-github.js";
import { deliverSigned, payload, pushEvent, startTestServer } from "./github/probot.js";
import { RedisServer, skipRedisTests, startWorkerProcess, until } from "./github/redis-server.js";
import { SimulatedGitHub, type Files } from "./github/simulated-github.js";
import { NEVER_LOGGED, suiteLog } from "./github/suite-log.js";

const SECRET = NEVER_LOGGED.webhookSecret;
const TITLE = "Readiness 100/100 · A · Level 2";
const sha = (n: number) => createHash("sha1").update(`redis-${n}`).digest("hex");
/**
 * A push of commit `n` from installation `n`: each installation's writes are spaced a second apart, so
 * commits that should be audited side by side come from different installations.
 */
const push = (id: string, n: number) =>
  pushEvent(id, sha(n), { installation: { id: 100 + n, node_id: "I" } });
const files: Files = Object.fromEntries(
  Object.entries(filesOf("fixtures/repos/complete")).map(([path, bytes]) => [path, bytes.toString()]),
);

describe("the queue's job keys", () => {
  const head = (name: string, patch: Record<string, unknown>) =>
    jobIdFor({ id: "d1", name, payload: payload(name, name === "push" ? undefined : "requested", patch) });

  it("gives a push and the check suite requested for it one key", () => {
    const push = head("push", { ref: "refs/heads/main", after: sha(1) });
    const suite = head("check_suite", { check_suite: { head_sha: sha(1), head_branch: "main" } });
    expect(push).toBe(`head/learner/taxi-mlops/refs/heads/main/${sha(1)}`);
    expect(suite).toBe(push);
  });

  it("keeps the same commit on another branch apart, and each re-run or command its own", () => {
    expect(head("push", { ref: "refs/heads/feature", after: sha(1) })).not.toBe(
      head("push", { ref: "refs/heads/main", after: sha(1) }),
    );
    const rerun = { name: "check_run", payload: payload("check_run", "rerequested") };
    expect(jobIdFor({ id: "a", ...rerun })).toBe("delivery/a");
    expect(jobIdFor({ id: "b", ...rerun })).toBe("delivery/b");
    expect(jobIdFor({ id: "x:y", ...rerun })).not.toContain(":");
  });

  it("keys a pull request by number and head", () => {
    const pr = payload("pull_request", "opened", {
      pull_request: { number: 7, head: { sha: sha(2) }, base: { sha: sha(1) } },
    });
    expect(jobIdFor({ id: "p", name: "pull_request", payload: pr })).toBe(
      `pr/learner/taxi-mlops/7/${sha(2)}`,
    );
  });
});

describe.skipIf(skipRedisTests)("the Redis queue against a real Redis", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    // Each step gets 5 s, so one that hangs cannot leave a Redis or a worker running after the test.
    const timeout = () => new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const step of cleanup.splice(0).reverse()) await Promise.race([step().catch(() => {}), timeout()]);
  }, 60_000);

  /** Redis, a simulated GitHub on a real port, and the web process queueing what it is sent. */
  async function deployment(latencyMs = 0) {
    nock.enableNetConnect("127.0.0.1");
    const redis = await RedisServer.start();
    cleanup.push(() => redis.stop());
    const github = new SimulatedGitHub();
    const api = await github.listen(latencyMs);
    cleanup.push(api.close);
    const queue = new RedisQueue(redis.url, suiteLog());
    cleanup.push(() => queue.close());
    const state = createState();
    state.metrics.watchQueue(() => queue.counts());
    const role: Role = queue.webRole();
    const web: { server: Server; origin: string } = await startTestServer(state, SECRET, suiteLog(), {
      role,
    });
    cleanup.push(() => web.server.stop());
    const env = {
      APP_ID: "1",
      PRIVATE_KEY,
      REDIS_URL: redis.url,
      ...api.env,
      MLOPS_AUDIT_LOCK_MS: "1000",
      MLOPS_AUDIT_CONCURRENCY: "1",
    };
    const send = async (event: { id: string; name: string; payload: unknown }) => {
      const res = await deliverSigned(web.origin, SECRET, event);
      expect(res.status).toBe(200);
    };
    const metrics = async () => (await fetch(`${web.origin}/metrics`)).text();
    return { redis, github, env, send, state, metrics };
  }

  async function workerProcess(env: Record<string, string>) {
    const worker = await startWorkerProcess(env);
    cleanup.push(async () => worker.stop());
    const audited = () =>
      worker
        .output()
        .split("\n")
        .filter((l) => l.includes('"msg":"audited"')).length;
    return { child: worker.child, audited };
  }

  const completed = (github: SimulatedGitHub, shas: string[]) => () =>
    shas.every((s) => github.runsOf(s).some((r) => r.status === "completed"));

  it("spreads one queue over two worker processes, one check run per commit", async () => {
    const { github, env, send } = await deployment(30);
    const commits = [1, 2, 3, 4, 5, 6];
    const shas = commits.map(sha);
    shas.forEach((s) => github.commit(s, files));
    const workers = await Promise.all([workerProcess(env), workerProcess(env)]);
    for (const n of commits) await send(push(`drain-${n}`, n));
    await until(completed(github, shas), "every commit's check run to complete", 60_000);

    for (const s of shas) {
      const runs = github.runsOf(s);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: "completed", conclusion: "success", title: TITLE });
    }
    // The log line follows the completed check run.
    await until(() => workers[0].audited() + workers[1].audited() === shas.length, "the workers' logs");
    const [a, b] = workers.map((w) => w.audited());
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  }, 90_000);

  it("finishes on another worker the audit of a worker killed mid-audit, in the same check run", async () => {
    const { github, env, send } = await deployment(50);
    github.commit(sha(7), files);
    // The run opens in progress at once, so that the worker dies with a run of its own on the commit.
    const first = await workerProcess({ ...env, MLOPS_AUDIT_IN_PROGRESS_AFTER_MS: "1" });
    let killed = false;
    github.onRequest = (kind) => {
      // The check run exists and the audit has begun: the worker dies before it can finish.
      if (kind === "check runs: write" && !killed) {
        killed = true;
        first.child.kill("SIGKILL");
      }
    };
    await send(pushEvent("killed-1", sha(7)));
    await until(() => first.child.signalCode === "SIGKILL", "the first worker to be killed");
    expect(github.runsOf(sha(7))).toMatchObject([{ status: "in_progress" }]);

    const second = await workerProcess(env);
    await until(completed(github, [sha(7)]), "the stalled job to complete on the second worker");
    expect(github.runsOf(sha(7))).toMatchObject([
      { status: "completed", conclusion: "success", title: TITLE },
    ]);
    await until(() => second.audited() === 1, "the second worker's log of the audit");
  }, 90_000);

  it("queues one job for a commit delivered many times, and audits it once", async () => {
    const { github, env, send, metrics } = await deployment();
    github.commit(sha(8), files);
    const suite = {
      id: "dup-suite",
      name: "check_suite",
      payload: payload("check_suite", "requested", {
        check_suite: { head_sha: sha(8), head_branch: "main", pull_requests: [] },
      }),
    };
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => send(pushEvent(`dup-${i}`, sha(8)))),
      send(suite),
    ]);
    await until(
      async () => (await metrics()).includes('mlops_audit_redis_jobs{state="waiting"} 1'),
      "the job",
    );

    await workerProcess(env);
    await until(completed(github, [sha(8)]), "the audit");
    await send(pushEvent("dup-late", sha(8)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(github.runsOf(sha(8))).toHaveLength(1);
    expect(github.countedSince().filter((r) => r.kind === "tree")).toHaveLength(1);
    expect(await metrics()).toContain('mlops_audit_redis_jobs{state="waiting"} 0');
  }, 60_000);

  it("loses no delivery while Redis is away: those queued before survive, those acknowledged during are added after", async () => {
    const { redis, github, env, send, metrics } = await deployment();
    const commits = [11, 12, 13, 14, 15, 16];
    const shas = commits.map(sha);
    shas.forEach((s) => github.commit(s, files));
    for (const n of commits.slice(0, 3)) await send(push(`before-${n}`, n));
    await until(
      async () => (await metrics()).includes('mlops_audit_redis_jobs{state="waiting"} 3'),
      "3 jobs",
    );

    await redis.stop();
    // GitHub still gets its answer at once; the deliveries wait in the web process for Redis.
    for (const n of commits.slice(3)) await send(push(`during-${n}`, n));
    await redis.restart();

    await workerProcess({ ...env, MLOPS_AUDIT_CONCURRENCY: "4" });
    await until(completed(github, shas), "all six audits", 60_000);
    for (const s of shas) expect(github.runsOf(s)).toHaveLength(1);
  }, 90_000);
});
