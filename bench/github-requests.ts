import { createHash } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { Probot } from "probot";
import mlopsAudit, { createState } from "../src/app/index.js";
import { INSTALLATION_ID, PRIVATE_KEY } from "../test/github/fake-github.js";
import { payload, TestOctokit } from "../test/github/probot.js";
import { MACHINE, writeSection } from "./report.js";
import { completeFixture, portfolioTree } from "./trees.js";

/**
 * Counts the GitHub requests one audit costs, by kind, against a fake GitHub that serves commits from
 * memory: a first audit in a fresh process, then the events that follow it in real use.
 */
type Files = Record<string, string>;
const repoPath = "/repos/learner/taxi-mlops";
const blobSha = (text: string) => {
  const bytes = Buffer.from(text);
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
};

const commits = new Map<string, Files>();
const blobs = new Map<string, string>();
const checkRuns = new Map<string, { id: number; status: string }[]>();
let nextId = 1;
let counted: string[] = [];

function kindOf(method: string, path: string): string {
  if (path.includes("/access_tokens")) return "token";
  if (path.includes("/contents/")) return "config";
  if (path.includes("/git/trees/")) return "tree";
  if (path.includes("/git/blobs/")) return "blob";
  if (path.includes("check-runs")) return method === "GET" ? "check runs: list" : "check runs: write";
  if (path.includes("/comments")) return method === "GET" ? "comments: list" : "comments: write";
  return `${method} other`;
}

function serve() {
  nock.disableNetConnect();
  const scope = nock("https://api.github.com").persist();
  scope.on("request", (req: { method: string; path: string }) => counted.push(kindOf(req.method, req.path)));
  scope
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: "t", expires_at: "2099-01-01T00:00:00Z" })
    .get(/\/contents\//)
    .reply(404, {})
    .get(/\/git\/trees\/(\w+)/)
    .query(true)
    .reply((uri) => {
      const sha = /trees\/(\w+)/.exec(uri)![1];
      const tree = Object.entries(commits.get(sha)!).map(([path, text]) => ({
        path,
        type: "blob",
        mode: "100644",
        sha: blobSha(text),
        size: Buffer.byteLength(text),
      }));
      return [200, { sha, tree, truncated: false }];
    })
    .get(/\/git\/blobs\/(\w+)/)
    .reply((uri) => {
      const sha = /blobs\/(\w+)/.exec(uri)![1];
      return [200, { sha, encoding: "base64", content: Buffer.from(blobs.get(sha)!).toString("base64") }];
    })
    .get(/\/commits\/(\w+)\/check-runs/)
    .query(true)
    .reply((uri) => {
      const runs = checkRuns.get(/commits\/(\w+)/.exec(uri)![1]) ?? [];
      return [
        200,
        { total_count: runs.length, check_runs: runs.map((r) => ({ ...r, external_id: "mlops-audit" })) },
      ];
    })
    .post(`${repoPath}/check-runs`)
    .reply((_uri, body) => {
      const run = { id: nextId++, status: "in_progress" };
      const sha = (body as { head_sha: string }).head_sha;
      checkRuns.set(sha, [...(checkRuns.get(sha) ?? []), run]);
      return [201, run];
    })
    .patch(/\/check-runs\/(\d+)/)
    .reply((uri) => {
      const id = Number(/check-runs\/(\d+)/.exec(uri)![1]);
      for (const runs of checkRuns.values()) for (const r of runs) if (r.id === id) r.status = "completed";
      return [200, {}];
    })
    .get(/\/issues\/\d+\/comments/)
    .query(true)
    .reply(200, [])
    .post(/\/issues\/\d+\/comments/)
    .reply(201, { id: 1 });
}

function commit(sha: string, files: Files) {
  commits.set(sha, files);
  for (const text of Object.values(files)) blobs.set(blobSha(text), text);
}

const push = (id: string, sha: string) => ({
  id,
  name: "push" as const,
  payload: payload("push", undefined, { ref: "refs/heads/main", after: sha, deleted: false }) as never,
});
const pull = (id: string, action: string, head: string, base: string) => ({
  id,
  name: "pull_request" as const,
  payload: payload("pull_request", action, {
    number: 7,
    pull_request: { number: 7, head: { sha: head, ref: "f" }, base: { sha: base, ref: "main" } },
  }) as never,
});

async function scenario(name: string, files: Files) {
  const sha = (n: number) => createHash("sha1").update(`${name}${n}`).digest("hex");
  const edit = (f: Files, n: number) => {
    const target = Object.keys(f).find((p) => p.endsWith(".py")) ?? Object.keys(f)[0];
    return { ...f, [target]: `${f[target]}\n# edit ${n}\n` };
  };
  const v1 = files;
  const v2 = edit(v1, 2);
  const v3 = edit(v2, 3);
  const v4 = edit(v3, 4);
  [v1, v2, v3, v4].forEach((f, i) => commit(sha(i + 1), f));
  const probot = new Probot({
    appId: 1,
    privateKey: PRIVATE_KEY,
    Octokit: TestOctokit,
    log: pino({ level: "silent" }),
  });
  const state = createState();
  await probot.load((app, options) => mlopsAudit(app, options, state));
  const steps: [string, Parameters<Probot["receive"]>[0]][] = [
    ["first audit (push, fresh process)", push(`${name}-1`, sha(1))],
    ["re-audit after a one-file push", push(`${name}-2`, sha(2))],
    ["another event for an audited commit", push(`${name}-3`, sha(2))],
    ["pull request opened (head + base)", pull(`${name}-4`, "opened", sha(3), sha(2))],
    ["pull request synchronize, one file", pull(`${name}-5`, "synchronize", sha(4), sha(2))],
  ];
  const rows: string[] = [];
  for (const [label, event] of steps) {
    counted = [];
    await probot.receive(event);
    await state.background.idle();
    const by = new Map<string, number>();
    for (const k of counted) by.set(k, (by.get(k) ?? 0) + 1);
    const detail = [...by].map(([k, n]) => `${k} ${n}`).join(", ");
    rows.push(`| ${name} | ${label} | ${counted.length} | ${detail} |`);
  }
  return rows;
}

serve();
const rows = [
  ...(await scenario("fixture: complete", completeFixture())),
  ...(await scenario("portfolio, ~300 files", portfolioTree())),
];
writeSection("requests", [
  "## GitHub requests per audit",
  "",
  `Measured by \`npm run bench:requests\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}, against a fake`,
  "GitHub serving the commits from memory. Each row is one webhook, in order, in one process, so later rows",
  "benefit from the blob and tree caches as a running app does. Config lookups are two because an absent",
  "`.github/mlops-audit.yml` is also looked for in the org's `.github` repository. The fake keeps no comments, so",
  "each pull-request row writes one (a create here; an edit, at the same cost, in real use).",
  "",
  "| tree | event | requests | by kind |",
  "|---|---|--:|---|",
  ...rows,
]);
