import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { Metrics } from "../src/app/metrics.js";
import { resilientOctokit } from "../src/app/octokit.js";
import { GitCache } from "../src/sources/git-cache.js";
import { INSTALLATION_ID, PRIVATE_KEY } from "./github/fake-github.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { suiteLog } from "./github/suite-log.js";

/**
 * The app's production client asks GitHub again for what it was answered with an ETag, and GitHub's
 * 304 gives back what was stored. Every request is checked against GitHub's description, every mock used.
 */
const github = fakeGitHubPerTest();
const ORG_CONFIG = "/repos/learner/.github/contents/.github%2Fmlops-audit.yml";
const RAW = { "content-type": "application/vnd.github.raw; charset=utf-8" };

/** An installation's client from a fresh production client class (its own store of answers). */
async function installationClient(
  Octokit = resilientOctokit({ unitMs: 1, maxWaitSeconds: 60 }),
  id = INSTALLATION_ID,
) {
  const probot = new Probot({ appId: 1, privateKey: PRIVATE_KEY, Octokit, log: suiteLog() });
  const octokit = await probot.auth(id);
  const metrics = new Metrics(new GitCache());
  metrics.instrument(octokit);
  return { octokit, metrics, Octokit };
}

/** The org's config as GitHub answers it, recording the `If-None-Match` each request carried. */
function orgConfig(answers: [status: number, text: string, etag?: string][]) {
  const sent: (string | undefined)[] = [];
  for (const [status, text, etag] of answers)
    github.scope.get(ORG_CONFIG).reply(function () {
      sent.push(this.req.headers["if-none-match"] as string | undefined);
      return [status, status === 304 ? "" : text, { ...RAW, ...(etag ? { etag } : {}) }];
    });
  return sent;
}

const readOrgConfig = (octokit: Awaited<ReturnType<typeof installationClient>>["octokit"]) =>
  octokit.config.get({ owner: "learner", repo: ".github", path: ".github/mlops-audit.yml" });

describe("conditional requests", () => {
  it("asks again with the stored ETag and answers GitHub's 304 with the stored config", async () => {
    github.token();
    const sent = orgConfig([
      [200, "thresholds:\n  pass: 90\n", '"v1"'],
      [304, "", '"v1"'],
    ]);
    const { octokit, metrics } = await installationClient();
    const first = await readOrgConfig(octokit);
    const second = await readOrgConfig(octokit);
    expect(sent).toEqual([undefined, '"v1"']);
    expect(first.config).toEqual({ thresholds: { pass: 90 } });
    expect(second.config).toEqual(first.config);
    // The 304 is counted as what GitHub answered, apart from the 200s.
    const counted = await metrics.registry.getSingleMetricAsString("mlops_audit_github_requests_total");
    expect(counted).toContain('mlops_audit_github_requests_total{method="GET",status="304"} 1');
    expect(counted).toContain('mlops_audit_github_requests_total{method="GET",status="200"} 1');
  });

  it("keeps the newer answer when the file changed, and asks with its ETag next", async () => {
    github.token();
    const sent = orgConfig([
      [200, "thresholds:\n  pass: 90\n", '"v1"'],
      [200, "thresholds:\n  pass: 80\n", '"v2"'],
      [304, "", '"v2"'],
    ]);
    const { octokit } = await installationClient();
    await readOrgConfig(octokit);
    expect((await readOrgConfig(octokit)).config).toEqual({ thresholds: { pass: 80 } });
    expect((await readOrgConfig(octokit)).config).toEqual({ thresholds: { pass: 80 } });
    expect(sent).toEqual([undefined, '"v1"', '"v2"']);
  });

  it("stores nothing without an ETag, nor a 404, so a missing config is asked for in full", async () => {
    github.token();
    const sent = orgConfig([
      [200, "thresholds:\n  pass: 90\n"],
      [404, "", '"gone"'],
      [404, "", '"gone"'],
    ]);
    const { octokit } = await installationClient();
    expect((await readOrgConfig(octokit)).config).toEqual({ thresholds: { pass: 90 } });
    expect((await readOrgConfig(octokit)).files[0].config).toBeNull();
    expect((await readOrgConfig(octokit)).files[0].config).toBeNull();
    expect(sent).toEqual([undefined, undefined, undefined]);
  });

  it("hands each caller its own copy, so a caller that changes its answer does not change the next", async () => {
    github.token();
    const runs = (status: number) => {
      const body = { total_count: 1, check_runs: [{ id: 7, name: "MLOps readiness" }] };
      github.scope
        .get(`${github.base}/commits/${"a".repeat(40)}/check-runs`)
        .reply(status, status === 304 ? "" : body, { etag: '"r1"' });
    };
    runs(200);
    runs(304);
    const { octokit } = await installationClient();
    const list = () =>
      octokit.rest.checks.listForRef({ owner: "learner", repo: "taxi-mlops", ref: "a".repeat(40) });
    (await list()).data.check_runs.pop();
    const again = await list();
    expect(again.status).toBe(304);
    expect(again.data.check_runs.map((r) => r.id)).toEqual([7]);
  });

  it("never sends one installation's ETag for another, nor hands it the other's answer", async () => {
    const Octokit = resilientOctokit({ unitMs: 1, maxWaitSeconds: 60 });
    github.token();
    github.scope.post("/app/installations/77/access_tokens").reply(201, {
      token: "other-token",
      expires_at: "2099-01-01T00:00:00Z",
      permissions: {},
    });
    const sent = orgConfig([
      [200, "thresholds:\n  pass: 90\n", '"v1"'],
      [200, "thresholds:\n  pass: 70\n", '"w1"'],
    ]);
    const mine = await installationClient(Octokit);
    const theirs = await installationClient(Octokit, 77);
    await readOrgConfig(mine.octokit);
    expect((await readOrgConfig(theirs.octokit)).config).toEqual({ thresholds: { pass: 70 } });
    expect(sent).toEqual([undefined, undefined]);
  });
});
