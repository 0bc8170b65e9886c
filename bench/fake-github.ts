import { createHash } from "node:crypto";
import nock from "nock";
import { INSTALLATION_ID } from "../test/github/fake-github.js";

/**
 * A GitHub for benchmarks: every endpoint the app calls, answered from memory by nock and kept for the
 * whole run. Commits are added with `commit`; a tree asked for an unknown SHA gets `fallback`, if set.
 */
export type Files = Record<string, string>;
const repoPath = "/repos/learner/taxi-mlops";
const blobSha = (text: string) => {
  const bytes = Buffer.from(text);
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
};

const commits = new Map<string, Files>();
const blobs = new Map<string, string>();
const checkRuns = new Map<string, { id: number; status: string }[]>();
let nextId = 1;
/** The kind of every request since the last `countedSince`. */
let counted: string[] = [];
let fallback: Files | undefined;

export function countedSince(): string[] {
  const out = counted;
  counted = [];
  return out;
}

function kindOf(method: string, path: string): string {
  if (path.includes("/access_tokens")) return "token";
  if (path.includes("/contents/")) return "config";
  if (path.includes("/git/trees/")) return "tree";
  if (path.includes("/git/blobs/")) return "blob";
  if (path.includes("check-runs")) return method === "GET" ? "check runs: list" : "check runs: write";
  if (path.includes("/comments")) return method === "GET" ? "comments: list" : "comments: write";
  return `${method} other`;
}

export function serveFakeGitHub(unknownCommits?: Files) {
  fallback = unknownCommits;
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
      const tree = Object.entries(commits.get(sha) ?? fallback!).map(([path, text]) => ({
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

export function commit(sha: string, files: Files) {
  commits.set(sha, files);
  for (const text of Object.values(files)) blobs.set(blobSha(text), text);
}
