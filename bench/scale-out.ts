import { createHash } from "node:crypto";
import { pushEvent } from "../test/github/probot.js";
import { startWorkerProcess } from "../test/github/redis-server.js";
import { SimulatedGitHub } from "../test/github/simulated-github.js";
import { redisDeployment } from "./redis-deployment.js";
import { MACHINE, median, writeSection } from "./report.js";
import { portfolioTree } from "./trees.js";

/**
 * Audits a minute with 1, 2 and 4 worker processes draining one Redis queue, in two cases: every job from
 * its own installation (many learners' repositories), and every job from one installation (one busy
 * repository), where the deployment's shared write budget of one write a second for that installation is
 * the limit whatever the number of workers. GitHub is simulated on a local port with a fixed latency per
 * request; every job is a push of the portfolio tree, and a warm-up round fetches the installation tokens a
 * worker then keeps.
 */
const LATENCY_MS = 50;
const JOBS = Number(process.env.JOBS) || 24;
/** One installation's round is bounded by its writes (two a job, one a second), so it has fewer jobs. */
const SINGLE_JOBS = Number(process.env.SINGLE_JOBS) || 12;
const ROUNDS = 2;

const github = new SimulatedGitHub(portfolioTree());
const deployment = await redisDeployment(await github.listen(LATENCY_MS));
const { queue, workerEnv: env } = deployment;

let round = 0;
/**
 * Enqueues `jobs` new commits, from as many installations or from one, and resolves with the seconds until
 * every check run is complete.
 */
async function drain(jobs: number, oneInstallation: boolean): Promise<number> {
  round++;
  const shas = Array.from({ length: jobs }, (_, i) =>
    createHash("sha1").update(`scale-${round}-${i}`).digest("hex"),
  );
  const started = performance.now();
  for (const [i, sha] of shas.entries())
    await queue.enqueue(
      pushEvent(`r${round}-${i}`, sha, { installation: { id: oneInstallation ? 999 : 1000 + i } }),
    );
  const done = () => shas.every((s) => github.runsOf(s).some((r) => r.status === "completed"));
  const deadline = Date.now() + 300_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`round ${round}: not every check run completed in 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return (performance.now() - started) / 1000;
}

const rows: string[] = [];
for (const oneInstallation of [false, true])
  for (const workers of (process.env.WORKERS ?? "1,2,4").split(",").map(Number)) {
    const jobs = oneInstallation ? SINGLE_JOBS : JOBS;
    const started = await Promise.all(Array.from({ length: workers }, () => startWorkerProcess(env)));
    const problems = () =>
      started.flatMap((w) =>
        w
          .output()
          .split("\n")
          .filter((l) => /"level":(40|50)/.test(l)),
      );
    await drain(jobs, oneInstallation).catch((e: unknown) => {
      console.error(problems().slice(0, 5).join("\n"));
      throw e;
    }); // warm-up: each worker's first audits load the catalogue's parsers
    const seconds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) seconds.push(await drain(jobs, oneInstallation));
    for (const w of started) w.stop();
    const s = median(seconds);
    rows.push(
      `| ${oneInstallation ? `one (${jobs} jobs)` : `${jobs}, one job each`} | ${workers} | ${((jobs / s) * 60).toFixed(0)} | ${s.toFixed(1)} | ${seconds.map((x) => x.toFixed(1)).join(", ")} |`,
    );
    console.log(rows.at(-1));
  }
await deployment.close();

writeSection("scale-out", [
  "## Scale-out: audits a minute by worker processes",
  "",
  `Measured by \`npm run bench:scale-out\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}: a real`,
  `redis-server on localhost, worker processes started as \`npm run worker\` starts them (4 audits at a time each),`,
  `and a simulated GitHub on a local port answering every request after ${LATENCY_MS} ms. Each round enqueues`,
  `pushes of the portfolio tree (about 300 files, 52 of them read), either ${JOBS} from ${JOBS} installations or ${SINGLE_JOBS}`,
  "from one installation, and ends when the last check run is complete. Median of",
  `${ROUNDS} rounds after a warm-up round. One installation's writes (two per audit) are spaced a second apart`,
  "across all the workers, through the write budget they share in Redis; different installations write at the",
  "same time.",
  "",
  "| installations | workers | audits a minute | seconds for the round | rounds |",
  "|---|--:|--:|--:|---|",
  ...rows,
]);
process.exit(0);
