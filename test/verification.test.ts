import { describe, expect, it } from "vitest";
import { verifyScorecard } from "../src/app/verify.js";
import { audit } from "../src/engine/audit.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import type { Finding, Scorecard } from "../src/engine/model.js";
import {
  applyVerification,
  workflowVerdict,
  workflowsToVerify,
  type GitHubRecords,
  type WorkflowRun,
} from "../src/engine/verification.js";
import { deltaLines, deltaOf } from "../src/render/delta.js";
import { renderHtml } from "../src/render/html.js";
import { renderJson } from "../src/render/json.js";
import { renderMarkdown } from "../src/render/markdown.js";
import { renderSarif } from "../src/render/sarif.js";
import { relativeLinks } from "../src/render/status.js";
import { renderText } from "../src/render/text.js";
import { loadCatalogue } from "../src/rules/load.js";
import { RecordsCache } from "../src/sources/github-records.js";
import { TOOL } from "../src/version.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { payload, TestOctokit } from "./github/probot.js";

const catalogue = loadCatalogue();
const REPO = "learner/taxi-mlops";

const FILES = {
  ".github/workflows/ci.yml":
    "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest tests/\n      - run: ruff check .\n",
  ".github/workflows/nightly.yml":
    "on:\n  push:\n  schedule:\n    - cron: '0 3 * * *'\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest tests/\n",
  ".github/workflows/retrain.yml":
    "on:\n  schedule:\n    - cron: '0 3 * * 1'\njobs:\n  train:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python src/train.py\n",
  ".pre-commit-config.yaml":
    "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.5.0\n    hooks:\n      - id: ruff\n",
  "tests/test_model.py": "def test_predicts():\n    assert True\n",
  "src/train.py": "model.fit(X, y)\n",
};

async function judged(files: Record<string, string> = FILES): Promise<Scorecard> {
  return audit(new MemorySnapshot(files), { catalogue, tool: TOOL, target: { name: REPO } });
}

const rule = (card: Scorecard, id: string): Finding => card.rules.find((f) => f.id === id)!;

function completed(conclusion: string, day: number, patch: Partial<WorkflowRun> = {}): WorkflowRun {
  return {
    conclusion,
    url: `https://github.com/${REPO}/actions/runs/${day}`,
    at: `2026-12-${String(day).padStart(2, "0")}T10:00:00Z`,
    event: "push",
    branch: "main",
    fromFork: false,
    ...patch,
  };
}

const records = (workflows: GitHubRecords["workflows"]): GitHubRecords => ({
  at: "2026-12-06T12:00:00Z",
  defaultBranch: "main",
  workflows,
});

describe("the verdict on a workflow's runs", () => {
  const ci = { path: ".github/workflows/ci.yml", scheduled: false };

  it("is decided by the latest completed run on the default branch, skipped runs aside", () => {
    const v = workflowVerdict(
      ci,
      { runs: [completed("skipped", 5), completed("success", 4), completed("failure", 3)] },
      "main",
    );
    expect(v).toEqual({
      state: "verified",
      of: ci.path,
      url: `https://github.com/${REPO}/actions/runs/4`,
      at: "2026-12-04T10:00:00Z",
    });
    const red = workflowVerdict(
      ci,
      { runs: [completed("failure", 5), completed("cancelled", 4), completed("success", 3)] },
      "main",
    );
    expect(red).toMatchObject({ state: "failing", failedRuns: 2, url: expect.stringContaining("/runs/5") });
  });

  it("never counts a fork's run, another branch's run, or a pull request's run", () => {
    const v = workflowVerdict(
      ci,
      {
        runs: [
          completed("failure", 9, { fromFork: true }),
          completed("failure", 8, { branch: "feature" }),
          completed("failure", 7, { event: "pull_request" }),
        ],
      },
      "main",
    );
    expect(v.state).toBe("never-run");
  });

  it("judges a scheduled workflow on its scheduled runs alone", () => {
    const retrain = { path: ".github/workflows/retrain.yml", scheduled: true };
    const manual = { runs: [completed("success", 4, { event: "workflow_dispatch" })] };
    expect(workflowVerdict(retrain, manual, "main")).toMatchObject({
      state: "never-run",
      reason: "its schedule has never fired on the default branch",
    });
    const fired = { runs: [completed("failure", 5, { event: "schedule" })] };
    expect(workflowVerdict(retrain, fired, "main").state).toBe("failing");
  });

  it("says never-run for a workflow GitHub does not know, and not-checked for one it could not read", () => {
    expect(workflowVerdict(ci, { missing: true }, "main").state).toBe("never-run");
    expect(workflowVerdict(ci, { unreadable: "HTTP 500" }, "main")).toMatchObject({
      state: "not-checked",
      reason: "HTTP 500",
    });
  });
});

describe("the status rule", () => {
  it("asks for the workflows CI evidence comes from, with their schedules", async () => {
    expect(workflowsToVerify(await judged())).toEqual([
      { path: ".github/workflows/ci.yml", scheduled: false },
      { path: ".github/workflows/nightly.yml", scheduled: true },
      { path: ".github/workflows/retrain.yml", scheduled: true },
    ]);
  });

  it("takes the best of several pipelines: one green one keeps the pass", async () => {
    const card = applyVerification(
      await judged(),
      records({
        ".github/workflows/ci.yml": { runs: [completed("failure", 5)] },
        ".github/workflows/nightly.yml": { runs: [completed("success", 5, { event: "schedule" })] },
        ".github/workflows/retrain.yml": { runs: [] },
      }),
      catalogue,
    );
    const tests = rule(card, "cicd.tests");
    expect(tests.status).toBe("pass");
    expect(tests.verification?.state).toBe("verified");
    expect(tests.evidence.map((e) => e.verification?.state)).toEqual(["failing", "verified"]);
  });

  it("makes a CI-only pass partial when every pipeline of it fails, and never touches evidence outside CI", async () => {
    const before = await judged();
    const card = applyVerification(
      before,
      records({
        ".github/workflows/ci.yml": { runs: [completed("failure", 5)] },
        ".github/workflows/nightly.yml": { runs: [completed("timed_out", 5, { event: "schedule" })] },
        ".github/workflows/retrain.yml": { runs: [completed("failure", 5, { event: "schedule" })] },
      }),
      catalogue,
    );
    expect(rule(card, "cicd.tests")).toMatchObject({ status: "partial", credit: 0.5 });
    expect(rule(card, "cicd.tests").message).toMatch(/^Configured but failing: the latest run of /);
    expect(rule(card, "retraining.automated").status).toBe("partial");
    // Code quality also rests on a pre-commit hook, which no workflow run speaks for.
    expect(rule(before, "foundations.code-quality").status).toBe("pass");
    expect(rule(card, "foundations.code-quality").status).toBe("pass");
    expect(card.score).toBeLessThan(before.score);
    expect(card.checklist.find((c) => c.id === "portfolio.ci-cd")?.status).toBe("partial");
  });

  it("asks, as a next step, to make the failing workflow pass, which completes the checklist item", async () => {
    const files = {
      ".github/workflows/ci.yml":
        "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: pytest tests/\n",
      ".github/workflows/lint.yml":
        "on: push\njobs:\n  l:\n    runs-on: x\n    steps:\n      - run: ruff check .\n",
      "tests/test_model.py": "def test_predicts():\n    assert True\n",
    };
    const card = applyVerification(
      await judged(files),
      records({
        ".github/workflows/ci.yml": { runs: [completed("failure", 5)] },
        ".github/workflows/lint.yml": { runs: [completed("success", 5)] },
      }),
      catalogue,
    );
    expect(rule(card, "cicd.pipeline").status).toBe("pass");
    expect(rule(card, "cicd.tests").status).toBe("partial");
    expect(card.nextSteps.find((s) => s.rule === "cicd.tests")).toMatchObject({
      rule: "cicd.tests",
      action: `Make .github/workflows/ci.yml pass on main: its latest run failed (https://github.com/${REPO}/actions/runs/5).`,
      path: ".github/workflows/ci.yml",
      completes: "CI/CD pipeline configuration",
    });
  });

  it("never raises a status, and never-run or not-checked change none", async () => {
    const before = await judged({
      ...FILES,
      ".github/workflows/ci.yml":
        "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: pytest || true\n",
    });
    const card = applyVerification(
      before,
      records({
        ".github/workflows/ci.yml": { runs: [completed("success", 5)] },
        ".github/workflows/nightly.yml": { missing: true },
        ".github/workflows/retrain.yml": { unreadable: "HTTP 403, GitHub's rate limit was reached" },
      }),
      catalogue,
    );
    expect(card.rules.map((f) => f.status)).toEqual(before.rules.map((f) => f.status));
    expect(card.score).toBe(before.score);
    expect(rule(card, "retraining.automated").verification?.state).toBe("not-checked");
  });

  it("says once why nothing was verified", async () => {
    const card = applyVerification(await judged(), { unavailable: "permission not granted" }, catalogue);
    expect(card.verification).toEqual({ checked: false, note: "not verified: permission not granted" });
    expect(card.rules.some((f) => f.verification)).toBe(false);
  });
});

/** The runs endpoint through a real Octokit, against the simulated GitHub. */
describe("reading the records from GitHub", () => {
  const github = fakeGitHubPerTest();
  const octokit = new TestOctokit({ auth: { token: "t" } });
  const target = (sha: string) => ({
    octokit,
    repo: { owner: "learner", repo: "taxi-mlops" },
    defaultBranch: "main",
    sha,
    snapshot: { blobSha: (path: string) => `blob-of-${path}` },
  });
  const apiRun = (conclusion: string, id: number, event = "push") => ({
    ...(payload("workflow_run", "completed").workflow_run as object),
    id,
    conclusion,
    event,
    status: "completed",
    head_branch: "main",
    html_url: `https://github.com/${REPO}/actions/runs/${id}`,
    updated_at: "2026-12-05T10:00:00Z",
    head_repository: { full_name: REPO },
  });
  const list = (...runs: unknown[]): [number, Record<string, unknown>] => [
    200,
    { total_count: runs.length, workflow_runs: runs },
  ];

  it("links the green run, asks a scheduled workflow for its scheduled runs, and reuses records for the same head", async () => {
    github.workflowRuns("ci.yml", list(apiRun("success", 11)));
    github.workflowRuns("nightly.yml", list(apiRun("success", 12, "schedule")), true);
    github.workflowRuns("retrain.yml", [404, { message: "Not Found" }], true);
    const cache = new RecordsCache();
    const card = await verifyScorecard(await judged(), target("d".repeat(40)), catalogue, cache);
    expect(rule(card, "cicd.tests").verification).toMatchObject({
      state: "verified",
      url: `https://github.com/${REPO}/actions/runs/11`,
      at: "2026-12-05T10:00:00Z",
    });
    expect(rule(card, "retraining.automated").verification?.state).toBe("never-run");
    expect(card.verification?.checked).toBe(true);
    const asked = github.requests.length;
    await verifyScorecard(await judged(), target("d".repeat(40)), catalogue, cache);
    expect(github.requests.length).toBe(asked);
  });

  it("turns a 403 into 'permission not granted' and a rate limit into 'not checked'", async () => {
    github.workflowRuns("ci.yml", [403, { message: "Resource not accessible by integration" }]);
    github.workflowRuns("nightly.yml", [429, { message: "API rate limit exceeded" }], true);
    github.workflowRuns("retrain.yml", list(apiRun("failure", 13, "schedule")), true);
    const before = await judged();
    const card = await verifyScorecard(before, target("e".repeat(40)), catalogue, new RecordsCache());
    expect(rule(card, "cicd.tests").evidence.map((e) => e.verification)).toEqual([
      { state: "not-checked", of: ".github/workflows/ci.yml", reason: "permission not granted" },
      {
        state: "not-checked",
        of: ".github/workflows/nightly.yml",
        reason: "HTTP 429, GitHub's rate limit was reached",
      },
    ]);
    expect(rule(card, "cicd.tests").status).toBe("pass");
    expect(rule(card, "retraining.automated").status).toBe("partial");
    expect(card.verification?.note).toContain(
      "Not checked: .github/workflows/ci.yml (permission not granted), .github/workflows/nightly.yml (HTTP 429, GitHub's rate limit was reached).",
    );
  });

  it("shows the latest deployment where delivery passes", async () => {
    const files = {
      ".github/workflows/release.yml":
        "on: push\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker push ghcr.io/learner/taxi:latest\n",
    };
    github.workflowRuns("release.yml", list(apiRun("success", 21)));
    github.scope
      .get("/repos/learner/taxi-mlops/deployments")
      .query({ per_page: "1" })
      .reply(200, [{ id: 77, environment: "production", created_at: "2026-12-04T09:00:00Z" }])
      .get("/repos/learner/taxi-mlops/deployments/77/statuses")
      .query({ per_page: "1" })
      .reply(200, [
        {
          state: "success",
          created_at: "2026-12-04T09:05:00Z",
          environment_url: "https://taxi.example.org",
          log_url: "",
        },
      ]);
    const card = await verifyScorecard(
      await judged(files),
      target("f".repeat(40)),
      catalogue,
      new RecordsCache(),
    );
    expect(rule(card, "cicd.delivery")).toMatchObject({
      status: "pass",
      verification: { state: "verified" },
      deployment: {
        environment: "production",
        state: "success",
        at: "2026-12-04T09:05:00Z",
        url: "https://taxi.example.org",
      },
    });
  });
});

describe("what the outputs say of the records", () => {
  it("marks a verified finding with its run, a failing one with its streak, and says once what was read", async () => {
    const card = applyVerification(
      await judged(),
      records({
        ".github/workflows/ci.yml": { runs: [completed("success", 4)] },
        ".github/workflows/nightly.yml": { runs: [completed("success", 4, { event: "schedule" })] },
        ".github/workflows/retrain.yml": {
          runs: [1, 2, 3].map((d) => completed("failure", 4 - d, { event: "schedule" })),
        },
      }),
      catalogue,
    );
    const run4 = `https://github.com/${REPO}/actions/runs/4`;
    const md = renderMarkdown(card, { links: relativeLinks });
    expect(md).toContain(`\`cicd.tests\` · [last run ✓ 2 days ago](${run4})`);
    expect(md).toContain("`retraining.automated` · [last 3 runs failed]");
    expect(md.match(/verified against GitHub's workflow runs on main/g)).toHaveLength(1);
    const html = renderHtml(card, { links: relativeLinks });
    expect(html).toContain(
      `<span class="records records-verified"><a href="${run4}">verified by GitHub: last run ✓ 2 days ago</a></span>`,
    );
    expect(renderText(card, { color: false })).toMatch(/cicd\.tests .*\(last run ✓ 2 days ago\)/);
    const sarif = JSON.parse(renderSarif(card)) as {
      runs: { results: { ruleId: string; properties?: { verification: { state: string } } }[] }[];
    };
    const retrain = sarif.runs[0].results.find((r) => r.ruleId === "retraining.automated");
    expect(retrain?.properties?.verification.state).toBe("failing");
    const json = JSON.parse(renderJson(card)) as Scorecard;
    expect(json.rules.find((f) => f.id === "cicd.tests")?.evidence[0]).toEqual({
      path: ".github/workflows/ci.yml",
      line: 6,
      snippet: "pytest tests/",
      verification: {
        state: "verified",
        of: ".github/workflows/ci.yml",
        url: run4,
        at: "2026-12-04T10:00:00Z",
      },
    });
  });
});

describe("a pull request's change in verification", () => {
  it("notes a workflow whose records changed, and nothing when either side was not checked", async () => {
    const judgedCard = await judged();
    const green = records({
      ".github/workflows/ci.yml": { runs: [completed("success", 4)] },
      ".github/workflows/nightly.yml": { runs: [completed("success", 4, { event: "schedule" })] },
      ".github/workflows/retrain.yml": { runs: [completed("success", 4, { event: "schedule" })] },
    });
    const base = applyVerification(judgedCard, green, catalogue);
    const renamed = applyVerification(
      judgedCard,
      { ...green, workflows: { ...green.workflows, ".github/workflows/retrain.yml": { missing: true } } },
      catalogue,
    );
    const lines = deltaLines(deltaOf(base, renamed, "main"));
    expect(lines).toContain(
      "- ✅ Training runs without a person `retraining.automated`: pass, GitHub's records verified → **never-run**",
    );
    const unchecked = applyVerification(judgedCard, { unavailable: "permission not granted" }, catalogue);
    expect(deltaOf(base, unchecked, "main").changed).toEqual([]);
  });
});
