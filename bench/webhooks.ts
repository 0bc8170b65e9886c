import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pino } from "pino";
import { createState, ENGINE_THREADS, type Role } from "../src/app/index.js";
import { startWorkerProcess } from "../test/github/redis-server.js";
import { payload, startTestServer, TestOctokit } from "../test/github/probot.js";
import { githubProcess } from "./github-process.js";
import { redisDeployment } from "./redis-deployment.js";
import { calibrate, MACHINE, noiseLine, writeSection } from "./report.js";

/**
 * Webhook ingestion: the app's real HTTP server takes signed push webhooks from autocannon, which runs
 * in a child process so the load does not share the server's event loop. Every delivery is new; the
 * commits cycle through `distinct` SHAs, so with more than one the queue always holds audits. They fetch
 * from GitHub simulated in a process of its own, as the real one is elsewhere.
 */
const SECRET = "bench-secret";
const require = createRequire(import.meta.url);
const PLACEHOLDER = "0".repeat(40);

/** Plain JavaScript for the load process: a fresh delivery id, commit and signature on every request. */
const LOAD = `
const workerData = JSON.parse(process.argv[1]);
const { createHmac, randomUUID, createHash } = require("node:crypto");
const autocannon = require(workerData.autocannon);
let n = 0;
autocannon({
  url: workerData.url,
  connections: workerData.connections,
  duration: workerData.seconds,
  overallRate: workerData.rate,
  requests: [{
    method: "POST",
    setupRequest: (req) => {
      const sha = createHash("sha1").update(String(n++ % workerData.distinct)).digest("hex");
      const body = workerData.body.replace(workerData.placeholder, sha);
      const signature = "sha256=" + createHmac("sha256", workerData.secret).update(body).digest("hex");
      return { ...req, body, headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": signature,
      } };
    },
  }],
}, (error, result) => process.stdout.write(JSON.stringify(error ? { error: String(error) } : result)));
`;

type Result = {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
};

/** `rate` webhooks a second in all, or as many as the server takes when undefined. */
function load(url: string, body: string, distinct: number, rate: number | undefined) {
  const options = {
    autocannon: require.resolve("autocannon"),
    url,
    body,
    distinct,
    rate,
    connections: 10,
    seconds: 10,
    secret: SECRET,
    placeholder: PLACEHOLDER,
  };
  return new Promise<Result>((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", LOAD, JSON.stringify(options)]);
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("error", reject);
    child.once("close", () => {
      const result = JSON.parse(out) as Result | { error: string };
      if ("error" in result) reject(new Error(result.error));
      else resolve(result);
    });
  });
}

const body = JSON.stringify(
  payload("push", undefined, { ref: "refs/heads/main", after: PLACEHOLDER, deleted: false }),
);
const rows: string[] = [];
/** A rate well below what the server takes: the acknowledgement's own time, not time spent waiting in line. */
const OFFERED_RATE = 50;

async function measure(
  origin: string,
  label: string,
  distinct: number,
  settle: () => Promise<void>,
  rate?: number,
) {
  // How long the server's event loop was held up while the load ran: what a webhook arriving meanwhile waits.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const r = await load(`${origin}/api/github/webhooks`, body, distinct, rate);
  delay.disable();
  await settle();
  const offered = rate ? `${rate}/s offered` : "as fast as taken";
  const loopP99 = (delay.percentile(99) / 1e6).toFixed(0);
  rows.push(
    `| ${label} | ${offered} | ${r.requests.total} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p90} | ${r.latency.p99} | ${r.latency.max} | ${loopP99} | ${r.non2xx + r.errors} |`,
  );
  console.log(rows.at(-1));
}

const before = calibrate(30);

// The floor: a bare HTTP server that answers at once, under the same load on the same machine. What it
// measures is the machine, the load generator and HTTP; the app's rows are read against it.
const bare = createServer((req, res) => req.resume().on("end", () => res.end("ok")));
await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
const bareOrigin = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
const nothing = async () => undefined;
await measure(bareOrigin, "floor: a bare HTTP server answering at once", 1, nothing);
await measure(bareOrigin, "floor: a bare HTTP server answering at once", 1, nothing, OFFERED_RATE);
bare.close();

// GitHub is simulated by a process of its own, as the real one is elsewhere: serving trees and blobs in the
// measured process would count as the server's work.
const github = await githubProcess();
const Octokit = TestOctokit.defaults({
  baseUrl: `${github.env.GHE_PROTOCOL}://${github.env.GHE_HOST}/api/v3`,
});

// One process: audits run in the server's process; the rules are judged on the main thread (as before
// engine threads) or on one engine thread (the default).
for (const threads of [0, ENGINE_THREADS]) {
  const state = createState(undefined, threads);
  const where = threads
    ? `${threads} engine thread${threads > 1 ? "s" : ""}`
    : "rules judged on the main thread";
  const single = await startTestServer(state, SECRET, pino({ level: "silent" }), { Octokit });
  const idle = () => state.background.idle();
  await measure(single.origin, `one process, ${where}: every delivery about one commit`, 1, idle);
  await measure(single.origin, `one process, ${where}: 50 commits in turn (audits always queued)`, 50, idle);
  await measure(single.origin, `one process, ${where}: 50 commits in turn`, 50, idle, OFFERED_RATE);
  await single.server.stop();
  await state.engine?.close();
}

// With Redis: the server only queues; a worker process audits.
const deployment = await redisDeployment(github);
const { queue } = deployment;
const role: Role = queue.webRole();
const webState = createState();
const web = await startTestServer(webState, SECRET, pino({ level: "silent" }), { role });
const worker = await startWorkerProcess(deployment.workerEnv);
const webIdle = () => webState.background.idle();
const withRedis = "web process with Redis, a worker process auditing: 50 commits in turn";
await measure(web.origin, withRedis, 50, webIdle);
await measure(web.origin, withRedis, 50, webIdle, OFFERED_RATE);
worker.stop();
await web.server.stop();
await deployment.close();

const after = calibrate(30);
writeSection("webhooks", [
  "## Webhook ingestion",
  "",
  `Measured by \`npm run bench:webhooks\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}: the app's real`,
  "HTTP server on localhost, 10 connections for 10 s from autocannon in a child process, each request a signed",
  `push webhook with a new delivery id, sent as fast as the server takes them or at ${OFFERED_RATE} a second in all.`,
  "At full speed a webhook's time is mostly its wait behind the other nine connections' (Little's law: 10",
  "connections at 300 a second is 33 ms each on average); the offered rate shows the acknowledgement's own time.",
  "In one process, audits of the portfolio tree run in the server's process, fetching from GitHub simulated in a",
  "process of its own, their rules judged on the main thread or on an engine thread (the default,",
  "`MLOPS_AUDIT_ENGINE_THREADS`). With Redis (a real redis-server), the server only queues and one worker process",
  "audits, on the same two cores. Times are from sending a webhook to its acknowledgement, in milliseconds;",
  "event-loop delay is the p99 of how late the server's event loop ran a 1 ms timer during the load.",
  "",
  "| load | sent | webhooks | per second | p50 ms | p90 ms | p99 ms | max ms | event-loop delay p99 ms | not 2xx |",
  "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
  ...rows,
  "",
  noiseLine(before, after, "the loads"),
]);
process.exit(0);
