import nock from "nock";
import { describe, expect, it } from "vitest";
import { resilientOctokit } from "../src/app/octokit.js";
import { filesOf, gitBlobSha, wantedPaths } from "./github/fake-github.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { pushEvent, testProbot } from "./github/probot.js";
import { createState } from "../src/app/index.js";

/**
 * GitHub failing in the ways it does, injected with nock in front of the fake's real answers. The app runs
 * with its production retry policy, on a millisecond clock instead of a second one so the waits are short.
 */
const FaultyWorldOctokit = resilientOctokit({ unitMs: 1, maxWaitSeconds: 60 });

const SHA = "f".repeat(40);
const REPO = "/repos/learner/taxi-mlops";
const files = filesOf("fixtures/repos/middling");
const WORKFLOW = ".github/workflows/tests.yml";
const github = fakeGitHubPerTest();

const push = (id: string) => pushEvent(id, SHA);
/**
 * Retries through the production client's throttling take seconds; these tests are about the result the
 * run ends with, so it is written once, complete (app-push covers a run shown in progress first).
 */
const patientState = () => ({ ...createState(), inProgressAfterMs: 60_000 });

type Completed = {
  status: string;
  conclusion: string;
  output: { title: string; summary: string; text?: string };
};

/** Audits the middling fixture behind a fault; `fetched` is null when the tree itself never comes. */
async function auditWith(fault: () => void, fetched: string[] | null = wantedPaths(files)) {
  github.token().checkRuns(SHA);
  fault();
  if (fetched) github.noOrgConfig().commit(SHA, files, fetched);
  github.checkRun(31);
  const { probot } = await testProbot(patientState(), undefined, FaultyWorldOctokit);
  await probot.receive(push(`fault-${Math.random()}`));
  expect(github.bodies("POST", /check-runs$/)).toHaveLength(1);
  expect(github.bodies("PATCH", /check-runs/)).toEqual([]);
  const updates = github.completions() as Completed[];
  expect(updates).toHaveLength(1);
  return updates[0];
}

const tree = () => github.scope.get(`${REPO}/git/trees/${SHA}`).query(true);
const batch = () => github.scope.post("/graphql");
const blob = (path: string) => github.scope.get(`${REPO}/git/blobs/${gitBlobSha(files[path])}`);

describe("GitHub failing for a moment: a bounded retry, then the normal result", () => {
  it("500 and then 502 on the tree read", async () => {
    const done = await auditWith(() => {
      tree().reply(500, { message: "Server Error" });
      tree().reply(502, { message: "Bad Gateway" });
    });
    expect(done.output.title).toMatch(/^Readiness \d+\/100/);
  });

  it("500 and 502 on the batched read of the files", async () => {
    const done = await auditWith(() => {
      batch().reply(500, { message: "Server Error" });
      batch().reply(502, { message: "Bad Gateway" });
    });
    expect(done.output.title).toMatch(/^Readiness \d+\/100/);
    expect(done.output.summary).not.toMatch(/Could not read/);
  });

  it("429 with retry-after", async () => {
    const done = await auditWith(() =>
      tree().reply(429, { message: "Too Many Requests" }, { "retry-after": "2" }),
    );
    expect(done.output.title).toMatch(/^Readiness \d+\/100/);
  });

  it("403 for the installation's rate limit, retried once the limit resets", async () => {
    const reset = String(Math.floor(Date.now() / 1000));
    const done = await auditWith(() =>
      tree().reply(
        403,
        { message: "API rate limit exceeded for installation ID 4242." },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      ),
    );
    expect(done.output.title).toMatch(/^Readiness \d+\/100/);
  });

  it("403 for a secondary rate limit, retried after the wait GitHub names", async () => {
    const done = await auditWith(() =>
      batch().reply(
        403,
        {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        },
        { "retry-after": "3" },
      ),
    );
    expect(done.output.title).toMatch(/^Readiness \d+\/100/);
  });
});

describe("GitHub failing for good: one completed check run that says what failed", () => {
  it("a tree read that fails on every retry", async () => {
    const done = await auditWith(() => tree().times(4).reply(502, { message: "Bad Gateway" }), null);
    expect(done).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(done.output.summary).toContain("HTTP 502, a GitHub server error, still there after retries");
  });

  it("a secondary rate limit that asks for a longer wait than an audit may take", async () => {
    const done = await auditWith(
      () =>
        tree().reply(
          403,
          { message: "You have exceeded a secondary rate limit." },
          { "retry-after": "3600" },
        ),
      null,
    );
    expect(done.conclusion).toBe("neutral");
    expect(done.output.summary).toContain("HTTP 403, GitHub's rate limit was reached");
  });

  it("a blob that is gone (404): that file is unreadable and the rules that read it are inconclusive", async () => {
    const done = await auditWith(
      () => blob(WORKFLOW).reply(404, { message: "Not Found" }),
      wantedPaths(files).filter((p) => p !== WORKFLOW),
    );
    expect(done.output.title).toMatch(/^Readiness \d+\/100/);
    expect(done.output.summary).toContain(
      "Could not read .github/workflows/tests.yml (GitHub did not return the file",
    );
    // A CI rule needed that file: it is shown as could-not-be-read (❔) with the reason, not as failed.
    expect(done.output.text).toMatch(
      /- ❔ [^\n]*Could not read \.github\/workflows\/tests\.yml \(GitHub did not return the file \(HTTP 404, not found\)\)/,
    );
  });

  it("a blob failing on every retry", async () => {
    const done = await auditWith(
      () => blob(WORKFLOW).times(4).reply(500, { message: "Server Error" }),
      wantedPaths(files).filter((p) => p !== WORKFLOW),
    );
    expect(done.output.summary).toContain("Could not read .github/workflows/tests.yml (");
  });

  it("is not posted again when the same delivery comes back", async () => {
    github.token().checkRuns(SHA);
    tree().times(4).reply(502, { message: "Bad Gateway" });
    github.checkRun(32);
    const { probot } = await testProbot(patientState(), undefined, FaultyWorldOctokit);
    await probot.receive(push("fault-redelivered"));
    await probot.receive(push("fault-redelivered"));
    expect(github.bodies("POST", /check-runs$/)).toHaveLength(1);
    expect(nock.isDone()).toBe(true);
  });
});
