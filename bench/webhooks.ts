import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import { pino } from "pino";
import { createState } from "../src/app/index.js";
import { payload, startTestServer } from "../test/github/probot.js";
import { SimulatedGitHub } from "../test/github/simulated-github.js";
import { MACHINE, writeSection } from "./report.js";
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

new SimulatedGitHub(portfolioTree()).intercept();
const state = createState();
const { server, origin } = await startTestServer(state, SECRET, pino({ level: "silent" }));
const body = JSON.stringify(
  payload("push", undefined, { ref: "refs/heads/main", after: PLACEHOLDER, deleted: false }),
);

const rows: string[] = [];
for (const [label, distinct] of [
  ["every delivery about one commit (joins the audit already queued)", 1],
  ["deliveries about 50 commits in turn (audits always queued)", 50],
] as const) {
  const r = await load(`${origin}/api/github/webhooks`, body, distinct, 10, 10);
  await state.background.idle();
  rows.push(
    `| ${label} | ${r.requests.total} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.latency.max} | ${r.non2xx + r.errors} |`,
  );
}
await server.stop();

writeSection("webhooks", [
  "## Webhook ingestion",
  "",
  `Measured by \`npm run bench:webhooks\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}: the app's real`,
  "HTTP server on localhost, 10 connections for 10 s from autocannon in a child process, each request a signed",
  "push webhook with a new delivery id. Audits of the portfolio tree run in the same process against a fake",
  "GitHub. Times are from sending a webhook to its acknowledgement, in milliseconds.",
  "",
  "| load | webhooks | per second | p50 ms | p99 ms | max ms | not 2xx |",
  "|---|--:|--:|--:|--:|--:|--:|",
  ...rows,
]);
process.exit(0);
