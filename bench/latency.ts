import { createHash } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { createState } from "../src/app/index.js";
import { AppOctokit } from "../src/app/octokit.js";
import { WRITE_SPACING_MS } from "../src/app/queue/write-budget.js";
import { deliverSigned, pushEvent, startTestServer } from "../test/github/probot.js";
import { SimulatedGitHub, type Files } from "../test/github/simulated-github.js";
import { MACHINE, median, writeSection } from "./report.js";
import { portfolioTree, syntheticTree } from "./trees.js";

/**
 * End-to-end latency: from a signed push webhook sent to the real server to its completed check run,
 * with every GitHub request answered `latencyMs` late, in a fresh process state each time (a first audit:
 * no cached tree or blob). The app's production client is used, retries and write spacing included.
 * Each tree is measured with REST-only and batched reads at 10, 50 and 150 ms, in one run.
 */
const SECRET = "bench-secret";
const RUNS = Number(process.env.RUNS) || 7;
const github = new SimulatedGitHub();
nock.enableNetConnect("127.0.0.1"); // the webhook goes to the app's real server

let n = 0;
/** When the last run's check run was written: the next run's write would wait a second from it. */
let lastWrite = -Infinity;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function once(files: Files, batched: boolean): Promise<number> {
  // One push at a time: each run starts once its write no longer queues behind the previous run's.
  await sleep(lastWrite + WRITE_SPACING_MS - performance.now());
  const sha = createHash("sha1").update(`latency-${n++}`).digest("hex");
  github.commit(sha, files);
  const state = { ...createState(), batchedReads: batched };
  const { server, origin } = await startTestServer(state, SECRET, pino({ level: "silent" }), {
    Octokit: AppOctokit,
  });
  const done = new Promise<number>((resolve) => {
    github.onRequest = (kind, body) => {
      if (kind === "check runs: write") lastWrite = performance.now();
      if (kind === "check runs: write" && (body as { conclusion?: string })?.conclusion) resolve(lastWrite);
    };
  });
  const sent = performance.now();
  const res = await deliverSigned(origin, SECRET, pushEvent(`latency-${n}`, sha));
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  const ms = (await done) - sent;
  await state.background.idle();
  await server.stop();
  return ms;
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1];
/** Each tree, the latencies it is run at, and how many runs (the 100,000-path tree's REST reads take ~25 s a run). */
const trees: [string, Files, number[], number][] = [
  ["portfolio, ~300 files", portfolioTree(), [10, 50, 150], RUNS],
  ["synthetic, 3,000 paths", syntheticTree(3_000), [10, 50, 150], RUNS],
  ["synthetic, 100,000 paths", syntheticTree(100_000), [50], Math.min(RUNS, 3)],
];
const rows: string[] = [];
github.intercept(50);
nock.enableNetConnect("127.0.0.1");
await once(portfolioTree(), true); // warm-up: parsers and the catalogue load on first use
for (const [name, files, latencies, runs] of trees)
  for (const latencyMs of latencies) {
    nock.cleanAll();
    github.intercept(latencyMs);
    nock.enableNetConnect("127.0.0.1");
    for (const batched of [false, true]) {
      const times: number[] = [];
      for (let r = 0; r < runs; r++) times.push(await once(files, batched));
      const reads = batched ? "batched" : "REST only";
      rows.push(
        `| ${name} | ${latencyMs} | ${reads} | ${median(times).toFixed(0)} | ${percentile(times, 95).toFixed(0)} |`,
      );
      console.log(rows.at(-1));
    }
  }

writeSection("latency", [
  "## End-to-end latency: webhook to completed check run",
  "",
  `Measured by \`npm run bench:latency\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}, a machine shared with`,
  "other work while it ran: the app's real HTTP server gets a signed push; GitHub is simulated in the process and",
  "answers every request the given number of milliseconds late. Each run starts from an empty cache, as a first",
  "audit does, and uses the production client, whose throttling spaces one installation's writes a second apart",
  "(a GraphQL query is a read and is not spaced); each run starts once its write would not wait for the previous",
  "run's. REST only reads 8 files at once, a request each; batched reads them through GitHub's GraphQL API.",
  `${RUNS} runs per row (3 for the 100,000-path tree), in milliseconds.`,
  "",
  "| tree | GitHub latency ms | reads | p50 ms | p95 ms |",
  "|---|--:|---|--:|--:|",
  ...rows,
]);
process.exit(0);
