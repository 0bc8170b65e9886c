import { createHash } from "node:crypto";
import { pino } from "pino";
import { Probot } from "probot";
import mlopsAudit, { createState } from "../src/app/index.js";
import { resilientOctokit } from "../src/app/octokit.js";
import { main } from "../src/cli.js";
import { PRIVATE_KEY } from "../test/github/fake-github.js";
import { payload, pushEvent } from "../test/github/probot.js";
import { SimulatedGitHub, type Files } from "../test/github/simulated-github.js";
import { MACHINE, writeSection } from "./report.js";
import { completeFixture, portfolioTree, syntheticTree } from "./trees.js";

/**
 * Counts the GitHub requests one audit costs, by kind, against a fake GitHub that serves commits from
 * memory: a first audit in a fresh process, then the events that follow it in real use.
 */
const pull = (id: string, action: string, head: string, base: string) => ({
  id,
  name: "pull_request" as const,
  payload: payload("pull_request", action, {
    number: 7,
    pull_request: { number: 7, head: { sha: head, ref: "f" }, base: { sha: base, ref: "main" } },
  }) as never,
});

/** One table row: the requests an event cost, by kind, how many GitHub answered 304, and the bytes it sent. */
function row(
  tree: string,
  label: string,
  counted: { kind: string; status: number; bytes: number }[],
  reads = "",
): string {
  const by = new Map<string, number>();
  for (const { kind } of counted) by.set(kind, (by.get(kind) ?? 0) + 1);
  const detail = [...by].map(([k, n]) => `${k} ${n}`).join(", ");
  const kb = counted.reduce((sum, c) => sum + c.bytes, 0) / 1024;
  const unchanged = counted.filter((c) => c.status === 304).length;
  return `| ${tree} | ${label} | ${reads} | ${counted.length} | ${unchanged} | ${kb.toFixed(1)} | ${detail} |`;
}

/** The events of a repository's life, in order; `steps` of them on a large tree, where the rest add nothing. */
async function scenario(name: string, files: Files, batched: boolean, steps = 5) {
  const sha = (n: number) => createHash("sha1").update(`${name}${batched}${n}`).digest("hex");
  const edit = (f: Files, n: number) => {
    const target = Object.keys(f).find((p) => p.endsWith(".py")) ?? Object.keys(f)[0];
    return { ...f, [target]: `${f[target]}\n# edit ${n}\n` };
  };
  const v1 = files;
  const v2 = edit(v1, 2);
  const v3 = edit(v2, 3);
  const v4 = edit(v3, 4);
  [v1, v2, v3, v4].forEach((f, i) => github.commit(sha(i + 1), f));
  const probot = new Probot({
    appId: 1,
    privateKey: PRIVATE_KEY,
    // The app's production client, new for each scenario as in a fresh process: retries, write spacing
    // and conditional requests as deployed.
    Octokit: resilientOctokit(),
    log: pino({ level: "silent" }),
  });
  const state = { ...createState(), batchedReads: batched };
  await probot.load((app, options) => mlopsAudit(app, options, state));
  const events: [string, Parameters<Probot["receive"]>[0]][] = [
    ["first audit (push, fresh process)", pushEvent(`${name}-1`, sha(1))],
    ["re-audit after a one-file push", pushEvent(`${name}-2`, sha(2))],
    ["another event for an audited commit", pushEvent(`${name}-3`, sha(2))],
    ["pull request opened (head + base)", pull(`${name}-4`, "opened", sha(3), sha(2))],
    ["pull request synchronize, one file", pull(`${name}-5`, "synchronize", sha(4), sha(2))],
  ];
  const rows: string[] = [];
  for (const [label, event] of events.slice(0, steps)) {
    github.countedSince();
    await probot.receive(event);
    await state.background.idle();
    const counted = github.countedSince();
    rows.push(row(name, label, counted, batched ? "batched" : "REST only"));
    console.log(rows.at(-1));
  }
  return rows;
}

/**
 * `mlops-audit OWNER/REPO` from the command line: a fresh process, no cache; with a token it also reads
 * GitHub's records (every workflow's latest run green, no deployment, every pushed image published).
 */
async function byName(name: string, slug: string, files: Files, token?: string) {
  const sha = createHash("sha1").update(`by-name ${name}`).digest("hex");
  github.commit(sha, files).repository("learner", slug, "main", { main: sha });
  github.countedSince();
  const code = await main([`learner/${slug}`, "--format", "json"], {
    stdout: () => {},
    stderr: (s) => process.stderr.write(s),
    isTTY: false,
    env: token ? { GITHUB_TOKEN: token } : {},
  });
  if (code !== 0) throw new Error(`the by-name audit of ${slug} exited ${code}`);
  const counted = github.countedSince();
  const how = token ? "CLI, GITHUB_TOKEN" : "CLI, no token";
  return row(name, `\`mlops-audit learner/${slug}\` (${how})`, counted, "REST only");
}

const github = new SimulatedGitHub().intercept();
const rows: string[] = [];
for (const batched of [false, true])
  rows.push(
    ...(await scenario("fixture: complete", completeFixture(), batched)),
    ...(await scenario("portfolio, ~300 files", portfolioTree(), batched)),
    ...(await scenario("synthetic, 3,000 paths", syntheticTree(3_000), batched, 2)),
    ...(await scenario("synthetic, 100,000 paths", syntheticTree(100_000), batched, 2)),
  );
rows.push(
  await byName("fixture: complete", "complete", completeFixture()),
  await byName(`portfolio, ${Object.keys(portfolioTree()).length} files`, "portfolio", portfolioTree()),
  await byName(
    `portfolio, ${Object.keys(portfolioTree()).length} files`,
    "portfolio",
    portfolioTree(),
    "ghp_bench",
  ),
);
writeSection("requests", [
  "## GitHub requests per audit",
  "",
  `Measured by \`npm run bench:requests\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}, against a fake`,
  "GitHub serving the commits from memory. Each row is one webhook, in order, in one process, so later rows",
  "benefit from the blob and tree caches as a running app does. A push reads its config from the audited tree, and",
  "looks for the org's `.github` fallback once per owner (then every ten minutes). A pull request reads the default",
  "branch's config through Probot: two lookups, the repository's and the org's. Each pull-request row writes the",
  "sticky comment once (a create, then an edit found by its marker). The last rows audit by name from the",
  "command line: the repository, its default branch's commit, the tree, then the blobs the rules read; GitHub",
  "allows 60 requests an hour without a token: one audit of the portfolio fits, a second in the same hour needs",
  "`GITHUB_TOKEN` (5,000). KB received is the JSON of GitHub's answers (REST blobs come base64-encoded, a third",
  "larger than the files; a batched read answers their text). Reads: `REST only` reads each file with its own",
  "request (`MLOPS_AUDIT_BATCHED_READS=false`); `batched` reads them through GitHub's GraphQL API, up to 100 files",
  "or 4 MB a query (the default). The larger trees show their first two events only. The installation grants",
  "`actions: read` and `deployments: read`, so each head the app audits also reads the latest runs of each workflow",
  "that CI evidence comes from (one request each) and the latest deployment (one, two when there is one). The",
  "by-name audit reads the same records when it has `GITHUB_TOKEN`, and one package per image CI pushes to ghcr.io.",
  "The app's production client sends each GET again with the ETag GitHub gave it; `304` counts the answers GitHub",
  "had no change for (these cost nothing of the rate limit, but are still a round trip). The fake GitHub tags every",
  "GET it answers 200, as GitHub does.",
  "",
  "| tree | event | reads | requests | 304 | KB received | by kind |",
  "|---|---|---|--:|--:|--:|---|",
  ...rows,
]);
