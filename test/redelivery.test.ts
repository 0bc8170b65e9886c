import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createState } from "../src/app/index.js";
import { Drain } from "../src/app/drain.js";
import { OutageLog } from "../src/app/queue/outage-log.js";
import { LocalWriteBudget } from "../src/app/queue/write-budget.js";
import { MemoryRedeliveryStore, sweepMissedDeliveries, type RedeliveryStore } from "../src/app/redelivery.js";
import { deliverSigned, pushEvent, startTestServer, TestOctokit } from "./github/probot.js";
import { SimulatedDeliveries } from "./github/simulated-deliveries.js";
import { SimulatedGitHub } from "./github/simulated-github.js";
import { memoryLog } from "./github/memory-log.js";
import { NEVER_LOGGED, suiteLog } from "./github/suite-log.js";

const SECRET = NEVER_LOGGED.webhookSecret;

describe("an outage said once", () => {
  it("warns once however often the client fails, says once that it is back, and again for the next outage", () => {
    const { log, lines } = memoryLog();
    const states: boolean[] = [];
    const outage = new OutageLog(log, "Redis", (up) => states.push(up));
    for (let i = 0; i < 30; i++) outage.down("connect ECONNREFUSED 127.0.0.1:6379");
    expect(outage.up).toBe(false);
    outage.back();
    outage.back();
    outage.down("connect ECONNREFUSED");
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, "Redis is unavailable; retrying until it is back"],
      [30, "Redis is back"],
      [40, "Redis is unavailable; retrying until it is back"],
    ]);
    expect(states).toEqual([false, true, false]);
  });
});

describe("a write budget kept in this process", () => {
  it("spaces one key's writes a second apart and leaves other keys alone", () => {
    const budget = new LocalWriteBudget(1_000);
    const now = 50_000;
    expect([budget.take("1", now), budget.take("1", now), budget.take("1", now)]).toEqual([0, 1_000, 2_000]);
    expect(budget.take("2", now)).toBe(0);
    // A key whose slot has passed writes at once.
    expect(budget.take("1", now + 10_000)).toBe(0);
  });
});

describe("a shutdown's drain", () => {
  it("refuses deliveries once it starts, waits for the writes in hand, and names those still unwritten at the deadline", async () => {
    const drain = new Drain();
    expect(() => drain.refuseIfClosing()).not.toThrow();
    let release!: () => void;
    drain.track("fast", new Promise<void>((resolve) => setTimeout(resolve, 20)));
    drain.track("stuck", new Promise<void>((resolve) => (release = resolve)));
    drain.track("failed", Promise.reject(new Error("written nowhere")));
    const unwritten = await drain.finish(200);
    expect(unwritten).toEqual(["stuck"]);
    expect(() => drain.refuseIfClosing()).toThrow(expect.objectContaining({ status: 503 }));
    release();
    expect(await drain.finish(1_000)).toEqual([]);
  });

  it("answers the health check and every webhook with 503 while it drains, and handles nothing", async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    const state = createState();
    const { server, origin } = await startTestServer(state, SECRET, suiteLog());
    try {
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
      await state.drain.finish(0);
      expect((await fetch(`${origin}/healthz`)).status).toBe(503);
      const push = await deliverSigned(origin, SECRET, pushEvent("during-drain", "a".repeat(40)));
      expect(push.status).toBe(503);
      const other = await deliverSigned(origin, SECRET, {
        id: "closed-pr",
        name: "pull_request",
        payload: { action: "closed", installation: { id: 1 } },
      });
      expect(other.status).toBe(503);
      // Nothing reached GitHub: with net connect disabled but for loopback, a request would have failed loudly.
      expect((await state.metrics.githubRequests.get()).values).toEqual([]);
    } finally {
      await server.stop();
      nock.enableNetConnect();
    }
  });
});

describe("the sweep for missed deliveries", () => {
  let github: SimulatedGitHub;
  let deliveries: SimulatedDeliveries;
  let api: Awaited<ReturnType<SimulatedGitHub["listen"]>>;
  let app: InstanceType<typeof TestOctokit>;
  const log = suiteLog();

  beforeEach(async () => {
    nock.enableNetConnect("127.0.0.1");
    github = new SimulatedGitHub();
    let host = "";
    deliveries = new SimulatedDeliveries(github, SECRET, () => host);
    api = await github.listen();
    host = api.env.GHE_HOST;
    app = new TestOctokit({ baseUrl: `http://${host}/api/v3` });
  });
  afterEach(async () => {
    await api.close();
    expect(deliveries.problems).toEqual([]);
  });

  it("asks once for each delivery that failed, never for one that succeeded, and not again on the next sweep", async () => {
    await deliveries.deliver(pushEvent("failed-1", "1".repeat(40)));
    await deliveries.deliver(pushEvent("failed-2", "2".repeat(40)));
    deliveries.attempts[1].status_code = 503;
    await deliveries.deliver(pushEvent("ok-1", "3".repeat(40)));
    deliveries.attempts[2].status_code = 200;
    const store = new MemoryRedeliveryStore();

    const first = await sweepMissedDeliveries(app, store, { windowMs: 3_600_000, settleMs: 60_000, log });
    expect(first).toMatchObject({ listed: 3, redelivered: ["failed-1", "failed-2"], failed: [] });
    expect(deliveries.redeliveryRequests).toEqual([1, 2]);
    await deliveries.idle();
    // Nothing listens, so the redeliveries failed too; they are not asked for a second time.
    const second = await sweepMissedDeliveries(app, store, { windowMs: 3_600_000, settleMs: 60_000, log });
    expect(second.redelivered).toEqual([]);
    expect(deliveries.redeliveryRequests).toEqual([1, 2]);
  });

  it("with a queue, asks for an acknowledged delivery that never reached it, once it is old enough", async () => {
    for (const id of ["written", "lost", "recent"]) {
      await deliveries.deliver(pushEvent(id, "4".repeat(40)));
      deliveries.attempts.at(-1)!.status_code = 200;
    }
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    deliveries.attempts[0].delivered_at = hourAgo;
    deliveries.attempts[1].delivered_at = hourAgo;
    const store: RedeliveryStore = Object.assign(new MemoryRedeliveryStore(), {
      received: async (guids: string[]) => new Set(guids.filter((g) => g === "written")),
    });
    const result = await sweepMissedDeliveries(app, store, {
      windowMs: 2 * 3_600_000,
      settleMs: 60_000,
      log,
    });
    expect(result.redelivered).toEqual(["lost"]);
  });

  it("pages through the list until it reaches the window's start, and leaves older deliveries alone", async () => {
    deliveries.pageSize = 2;
    for (let i = 0; i < 7; i++) await deliveries.deliver(pushEvent(`d-${i}`, "5".repeat(40)));
    const dayAgo = new Date(Date.now() - 24 * 3_600_000).toISOString();
    deliveries.attempts[0].delivered_at = dayAgo;
    deliveries.attempts[1].delivered_at = dayAgo;
    const result = await sweepMissedDeliveries(app, new MemoryRedeliveryStore(), {
      windowMs: 3 * 3_600_000,
      settleMs: 60_000,
      log,
    });
    expect(result.listed).toBe(5);
    expect(result.redelivered).toEqual(["d-2", "d-3", "d-4", "d-5", "d-6"]);
  });

  it("skips the sweep when another process holds the lock, and keeps going when GitHub refuses one redelivery", async () => {
    const busy = new MemoryRedeliveryStore();
    await busy.lock();
    expect(await sweepMissedDeliveries(app, busy, { windowMs: 3_600_000, settleMs: 0, log })).toMatchObject({
      skipped: true,
    });

    await deliveries.deliver(pushEvent("gone", "6".repeat(40)));
    await deliveries.deliver(pushEvent("kept", "7".repeat(40)));
    // GitHub no longer knows the first attempt: its redelivery answers 404.
    deliveries.attempts[0].id = 999;
    github.routes.unshift((method, path) =>
      method === "POST" && path.includes("/999/") ? [404, { message: "Not Found" }] : undefined,
    );
    const state = createState();
    const result = await sweepMissedDeliveries(app, new MemoryRedeliveryStore(), {
      windowMs: 3_600_000,
      settleMs: 0,
      log,
      metrics: state.metrics,
    });
    expect(result).toMatchObject({ redelivered: ["kept"], failed: ["gone"] });
    const counted = await state.metrics.registry.getSingleMetricAsString("mlops_audit_redeliveries_total");
    expect(counted).toContain('outcome="requested"} 1');
    expect(counted).toContain('outcome="failed"} 1');
  });
});
