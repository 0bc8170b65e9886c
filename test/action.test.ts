import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COMMENT_MARKER } from "../src/render/markdown.js";
import { filesOf } from "./github/fake-github.js";
import { openApiProblems } from "./github/openapi.js";
import { payload } from "./github/probot.js";
import { SimulatedGitHub, type Files } from "./github/simulated-github.js";

/**
 * The Action as a runner runs it: `node action/index.mjs` (the committed bundle) with the runner's
 * environment, an event payload file from GitHub's published examples, the inputs of the README's
 * workflow, and a local HTTP server playing GitHub whose every request is checked against GitHub's
 * OpenAPI description.
 */
const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = join(ROOT, "fixtures/repos/middling");
const HEAD = "4444444444444444444444444444444444444444";
const BASE = "5555555555555555555555555555555555555555";
const TOKEN = "ghs_actionTestTokenNeverPrinted000000000";

type Step = { uses?: string; with?: Record<string, unknown> };

/** The `with:` of the README workflow's mlops-audit step: the test runs exactly what users copy. */
function readmeInputs(): Record<string, string> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## The GitHub Action"));
  const workflow = parse(/```yaml\n([\s\S]*?)```/.exec(section)![1]) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  const step = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .find((s) => /\/mlops-audit@v\d+$/.test(s.uses ?? ""));
  return Object.fromEntries(Object.entries(step!.with ?? {}).map(([k, v]) => [k, String(v)]));
}

/** action.yml's defaults, as the runner fills in every input the workflow leaves out. */
function defaults(): Record<string, string> {
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(action.inputs).map(([k, v]) => [
      k,
      v.default === "${{ github.token }}" ? TOKEN : (v.default ?? ""),
    ]),
  );
}

const head: Files = Object.fromEntries(
  Object.entries(filesOf(FIXTURE)).map(([p, b]) => [p, b.toString("utf8")]),
);
// The base branch had no CI yet: the pull request adds it, and the comment says what that changed.
const base: Files = Object.fromEntries(Object.entries(head).filter(([p]) => !p.startsWith(".github/")));
const github = new SimulatedGitHub()
  .commit(HEAD, head)
  .commit(BASE, base)
  .repository("learner", "taxi-mlops", "main", { main: BASE });
let server: Awaited<ReturnType<SimulatedGitHub["listen"]>>;
let dir: string;

beforeAll(async () => {
  server = await github.listen();
  dir = mkdtempSync(join(tmpdir(), "mlops-audit-action-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  github.requests.length = 0;
});

let runs = 0;

async function runAction(event: { name: string; payload: unknown }, inputs: Record<string, string>) {
  const at = join(dir, `run-${++runs}`);
  const workspace = join(at, "workspace");
  cpSync(FIXTURE, workspace, { recursive: true });
  const files = {
    event: join(at, "event.json"),
    summary: join(at, "summary.md"),
    output: join(at, "output"),
  };
  writeFileSync(files.event, JSON.stringify(event.payload));
  writeFileSync(files.summary, "");
  writeFileSync(files.output, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    GITHUB_ACTIONS: "true",
    CI: "true",
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: "learner/taxi-mlops",
    GITHUB_SHA: HEAD,
    GITHUB_RUN_ID: "4711",
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: server.apiUrl,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    RUNNER_TEMP: join(at, "temp"),
  };
  for (const [name, value] of Object.entries({ ...defaults(), ...inputs }))
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  let result: { code: number; stdout: string; stderr: string };
  try {
    result = { code: 0, ...(await run("node", [join(ROOT, "action/index.mjs")], { cwd: workspace, env })) };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    result = { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(files.output, "utf8").matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    outputs[m[1]] = m[3];
  return { ...result, outputs, summary: readFileSync(files.summary, "utf8"), workspace };
}

const pullRequest = payload("pull_request", "opened", {
  number: 7,
  pull_request: { number: 7, head: { sha: HEAD, ref: "add-ci" }, base: { sha: BASE, ref: "main" } },
});

describe("the GitHub Action", () => {
  it("on a pull request: summary, outputs, annotations, SARIF and one sticky comment with the delta", async () => {
    const inputs = readmeInputs();
    expect(inputs).toMatchObject({ "fail-below": expect.any(String), sarif: expect.any(String) });
    const got = await runAction({ name: "pull_request", payload: pullRequest }, inputs);
    expect(got.stderr).toBe("");
    expect(got.code).toBe(0);

    const report = JSON.parse(readFileSync(got.outputs.report, "utf8"));
    expect(got.outputs).toMatchObject({
      score: String(report.score),
      grade: report.grade,
      level: String(report.level.value),
    });
    expect(report.target).toMatchObject({ name: "learner/taxi-mlops", commit: HEAD });
    expect(report.score).toBeGreaterThanOrEqual(Number(inputs["fail-below"]));

    expect(got.summary).toContain(`## MLOps readiness: ${report.score}/100`);
    expect(got.summary).toMatch(new RegExp(`\\*\\*\\d+ → ${report.score}, \\+\\d+\\*\\* against \`main\``));
    expect(got.summary).toContain(`](https://github.com/learner/taxi-mlops/blob/${HEAD}/`);
    const annotations = got.stdout.split("\n").filter((l) => /^::(error|warning) /.test(l));
    expect(annotations.length).toBeGreaterThan(0);
    expect(
      annotations.every((l) => /^::\w+ (?=.*\bfile=[^,]+)(?=.*\bline=\d+)(?=.*\btitle=).*::.+$/.test(l)),
    ).toBe(true);
    expect(got.stdout).toContain(
      "file=.github/workflows/tests.yml,line=12::CI runs the tests but masks their failure",
    );
    expect(got.stdout + got.stderr + got.summary).not.toContain(TOKEN);

    const sarif = JSON.parse(readFileSync(join(got.workspace, inputs.sarif), "utf8"));
    expect(sarif.version).toBe("2.1.0");

    const comments = github.comments.get("issues/7")!;
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(COMMENT_MARKER);
    // The app's short comment: the headline with the change, then a link to the run's whole summary.
    expect(comments[0].body).toMatch(
      new RegExp(`^### MLOps readiness ${report.score}/100 \\(\\+\\d+\\)`, "m"),
    );
    expect(comments[0].body).toContain("against `main`");
    expect(comments[0].body).toContain("(https://github.com/learner/taxi-mlops/actions/runs/4711)");
    expect(comments[0].body).toMatch(/<!-- mlops-audit:hash=[0-9a-f]+ -->$/);
    const writes = github.requests.filter((r) => r.url.includes("/comments"));
    expect(writes.map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([
      "GET /repos/learner/taxi-mlops/issues/7/comments",
      "POST /repos/learner/taxi-mlops/issues/7/comments",
    ]);
    expect(github.requests.flatMap((r) => openApiProblems(r))).toEqual([]);
    expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);

    // The same scorecard again: the comment is found by its marker and left alone.
    github.requests.length = 0;
    const again = await runAction({ name: "pull_request", payload: pullRequest }, inputs);
    expect(again.code).toBe(0);
    expect(github.requests.filter((r) => r.url.includes("/comments")).map((r) => r.method)).toEqual(["GET"]);
    expect(github.comments.get("issues/7")).toHaveLength(1);
  });

  it("fails the step only below fail-below, with one error line", async () => {
    const got = await runAction(
      { name: "pull_request", payload: pullRequest },
      { ...readmeInputs(), "fail-below": "90", comment: "false" },
    );
    expect(got.code).toBe(1);
    expect(got.stdout).toMatch(/^::error::The readiness score \d+ is below fail-below \(90\)\.$/m);
    expect(got.outputs.score).toMatch(/^\d+$/);
    expect(github.requests.filter((r) => r.url.includes("/comments"))).toEqual([]);
  });

  it("with a token that cannot comment (a fork's): a warning, and the rest written", async () => {
    github.routes.push((method, path) =>
      method === "POST" && path.endsWith("/comments")
        ? [403, { message: "Resource not accessible by integration" }]
        : undefined,
    );
    try {
      const forked = payload("pull_request", "opened", {
        number: 8,
        pull_request: { number: 8, head: { sha: HEAD, ref: "fork" }, base: { sha: BASE, ref: "main" } },
      });
      const got = await runAction({ name: "pull_request", payload: forked }, readmeInputs());
      expect(got.code).toBe(0);
      expect(got.stdout).toContain("::warning::The pull request comment was not written: HTTP 403");
      expect(got.summary).toContain("## MLOps readiness:");
      expect(got.outputs.score).toMatch(/^\d+$/);
    } finally {
      github.routes.length = 0;
    }
  });

  it("on a push: no comment, no request but the workflow runs' reads, the summary and outputs written", async () => {
    const push = payload("push", undefined, { after: HEAD, ref: "refs/heads/main" });
    const got = await runAction({ name: "push", payload: push }, readmeInputs());
    expect(got.code).toBe(0);
    expect(got.summary).toContain("## MLOps readiness:");
    expect(got.outputs.grade).toMatch(/^[A-E]$/);
    // What the Action reads with its token on a push is GitHub's records of the workflows (see verification-by-token).
    expect(
      github.requests.filter((r) => r.method !== "GET" || !r.url.includes("/actions/workflows/")),
    ).toEqual([]);
  });

  it("names a bad input in one error line and fails", async () => {
    const got = await runAction({ name: "push", payload: {} }, { "fail-below": "lots" });
    expect(got.code).toBe(1);
    expect(got.stdout.trim()).toBe("::error::mlops-audit: --fail-below takes a number from 0 to 100");
  });

  it("runs the committed bundle that action.yml names", () => {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
      runs: { using: string; main: string };
    };
    expect(action.runs.using).toMatch(/^node(2[0-9])$/);
    expect(existsSync(join(ROOT, action.runs.main))).toBe(true);
  });
});
