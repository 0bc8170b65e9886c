import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import { pino } from "pino";
import { createState, ENGINE_THREADS, type Role } from "../src/app/index.js";
import { startWorkerProcess } from "../test/github/redis-server.js";
import { payload, startTestServer } from "../test/github/probot.js";
import { SimulatedGitHub } from "../test/github/simulated-github.js";
import { redisDeployment } from "./redis-deployment.js";
import { calibrate, MACHINE, writeSection } from "./report.js";
import { portfolioTree } from "./trees.js";

/**
 * Webhook ingestion: the app's real HTTP server takes signed push webhooks from autocannon, which runs
 * in a child process so the load does not share the server's event loop. Every delivery is new; the
 * commits cycle through `distinct` SHAs, so with more than one the queue always holds audits, which run
 * against a fake GitHub in the same process, as they would in production.
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

function load(url: string, body: string, distinct: number, connections: number, seconds: number) {
  const options = {
    autocannon: require.resolve("autocannon"),
    url,
    body,
    distinct,
    connections,
    seconds,
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
async function measure(origin: string, label: string, distinct: number, settle: () => Promise<void>) {
  const r = await load(`${origin}/api/github/webhooks`, body, distinct, 10, 10);
  await settle();
  rows.push(
    `| ${label} | ${r.requests.total} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.latency.max} | ${r.non2xx + r.errors} |`,
  );
  console.log(rows.at(-1));
}

const before = calibrate(30);

// One process: audits run in the server's process, against GitHub simulated in it; the rules are judged on
// the main thread (as before engine threads) or on one engine thread (the default).
new SimulatedGitHub(portfolioTree()).intercept();
for (const threads of [0, ENGINE_THREADS]) {
  const state = createState(undefined, threads);
  const where = threads
    ? `${threads} engine thread${threads > 1 ? "s" : ""}`
    : "rules judged on the main thread";
  const single = await startTestServer(state, SECRET, pino({ level: "silent" }));
  const idle = () => state.background.idle();
  await measure(single.origin, `one process, ${where}: every delivery about one commit`, 1, idle);
  await measure(single.origin, `one process, ${where}: 50 commits in turn (audits always queued)`, 50, idle);
  await single.server.stop();
  await state.engine?.close();
}

// With Redis: the server only queues; a worker process audits, against GitHub simulated on a local port.
const deployment = await redisDeployment(new SimulatedGitHub(portfolioTree()));
const { queue } = deployment;
const role: Role = { kind: "web", enqueue: (event) => queue.enqueue(event) };
const webState = createState();
const web = await startTestServer(webState, SECRET, pino({ level: "silent" }), { role });
const worker = await startWorkerProcess(deployment.workerEnv);
await measure(web.origin, "web process with Redis, a worker process auditing: 50 commits in turn", 50, () =>
  webState.background.idle(),
);
worker.stop();
await web.server.stop();
await deployment.close();

const after = calibrate(30);
writeSection("webhooks", [
  "## Webhook ingestion",
  "",
  `Measured by \`npm run bench:webhooks\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}: the app's real`,
  "HTTP server on localhost, 10 connections for 10 s from autocannon in a child process, each request a signed",
  "push webhook with a new delivery id. In one process, audits of the portfolio tree run in the server's process",
  "against a fake GitHub, their rules judged on the main thread or on an engine thread (the default,",
  "`MLOPS_AUDIT_ENGINE_THREADS`). With Redis (a real redis-server), the server only queues and one worker process",
  "audits, on the same two cores. Times are from sending a webhook to its acknowledgement, in milliseconds.",
  "",
  "| load | webhooks | per second | p50 ms | p99 ms | max ms | not 2xx |",
  "|---|--:|--:|--:|--:|--:|--:|",
  ...rows,
  "",
  `Machine noise in the same run: a fixed arithmetic loop took ${before.median.toFixed(0)} ms median and ` +
    `${before.fastest.toFixed(0)} ms fastest before the loads, ${after.median.toFixed(0)} and ${after.fastest.toFixed(0)} ms after.`,
]);
process.exit(0);
