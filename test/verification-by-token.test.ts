import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { runAction } from "../src/action/run.js";
import { main } from "../src/cli.js";
import type { Finding, Scorecard } from "../src/engine/model.js";
import { publishedImages } from "../src/sources/ghcr-packages.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { payload } from "./github/probot.js";
import { completedRun, runsAnswer } from "./github/workflow-runs.js";

/**
 * Verification where a token is all the audit has: `mlops-audit OWNER/REPO` with GITHUB_TOKEN, and the
 * Action with its token, against the simulated GitHub (every request expected, used, and valid against
 * GitHub's OpenAPI description). They read the same records the app does, through the same reader.
 */
const REPO = "learner/taxi-mlops";
const SHA = "a".repeat(40);
const TOKEN = "ghp_byTokenTestNeverPrinted000000000000";

const RELEASE =
  "on:\n  push:\n    branches: [main]\nenv:\n  REGISTRY: ghcr.io\n  IMAGE_NAME: ${{ github.repository }}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    permissions:\n      packages: write\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/login-action@v3\n        with:\n          registry: ${{ env.REGISTRY }}\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}:latest\n";
const TEXTS: Record<string, string> = {
  ".github/workflows/ci.yml":
    "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest tests/\n",
  ".github/workflows/release.yml": RELEASE,
  "tests/test_model.py": "def test_predicts():\n    assert True\n",
};
const files = Object.fromEntries(Object.entries(TEXTS).map(([p, t]) => [p, Buffer.from(t)]));
const PACKAGE_URL = "https://github.com/users/learner/packages/container/package/taxi-mlops";

const github = fakeGitHubPerTest();
const run = (conclusion: string, id: number) => completedRun(REPO, conclusion, id);
const rule = (card: Scorecard, id: string): Finding => card.rules.find((f) => f.id === id)!;
const recordsRequests = () =>
  github.requests.filter((r) => /\/actions\/|\/deployments|\/packages\//.test(r.url));

async function byName(format: string, env: Record<string, string> = { GITHUB_TOKEN: TOKEN }) {
  let stdout = "";
  let stderr = "";
  const code = await main([REPO, "--format", format], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    isTTY: false,
    env,
  });
  return { code, stdout, stderr };
}

type Answer = [number, Record<string, unknown>];
const OWN_PACKAGE: Answer = [200, { html_url: PACKAGE_URL }];

/** The records of both workflows, no deployment yet, and GitHub's answer for the image's package. */
function records(ci: Answer, release: Answer, pkg: Answer = OWN_PACKAGE, org = false) {
  github
    .workflowRuns("ci.yml", ci)
    .workflowRuns("release.yml", release)
    .deployments([])
    .containerPackage("taxi-mlops", pkg, org);
}

/** Green runs of both workflows (the tests' after a red one). */
function greenRepository(pkg: Answer = OWN_PACKAGE) {
  github.byName(SHA, files);
  records(runsAnswer(run("success", 3), run("failure", 2)), runsAnswer(run("success", 4)), pkg);
}

describe("mlops-audit OWNER/REPO with GITHUB_TOKEN", () => {
  it("verifies a green run with its link, and shows the image's package with the delivery", async () => {
    greenRepository();
    const got = await byName("json");
    expect(got).toMatchObject({ code: 0, stderr: "" });
    const card = JSON.parse(got.stdout) as Scorecard;
    expect(rule(card, "cicd.tests").verification).toEqual({
      state: "verified",
      of: ".github/workflows/ci.yml",
      url: `https://github.com/${REPO}/actions/runs/3`,
      at: "2026-12-03T10:00:00Z",
    });
    expect(rule(card, "cicd.delivery")).toMatchObject({
      status: "pass",
      verification: { state: "verified" },
      packages: [{ image: "ghcr.io/learner/taxi-mlops", state: "exists", url: PACKAGE_URL }],
    });
    expect(card.verification).toMatchObject({ checked: true });
    expect(card.verification?.note).toMatch(
      /^verified against GitHub's workflow runs on main: 3 rule\(s\) verified, 0 failing\.$/,
    );
    // One request per workflow, one for deployments (none yet), one for the package; every one with the token.
    expect(recordsRequests().map((r) => r.url.split("?")[0])).toEqual([
      `/repos/${REPO}/actions/workflows/ci.yml/runs`,
      `/repos/${REPO}/actions/workflows/release.yml/runs`,
      `/repos/${REPO}/deployments`,
      "/users/learner/packages/container/taxi-mlops",
    ]);
  });

  it("says the same in Markdown, on the page, in SARIF and in text", async () => {
    const outputs: Record<string, string> = {};
    for (const format of ["markdown", "html", "sarif", "text"]) {
      github.reset();
      greenRepository([404, { message: "Package not found." }]);
      const got = await byName(format);
      expect(got.code).toBe(0);
      outputs[format] = got.stdout;
    }
    const run3 = `https://github.com/${REPO}/actions/runs/3`;
    expect(outputs.markdown).toContain(`\`cicd.tests\` · [last run ✓`);
    expect(outputs.markdown).toContain(`](${run3})`);
    expect(outputs.markdown).toContain("`cicd.delivery` · [last run ✓");
    expect(outputs.markdown).toContain("· ghcr.io/learner/taxi-mlops: no package of that name");
    expect(outputs.html).toContain(
      `<li class="records">ghcr.io/learner/taxi-mlops: no package of that name</li></ul>`,
    );
    expect(outputs.html).toContain(`<a href="${run3}">verified by GitHub: last run ✓`);
    expect(outputs.text).toMatch(
      /cicd\.delivery .*\(last run ✓.*; ghcr\.io\/learner\/taxi-mlops: no package of that name\)/,
    );
    for (const text of Object.values(outputs)) expect(text).not.toContain(TOKEN);
    // SARIF lists rules that need work; the delivery passes, so only a failing run would put it there.
    expect(
      JSON.parse(outputs.sarif).runs[0].results.some((r: { ruleId: string }) => r.ruleId === "cicd.delivery"),
    ).toBe(false);
  });

  it("carries the package in SARIF beside the verification where a failing run made the delivery partial", async () => {
    github.byName(SHA, files);
    records(runsAnswer(run("success", 3)), runsAnswer(run("failure", 4)));
    const sarif = JSON.parse((await byName("sarif")).stdout);
    const delivery = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "cicd.delivery");
    expect(delivery.message.text).toMatch(
      /^Configured but failing: the latest run of \.github\/workflows\/release\.yml/,
    );
    expect(delivery.properties).toMatchObject({
      verification: { state: "failing", url: `https://github.com/${REPO}/actions/runs/4` },
      packages: [{ image: "ghcr.io/learner/taxi-mlops", state: "exists", url: PACKAGE_URL }],
    });
  });

  it("without a token reads no record, and says so once in the header", async () => {
    github.byName(SHA, files);
    const text = await byName("text", {});
    expect(text).toMatchObject({ code: 0, stderr: "" });
    expect(recordsRequests()).toEqual([]);
    expect(text.stdout.match(/not verified: no GITHUB_TOKEN is set/g)).toHaveLength(1);
    expect(text.stdout.indexOf("not verified")).toBeLessThan(text.stdout.indexOf("Next steps"));
    expect(text.stdout).not.toContain("last run");
    github.reset();
    github.byName(SHA, files);
    const md = await byName("markdown", {});
    expect(md.stdout.match(/not verified: no GITHUB\\?_TOKEN is set/g)).toHaveLength(1);
  });

  it("a token that may not read Actions (403) says 'not verified' once and changes no status", async () => {
    const refused: Answer = [403, { message: "Resource not accessible by personal access token" }];
    github.byName(SHA, files);
    records(refused, refused, [403, { message: "Permission denied" }]);
    const got = await byName("json");
    expect(got).toMatchObject({ code: 0, stderr: "" });
    const card = JSON.parse(got.stdout) as Scorecard;
    expect(card.verification).toEqual({ checked: false, note: "not verified: permission not granted" });
    expect(card.rules.some((f) => f.verification || f.packages)).toBe(false);
    expect(rule(card, "cicd.tests").status).toBe("pass");
  });
});

describe("the GHCR package check", () => {
  it("finds the image in GitHub's publishing template, in a docker push, and under the owner's name only", () => {
    expect(publishedImages([RELEASE], "Learner", "Taxi-MLOps")).toEqual([
      { owner: "learner", name: "taxi-mlops" },
    ]);
    const pushes =
      "env:\n  IMAGE: ghcr.io/${GITHUB_REPOSITORY,,}/api\njobs:\n  p:\n    container: ghcr.io/someone/base:1\n    steps:\n      - run: docker push $IMAGE:${{ github.sha }}\n      - run: docker push ghcr.io/learner/app-${{ matrix.model }}\n";
    expect(publishedImages([pushes], "learner", "taxi")).toEqual([{ owner: "learner", name: "taxi/api" }]);
  });

  it("asks an organization's packages, and says a private repository's 404 could not be checked", async () => {
    github.byName(SHA, files, { private: true, ownerType: "Organization" });
    const green = runsAnswer(run("success", 3));
    records(green, green, [404, { message: "Package not found." }], true);
    const card = JSON.parse((await byName("json")).stdout) as Scorecard;
    expect(rule(card, "cicd.delivery").packages).toEqual([
      {
        image: "ghcr.io/learner/taxi-mlops",
        state: "not-checked",
        reason: "a private package is not visible to this token",
      },
    ]);
  });

  it("says a token without the packages scope could not check", async () => {
    github.byName(SHA, files);
    records(runsAnswer(run("success", 3)), runsAnswer(run("success", 4)), [
      401,
      { message: "Requires authentication" },
    ]);
    const md = (await byName("markdown")).stdout;
    expect(md).toContain(
      "ghcr.io/learner/taxi-mlops: could not be checked (the token may not read packages (HTTP 401))",
    );
  });
});

describe("the Action with its token", () => {
  const dir = mkdtempSync(join(tmpdir(), "mlops-audit-action-records-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    vi.restoreAllMocks();
  });
  let runs = 0;

  /**
   * One run, in this process, in a runner's environment for a push to main (or the event given); what it
   * printed and wrote.
   */
  async function action(
    repository: Record<string, unknown> = { private: false },
    event: { name: string; payload: Record<string, unknown> } = {
      name: "push",
      payload: payload("push", undefined, { after: SHA, ref: "refs/heads/main" }),
    },
  ) {
    const at = join(dir, `run-${++runs}`);
    for (const [path, text] of Object.entries(TEXTS)) {
      mkdirSync(dirname(join(at, "workspace", path)), { recursive: true });
      writeFileSync(join(at, "workspace", path), text);
    }
    const eventPath = join(at, "event.json");
    const sent = event.payload as { repository: Record<string, unknown> };
    writeFileSync(eventPath, JSON.stringify({ ...sent, repository: { ...sent.repository, ...repository } }));
    for (const name of ["summary", "output"]) writeFileSync(join(at, name), "");
    Object.assign(process.env, {
      GITHUB_WORKSPACE: join(at, "workspace"),
      GITHUB_REPOSITORY: REPO,
      GITHUB_SHA: SHA,
      GITHUB_EVENT_NAME: event.name,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: "https://api.github.com",
      GITHUB_STEP_SUMMARY: join(at, "summary"),
      GITHUB_OUTPUT: join(at, "output"),
      RUNNER_TEMP: join(at, "temp"),
      INPUT_TOKEN: TOKEN,
      INPUT_COMMENT: "auto",
    });
    let stdout = "";
    vi.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
    const code = await runAction();
    vi.restoreAllMocks();
    const report = /^report<<(\S+)\n([\s\S]*?)\n\1$/m.exec(readFileSync(join(at, "output"), "utf8"))![2];
    const card = JSON.parse(readFileSync(report, "utf8")) as Scorecard;
    return { code, stdout, card, summary: readFileSync(join(at, "summary"), "utf8") };
  }

  it("verifies the workspace against the workflow's repository, from what the event says of it", async () => {
    github
      .workflowRuns("ci.yml", runsAnswer(run("success", 3)))
      .workflowRuns("release.yml", runsAnswer(run("success", 4)))
      .deployments(
        [{ id: 77, environment: "production", created_at: "2026-12-04T09:00:00Z" }],
        [
          {
            state: "success",
            created_at: "2026-12-04T09:05:00Z",
            environment_url: "https://taxi.example.org",
          },
        ],
      )
      .containerPackage("taxi-mlops", [200, { html_url: PACKAGE_URL }]);
    const got = await action();
    expect(got.code).toBe(0);
    expect(got.summary).toContain(`\`cicd.tests\` · [last run ✓`);
    expect(got.summary).toContain(`](https://github.com/${REPO}/actions/runs/3)`);
    expect(got.summary).toContain(`· [ghcr.io/learner/taxi-mlops: package published](${PACKAGE_URL})`);
    expect(got.summary).toContain("· [deployed to production: success,");
    expect(got.summary.match(/verified against GitHub's workflow runs on main/g)).toHaveLength(1);
    expect(got.summary).not.toContain("local files only");
    expect(rule(got.card, "cicd.delivery").deployment).toMatchObject({
      environment: "production",
      state: "success",
    });
    expect(got.stdout).not.toContain(TOKEN);
    expect(
      github.requests.every((r) => !r.url.startsWith(`/repos/${REPO}?`) && r.url !== `/repos/${REPO}`),
    ).toBe(true);
  });

  it("a token without actions: read (403) leaves the scorecard unverified, said once, and the step green", async () => {
    const refused: Answer = [403, { message: "Resource not accessible by integration" }];
    records(refused, refused);
    const got = await action();
    expect(got.code).toBe(0);
    expect(got.summary.match(/not verified: permission not granted/g)).toHaveLength(1);
    expect(got.card.verification).toEqual({ checked: false, note: "not verified: permission not granted" });
    expect(got.stdout).not.toMatch(/^::error/m);
  });

  it("an event that does not name the default branch costs one request for the repository", async () => {
    github.scope.get(`/repos/${REPO}`).reply(200, {
      full_name: REPO,
      default_branch: "main",
      private: false,
      owner: { login: "learner", type: "User" },
    });
    records(runsAnswer(run("failure", 3)), runsAnswer(run("success", 4)));
    const got = await action({ default_branch: undefined });
    expect(rule(got.card, "cicd.tests")).toMatchObject({
      status: "partial",
      verification: { state: "failing" },
    });
    expect(got.summary).toContain("Configured but failing");
  });

  it("on a pull request, the base branch's scorecard reuses the head's records: no second read of them", async () => {
    const BASE = "b".repeat(40);
    records(runsAnswer(run("success", 3)), runsAnswer(run("success", 4)));
    // The base, audited by name through the API: the same workflows, one test fewer.
    const base = { ...files, "tests/test_more.py": Buffer.from("def test_more():\n    assert True\n") };
    github.byName(BASE, base, { ref: BASE });
    github.scope
      .get(`/repos/${REPO}/issues/7/comments`)
      .query({ per_page: "100" })
      .reply(200, [])
      .post(`/repos/${REPO}/issues/7/comments`)
      .reply(201, { id: 1 });
    const pr = payload("pull_request", "opened", {
      number: 7,
      pull_request: { number: 7, head: { sha: SHA, ref: "f" }, base: { sha: BASE, ref: "main" } },
    });
    const got = await action({ private: false }, { name: "pull_request", payload: pr });
    expect(got.code).toBe(0);
    expect(recordsRequests()).toHaveLength(4);
    expect(got.summary).toContain("against `main`");
    expect(got.summary).toContain(`\`cicd.tests\` · [last run ✓`);
  });
});
