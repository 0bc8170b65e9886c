import { describe, expect, it } from "vitest";
import { resilientOctokit } from "../src/app/octokit.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { pushEvent, testProbot } from "./github/probot.js";
import { completedRun, runsAnswer } from "./github/workflow-runs.js";

const SHA = "c".repeat(40);
const REPO = "learner/taxi-mlops";
const GRANTED = { actions: "read", deployments: "read", checks: "write", contents: "read" };

/** A repository whose tests run in CI on push, and whose training runs nightly. */
const files: Record<string, Buffer> = Object.fromEntries(
  Object.entries({
    ".github/workflows/ci.yml":
      "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest tests/\n",
    ".github/workflows/retrain.yml":
      "on:\n  schedule:\n    - cron: '0 3 * * 1'\njobs:\n  train:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python src/train.py\n",
    "tests/test_model.py": "def test_predicts():\n    assert True\n",
    "src/train.py": "model.fit(X, y)\n",
  }).map(([path, text]) => [path, Buffer.from(text)]),
);

const run = (conclusion: string, id: number, patch: Record<string, unknown> = {}) =>
  completedRun(REPO, conclusion, id, patch);
const runs = runsAnswer;

const github = fakeGitHubPerTest();

/** Audits the pushed head and returns the check run, written once and complete. */
async function audited(Octokit?: Parameters<typeof testProbot>[2]) {
  github.noOrgConfig().checkRuns(SHA).commit(SHA, files).checkRun(5);
  const { probot } = await testProbot(undefined, undefined, Octokit);
  await probot.receive(pushEvent("v-1", SHA));
  const [done] = github.bodies("POST", /check-runs$/) as {
    conclusion: string;
    output: { title: string; summary: string; text: string };
  }[];
  return done;
}

describe("verification from GitHub's records", () => {
  it("a green latest run verifies the pass; a schedule that never fired is said, not punished", async () => {
    github.token(GRANTED);
    github.workflowRuns("ci.yml", runs(run("success", 3), run("failure", 2)));
    github.workflowRuns("retrain.yml", runs(), true);
    const green = await audited();
    expect(github.requests.filter((r) => r.url.includes("/actions/"))).toHaveLength(2);
    expect(green.output.text).not.toContain("Configured but failing");
    expect(green.output.text).toContain(`\`cicd.tests\` · [last run ✓`);
    expect(green.output.text).toContain(`](https://github.com/${REPO}/actions/runs/3)`);
    expect(green.output.text).toContain("`retraining.automated` · schedule never fired");
    expect(green.output.summary).toContain("verified against GitHub's workflow runs on main");
    expect(green.output.title).toMatch(/^Readiness \d+\/100/);
    const score = Number(/(\d+)\/100/.exec(green.output.title)![1]);

    // The same commit with its latest run red: the CI-only passes fall to partial and the score with them.
    github.reset();
    github.token(GRANTED);
    github.workflowRuns(
      "ci.yml",
      runs(run("failure", 8), run("timed_out", 7), run("cancelled", 6), run("success", 5)),
    );
    github.workflowRuns("retrain.yml", runs(run("success", 4, { event: "schedule" })), true);
    const red = await audited();
    expect(red.output.text).toContain(
      "Configured but failing: the last 3 runs of .github/workflows/ci.yml on the default branch failed.",
    );
    expect(red.output.text).toContain("`cicd.tests` · [last 3 runs failed]");
    expect(Number(/(\d+)\/100/.exec(red.output.title)![1])).toBeLessThan(score);
  });

  it("where CI publishes to ghcr.io, the check run says whether the package exists, from the workflow already read", async () => {
    const release =
      "on:\n  push:\n    branches: [main]\nenv:\n  IMAGE_NAME: ${{ github.repository }}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/${{ env.IMAGE_NAME }}:latest\n";
    const withRelease = { ...files, ".github/workflows/release.yml": Buffer.from(release) };
    github.token(GRANTED);
    github.workflowRuns("ci.yml", runs(run("success", 3)));
    github.workflowRuns("retrain.yml", runs(), true);
    github.workflowRuns("release.yml", runs(run("success", 9)));
    github.deployments([]);
    github.containerPackage("taxi-mlops", [404, { message: "Package not found." }]);
    github.noOrgConfig().checkRuns(SHA).commit(SHA, withRelease).checkRun(5);
    const { probot } = await testProbot();
    await probot.receive(pushEvent("v-pkg", SHA));
    const [done] = github.bodies("POST", /check-runs$/) as { output: { text: string } }[];
    expect(done.output.text).toContain("ghcr.io/learner/taxi-mlops: no package of that name");
    // One lookup, and no file read a second time for it.
    expect(github.requests.filter((r) => r.url.includes("/packages/"))).toHaveLength(1);
    expect(
      github.requests.filter((r) => r.url.includes("release.yml") && !r.url.includes("/actions/")),
    ).toHaveLength(0);
  });

  it("an installation without actions: read is not asked, and the audit says so once", async () => {
    github.token({ checks: "write", contents: "read" });
    const done = await audited();
    expect(github.requests.some((r) => r.url.includes("/actions/"))).toBe(false);
    expect(done.conclusion).not.toBe("failure");
    expect(done.output.text).not.toContain("Configured but failing");
    expect(done.output.summary).toContain("not verified: permission not granted");
    expect(done.output.text).not.toContain("last run");
  });

  it("a 403 from the runs endpoint, a deleted workflow, or a rate limit leaves the status, and the audit completes", async () => {
    github.token(GRANTED);
    github.workflowRuns("ci.yml", [403, { message: "Resource not accessible by integration" }]);
    github.workflowRuns("retrain.yml", [404, { message: "Not Found" }], true);
    const forbidden = await audited();
    expect(forbidden.output.title).toMatch(/^Readiness \d+\/100/);
    expect(forbidden.output.text).not.toContain("Configured but failing");

    // The production client: a rate limit that asks for a long wait is given up on, not waited for.
    github.reset();
    github.token(GRANTED);
    const limited: [number, Record<string, unknown>, Record<string, string>] = [
      403,
      { message: "API rate limit exceeded for installation ID 4242." },
      { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600) },
    ];
    github.workflowRuns("ci.yml", limited);
    github.workflowRuns("retrain.yml", runs(), true);
    const done = await audited(resilientOctokit({ unitMs: 1, maxWaitSeconds: 60 }));
    expect(done.output.title).toMatch(/^Readiness \d+\/100/);
    expect(done.output.text).not.toContain("Configured but failing");
  });
});
