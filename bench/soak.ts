import { createHash } from "node:crypto";
import { filesOf, PRIVATE_KEY } from "../test/github/fake-github.js";
import { freePort, pushEvent } from "../test/github/probot.js";
import { RedisServer, startWebProcess, startWorkerProcess, until } from "../test/github/redis-server.js";
import { SimulatedDeliveries } from "../test/github/simulated-deliveries.js";
import { SimulatedGitHub, type Files } from "../test/github/simulated-github.js";
import { NEVER_LOGGED } from "../test/github/suite-log.js";
import { MACHINE, writeSection } from "./report.js";

/**
 * The whole deployment through restarts and outages: a real Redis with its append-only file, the web process
 * and two workers as their own processes, and a simulated GitHub that fails a share of the app's requests,
 * sends every push as a signed delivery, records what each attempt got and redelivers only when the app asks.
 * Three phases, each ending when every commit has a completed check run (or a deadline passes):
 * 1. the fault mix: pushes at a steady rate while GitHub fails FAULT_RATE of requests, a worker is killed
 *    (SIGKILL) and replaced, Redis is restarted, and the web process is restarted (SIGTERM, then a new one);
 * 2. a SIGTERM of the web process right after a Redis outage, with deliveries acknowledged during it;
 * 3. the web process down for DOWN_SECONDS while GitHub's deliveries fail, recovered only by the app's own
 *    redelivery requests when it is back.
 * Counted for each: commits lost (no completed check run), duplicated (more than one), stuck (in progress).
 */
const SECRET = NEVER_LOGGED.webhookSecret;
const PUSHES = Number(process.env.PUSHES) || 120;
const SECONDS = Number(process.env.SECONDS) || 30;
const FAULT_RATE = Number(process.env.FAULT_RATE ?? 0.07);
const DOWN_SECONDS = Number(process.env.DOWN_SECONDS) || 10;

const files: Files = Object.fromEntries(
  Object.entries(filesOf("fixtures/repos/middling")).map(([path, bytes]) => [path, bytes.toString()]),
);
const sha = (phase: number, n: number) => createHash("sha1").update(`soak-${phase}-${n}`).digest("hex");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const redis = await RedisServer.start();
const github = new SimulatedGitHub();
let host = "";
const deliveries = new SimulatedDeliveries(github, SECRET, () => host);
let failing = false;
// GitHub failing a share of the app's API requests (not the deliveries list, which the sweep retries later).
github.routes.unshift((_method, path) =>
  failing && !path.startsWith("/app/hook") && Math.random() < FAULT_RATE
    ? [502, { message: "Bad Gateway" }]
    : undefined,
);
const api = await github.listen(20);
host = api.env.GHE_HOST;
const port = await freePort();
const common = { APP_ID: "1", PRIVATE_KEY, REDIS_URL: redis.url, ...api.env };
const webEnv = {
  ...common,
  WEBHOOK_SECRET: SECRET,
  PORT: String(port),
  MLOPS_AUDIT_WEB_ONLY: "true",
  MLOPS_AUDIT_DRAIN_SECONDS: "5",
  MLOPS_AUDIT_REDELIVERY_SETTLE_SECONDS: "10",
  MLOPS_AUDIT_REDELIVERY_MINUTES: "0.25",
};
const workerEnv = { ...common, MLOPS_AUDIT_LOCK_MS: "3000" };

const processes: { stop: () => void }[] = [];
async function web() {
  const p = await startWebProcess(webEnv);
  processes.push(p);
  deliveries.target = `http://127.0.0.1:${port}`;
  return p;
}
async function worker() {
  const p = await startWorkerProcess(workerEnv);
  processes.push(p);
  return p;
}

/** Sends `count` pushes of new commits of `phase` over `seconds`, each from its own installation. */
async function pushes(phase: number, count: number, seconds: number, during?: (i: number) => Promise<void>) {
  const shas: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = sha(phase, i);
    github.commit(s, files);
    shas.push(s);
    await deliveries.deliver(
      pushEvent(`p${phase}-${i}`, s, { installation: { id: 10_000 + i, node_id: "I" } }),
    );
    await during?.(i);
    await sleep((seconds * 1000) / count);
  }
  return shas;
}

async function outcome(name: string, shas: string[], started: number) {
  const done = () => shas.every((s) => github.runsOf(s).some((r) => r.status === "completed"));
  await until(done, name, 180_000).catch(() => {});
  const runs = shas.map((s) => github.runsOf(s));
  return {
    name,
    pushes: shas.length,
    lost: runs.filter((r) => !r.some((x) => x.status === "completed")).length,
    duplicated: runs.filter((r) => r.length > 1).length,
    stuck: runs.filter((r) => r.some((x) => x.status !== "completed")).length,
    redeliveries: deliveries.redeliveryRequests.length,
    seconds: (performance.now() - started) / 1000,
  };
}

const results = [];
let current = await web();
const workers = [await worker(), await worker()];

// 1. The fault mix.
failing = true;
let started = performance.now();
const before = deliveries.redeliveryRequests.length;
const mixed = await pushes(1, PUSHES, SECONDS, async (i) => {
  if (i === Math.floor(PUSHES * 0.25)) {
    workers[0].child.kill("SIGKILL");
    workers[0] = await worker();
  }
  if (i === Math.floor(PUSHES * 0.5)) {
    await redis.stop();
    await sleep(2_000);
    await redis.restart();
  }
  if (i === Math.floor(PUSHES * 0.75)) {
    current.child.kill("SIGTERM");
    await current.exited;
    current = await web();
  }
});
results.push({
  ...(await outcome("fault mix", mixed, started)),
  redeliveries: deliveries.redeliveryRequests.length - before,
});
failing = false;

// 2. SIGTERM right after a Redis outage.
started = performance.now();
let from = deliveries.redeliveryRequests.length;
await redis.stop();
const heldShas = await pushes(2, 20, 2);
await redis.restart();
current.child.kill("SIGTERM");
await current.exited;
current = await web();
results.push({
  ...(await outcome("SIGTERM right after a Redis outage", heldShas, started)),
  redeliveries: deliveries.redeliveryRequests.length - from,
});

// 3. The web process down while GitHub's deliveries fail.
started = performance.now();
from = deliveries.redeliveryRequests.length;
current.child.kill("SIGTERM");
await current.exited;
const missed = await pushes(3, 20, DOWN_SECONDS);
current = await web();
results.push({
  ...(await outcome(`web process down ${DOWN_SECONDS} s`, missed, started)),
  redeliveries: deliveries.redeliveryRequests.length - from,
});

for (const p of processes) p.stop();
await api.close();
await redis.stop();

writeSection("soak", [
  "## Soak: restarts and outages with the whole deployment",
  "",
  `Measured by \`npm run bench:soak\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}: a real redis-server with`,
  "its append-only file, the web process and two workers as `npm start` and `npm run worker` run them, and a",
  "simulated GitHub on a local port (20 ms a request) that sends every push as a signed delivery, records each",
  "attempt's answer, and redelivers only when the app asks. Each push is a new commit of the middling example.",
  `1. The fault mix: ${PUSHES} pushes over ${SECONDS} s while GitHub fails ${(FAULT_RATE * 100).toFixed(0)} % of the app's`,
  "   requests with a 502; a worker killed (SIGKILL) and replaced at a quarter, Redis stopped for 2 s at half,",
  "   the web process restarted (SIGTERM, then a new one) at three quarters.",
  "2. Redis stopped, 20 pushes acknowledged in 2 s, Redis started and the web process sent SIGTERM at once.",
  `3. The web process stopped, 20 pushes over ${DOWN_SECONDS} s that fail to connect, then a new web process.`,
  "",
  "| phase | pushes | lost | duplicated | stuck | redelivery requests | seconds to the last check run |",
  "|---|--:|--:|--:|--:|--:|--:|",
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.pushes} | ${r.lost} | ${r.duplicated} | ${r.stuck} | ${r.redeliveries} | ${r.seconds.toFixed(1)} |`,
  ),
]);
process.exit(results.some((r) => r.lost || r.duplicated || r.stuck) ? 1 : 0);
