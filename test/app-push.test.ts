import nock from "nock";
import { describe, expect, it } from "vitest";
import { filesOf, gitBlobSha, wantedPaths } from "./github/fake-github.js";
import { createState } from "../src/app/index.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { withRequestTimeout } from "../src/app/request-timeout.js";
import { describeError } from "../src/sources/github.js";
import { freePort, payload, pushEvent, TestOctokit, testProbot } from "./github/probot.js";

const SHA = "a".repeat(40);
const files = filesOf("fixtures/repos/middling");
const push = (id: string, patch = {}) => pushEvent(id, SHA, patch);

const github = fakeGitHubPerTest();

describe("a push to the default branch", () => {
  it("creates one check run, complete with the scorecard, in one write", async () => {
    github.token().noOrgConfig().checkRuns(SHA).commit(SHA, files);
    github.checkRun(7);
    const { probot } = await testProbot();
    await probot.receive(push("d-1"));

    const created = github.bodies("POST", /check-runs$/);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ head_sha: SHA, name: "MLOps readiness", external_id: "mlops-audit" });
    expect(github.bodies("PATCH", /check-runs/)).toEqual([]);
    const done = created[0] as {
      status: string;
      conclusion: string;
      output: Record<string, string | unknown[]>;
    };
    expect(done.status).toBe("completed");
    expect(done.output.title).toMatch(/^Readiness \d{1,3}\/100 · [A-E] · Level [012]$/);
    expect(["success", "neutral"]).toContain(done.conclusion);
    expect(done.output.summary).toContain("Portfolio checklist");
    expect(done.output.text).toContain("#### Monitoring & observability");
    expect(String(done.output.text)).toContain(`https://github.com/learner/taxi-mlops/blob/${SHA}/`);
    const annotations = done.output.annotations as {
      path: string;
      start_line: number;
      annotation_level: string;
    }[];
    expect(annotations.length).toBeGreaterThan(0);
    expect(annotations.length).toBeLessThanOrEqual(50);
    // The masked test step of the fixture is annotated at its line.
    expect(annotations).toContainEqual(
      expect.objectContaining({
        path: ".github/workflows/tests.yml",
        start_line: 12,
        annotation_level: "warning",
      }),
    );
  });

  it("posts nothing for a redelivery, nor for a second event about a commit already checked", async () => {
    github.token().noOrgConfig().checkRuns(SHA).commit(SHA, files);
    github.checkRun(7);
    const { probot } = await testProbot();
    await probot.receive(push("d-1"));
    const before = github.requests.length;
    await probot.receive(push("d-1"));
    expect(github.requests.length).toBe(before);

    // A new delivery for the same commit (check_suite.requested) finds the completed run and stops; its
    // tree, its config and the org's fallback are all known by now, so that is its one request.
    github.checkRuns(SHA, [{ id: 7, status: "completed" }]);
    await probot.receive({
      id: "d-2",
      name: "check_suite",
      payload: payload("check_suite", "requested", {
        check_suite: { head_sha: SHA, head_branch: "main", pull_requests: [] },
      }) as never,
    });
    expect(github.bodies("POST", /check-runs$/)).toHaveLength(1);
  });

  it("reads the files while GitHub lists the commit's check runs", async () => {
    github.token().noOrgConfig().commit(SHA, files);
    github.checkRun(7);
    const batchSent = new Promise<void>((resolve) =>
      github.scope.on("request", (req: { path: string }) => req.path === "/graphql" && resolve()),
    );
    let listedAfterBatch = false;
    // GitHub holds the list until the batched read has been sent, or three seconds: an audit that waits
    // for the list before reading would meet the three seconds.
    github.scope
      .get(`${github.base}/commits/${SHA}/check-runs`)
      .query({ check_name: "MLOps readiness", filter: "latest", per_page: "20" })
      .reply(async () => {
        listedAfterBatch = await Promise.race([
          batchSent.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
        ]);
        return [200, { total_count: 0, check_runs: [] }];
      });
    const { probot } = await testProbot();
    await probot.receive(push("d-5"));
    expect(listedAfterBatch).toBe(true);
    expect(github.completions()).toHaveLength(1);
  });

  it("asks for the org's fallback config while the tree is read", async () => {
    const orgAsked = new Promise<void>((resolve) =>
      github.scope.on(
        "request",
        (req: { path: string }) => req.path.startsWith("/repos/learner/.github/") && resolve(),
      ),
    );
    let treeAfterOrg = false;
    // GitHub holds the tree until the org's config has been asked for, or three seconds.
    github.scope
      .get(`${github.base}/git/trees/${SHA}`)
      .query({ recursive: "1" })
      .reply(async () => {
        treeAfterOrg = await Promise.race([
          orgAsked.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
        ]);
        return [200, { sha: SHA, tree: [], truncated: false }];
      });
    github.token().noOrgConfig().checkRuns(SHA).checkRun(7);
    const { probot } = await testProbot();
    await probot.receive(push("d-6"));
    expect(treeAfterOrg).toBe(true);
    expect(github.completions()).toHaveLength(1);
  });

  it("ignores other branches, deleted branches and bot senders", async () => {
    const { probot } = await testProbot();
    await probot.receive(push("d-3", { ref: "refs/heads/feature" }));
    await probot.receive(push("d-4", { deleted: true, after: "0".repeat(40) }));
    await probot.receive(push("d-5", { sender: { login: "mlops-audit[bot]", type: "Bot", id: 2 } }));
    expect(github.requests).toEqual([]);
  });

  it("shows a slow audit in progress first, then completes that run", async () => {
    // One file takes 300 ms to come; the run opens after 50 ms, before the audit has a result.
    const [slow, ...others] = wantedPaths(files);
    github.token().noOrgConfig().checkRuns(SHA).commit(SHA, files, others);
    github.scope
      .get(`/repos/learner/taxi-mlops/git/blobs/${gitBlobSha(files[slow])}`)
      .delay(300)
      .reply(200, { sha: "s", size: 1, encoding: "base64", content: files[slow].toString("base64") });
    github.slowCheckRun(7);
    const { probot } = await testProbot({ ...createState(), inProgressAfterMs: 50 });
    await probot.receive(push("d-slow"));
    const [created] = github.bodies("POST", /check-runs$/);
    expect(created).toMatchObject({ head_sha: SHA, status: "in_progress" });
    const [done] = github.bodies("PATCH", /check-runs\/7$/) as {
      status: string;
      output: { title: string };
    }[];
    expect(done.status).toBe("completed");
    expect(done.output.title).toMatch(/^Readiness \d{1,3}\/100/);
    expect(nock.isDone()).toBe(true);
  });

  it("audits the same commit once when a push and a check suite arrive together", async () => {
    github.token().noOrgConfig().noOrgConfig().checkRuns(SHA).commit(SHA, files);
    github.checkRun(9);
    const { probot } = await testProbot();
    await Promise.all([
      probot.receive(push("d-6")),
      probot.receive({
        id: "d-7",
        name: "check_suite",
        payload: payload("check_suite", "requested", {
          check_suite: { head_sha: SHA, head_branch: "main", pull_requests: [] },
        }) as never,
      }),
    ]);
    expect(github.bodies("POST", /check-runs$/)).toHaveLength(1);
    expect(nock.isDone()).toBe(true);
  });
});

describe("a failing GitHub API", () => {
  it("completes the check run with the reason instead of leaving it in progress", async () => {
    // The tree never comes, so there is no config to read either.
    github.token().checkRuns(SHA);
    github.checkRun(8);
    github.scope
      .get(`/repos/learner/taxi-mlops/git/trees/${SHA}`)
      .query(true)
      .reply(502, { message: "Server Error" });
    const { probot } = await testProbot();
    await probot.receive(push("d-8"));
    const [done] = github.completions() as {
      conclusion: string;
      output: { summary: string };
    }[];
    expect(done.conclusion).toBe("neutral");
    expect(done.output.summary).toContain("HTTP 502");
    expect(github.bodies("POST", /check-runs$/)).toHaveLength(1);
  });
});

describe("the readiness issue", () => {
  it("is opened on a default-branch push when configured, and edited on the next", async () => {
    const repo = "/repos/learner/taxi-mlops";
    const SHA2 = "9".repeat(40);
    // The config is in the pushed commit's own tree, read before the files the rules need.
    const configured = { ...files, ".github/mlops-audit.yml": Buffer.from("report:\n  issue: true\n") };
    github
      .token()
      .noOrgConfig() // asked for while the tree is read, then remembered for the owner
      .checkRuns(SHA)
      .commit(SHA, configured)
      .blobs(configured, [".github/mlops-audit.yml"]);
    github.checkRun(7);
    github.scope
      .get(`${repo}/issues`)
      .query(true)
      .reply(200, [{ number: 3, body: "A person's issue", user: { type: "User" } }]);
    github.scope.post(`${repo}/issues`).reply(201, { number: 4 });
    const { probot } = await testProbot();
    await probot.receive(push("i-1"));
    const [opened] = github.bodies("POST", /issues$/) as { title: string; body: string }[];
    expect(opened.title).toBe("MLOps readiness");
    expect(opened.body).toContain("<!-- mlops-audit:readiness-issue -->");

    const files2 = { ...configured, "README.md": Buffer.from("# Shorter\n") };
    github.checkRuns(SHA2).commit(SHA2, files2, ["README.md"]);
    github.checkRun(8);
    github.scope
      .get(`${repo}/issues`)
      .query(true)
      .reply(200, [{ number: 4, body: opened.body, user: { type: "Bot" } }]);
    github.scope.patch(`${repo}/issues/4`).reply(200, {});
    await probot.receive(push("i-2", { after: SHA2 }));
    const [edited] = github.bodies("PATCH", /issues\/4$/) as { body: string }[];
    expect(edited.body).toContain(SHA2);
    expect(github.bodies("POST", /issues$/)).toHaveLength(1);
  });
});

describe("a GitHub response that never comes", () => {
  it("is given up at the deadline with a reason a person can read", async () => {
    github.scope.get("/repos/learner/taxi-mlops/git/trees/abc").query(true).delay(2000).reply(200, {});
    const octokit = new TestOctokit({ auth: { token: "t" } } as never);
    withRequestTimeout(octokit, 100);
    const started = Date.now();
    const error = await octokit.rest.git
      .getTree({ owner: "learner", repo: "taxi-mlops", tree_sha: "abc", recursive: "1" })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(describeError(error)).toMatch(/timed out/);
  });
});

describe("a GitHub that cannot be reached", () => {
  it("is named a network failure, not an HTTP 500 from GitHub", async () => {
    // A real connection to a local port nobody listens on: refused, as with no network at all.
    const port = await freePort();
    nock.enableNetConnect(`127.0.0.1:${port}`);
    const octokit = new TestOctokit({ auth: { token: "t" }, baseUrl: `http://127.0.0.1:${port}` } as never);
    const error = await octokit.rest.git
      .getTree({ owner: "learner", repo: "taxi-mlops", tree_sha: "abc" })
      .catch((e: unknown) => e);
    nock.disableNetConnect();
    expect((error as { status?: number }).status).toBe(500);
    expect(describeError(error)).toBe(
      "GitHub could not be reached (ECONNREFUSED: a network failure, not an answer from GitHub)",
    );
  });
});
