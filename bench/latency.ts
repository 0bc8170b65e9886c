import { createHash } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { createState } from "../src/app/index.js";
import { AppOctokit } from "../src/app/octokit.js";
import { deliverSigned, pushEvent, startTestServer } from "../test/github/probot.js";
import { SimulatedGitHub } from "../test/github/simulated-github.js";
import { MACHINE, median, writeSection } from "./report.js";
import { portfolioTree } from "./trees.js";

/**
 * End-to-end latency: from a signed push webhook sent to the real server to its completed check run,
 * with every GitHub request answered LATENCY_MS late, in a fresh process state each time (a first audit:
 * no cached tree or blob). The app's production client is used, retries and write spacing included.
 * Each blob-fetch concurrency is measured RUNS times, to choose the default.
 */
const LATENCY_MS = 50;
const RUNS = 11;
const SECRET = "bench-secret";
const github = new SimulatedGitHub().intercept(LATENCY_MS);
nock.enableNetConnect("127.0.0.1"); // the webhook goes to the app's real server

const files = portfolioTree();

let n = 0;
async function once(blobConcurrency: number): Promise<number> {
  const sha = createHash("sha1").update(`latency-${n++}`).digest("hex");
  github.commit(sha, files);
  const state = createState(blobConcurrency);
  const { server, origin } = await startTestServer(state, SECRET, pino({ level: "silent" }), {
    Octokit: AppOctokit,
  });
  const done = new Promise<number>((resolve) => {
    github.onRequest = (kind, body) => {
      if (kind === "check runs: write" && (body as { conclusion?: string })?.conclusion)
        resolve(performance.now());
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
const rows: string[] = [];
await once(8); // warm-up: parsers and the catalogue load on first use
for (const concurrency of [1, 2, 4, 8, 16, 32]) {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) times.push(await once(concurrency));
  rows.push(`| ${concurrency} | ${median(times).toFixed(0)} | ${percentile(times, 95).toFixed(0)} |`);
  console.log(rows.at(-1));
}

writeSection("latency", [
  "## End-to-end latency: webhook to completed check run",
  "",
  `Measured by \`npm run bench:latency\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}: the app's real HTTP`,
  `server gets a signed push of the portfolio tree (about 300 files, 52 of them read); GitHub is simulated in the`,
  `process and answers every request ${LATENCY_MS} ms late. Each run starts from an empty cache, as a first audit does,`,
  "and uses the production client (its throttling spaces the two check-run writes at least a second apart).",
  `${RUNS} runs per blob-fetch concurrency, in milliseconds.`,
  "",
  "| blobs fetched at once | p50 ms | p95 ms |",
  "|--:|--:|--:|",
  ...rows,
]);
process.exit(0);
