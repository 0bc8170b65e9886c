import { afterEach, describe, expect, it } from "vitest";
import { filesOf } from "./github/fake-github.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { payload, testProbot } from "./github/probot.js";
import { renderedLines } from "./render/rendered.js";

const BASE = "b".repeat(40);
const HEAD = "c".repeat(40);
const HEAD2 = "d".repeat(40);
const head = filesOf("fixtures/repos/middling");
const { Dockerfile: _dockerfile, ...base } = head;
const head2 = { ...head, "README.md": Buffer.concat([head["README.md"], Buffer.from("\nMore words.\n")]) };

const pullRequest = (id: string, action: string, sha: string) => ({
  id,
  name: "pull_request" as const,
  payload: payload("pull_request", action, {
    number: 12,
    pull_request: { number: 12, head: { sha, ref: "feature" }, base: { sha: BASE, ref: "main" } },
  }) as never,
});

const github = fakeGitHubPerTest();
const publicUrl = process.env.PUBLIC_URL;
afterEach(() => {
  if (publicUrl === undefined) delete process.env.PUBLIC_URL;
  else process.env.PUBLIC_URL = publicUrl;
});

describe("a pull request", () => {
  it("gets one short comment with the change against its base; a second synchronize edits it", async () => {
    process.env.PUBLIC_URL = "https://audit.example.org";
    const repo = "/repos/learner/taxi-mlops";
    // Opened: the head in full, then the base, whose blobs are all already cached but for none.
    github.token().noConfig().checkRuns(HEAD).commit(HEAD, head).commit(BASE, base, []);
    github.checkRun(1);
    github.scope.get(`${repo}/issues/12/comments`).query(true).reply(200, []);
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 55 });
    const { probot, state } = await testProbot();
    await probot.receive(pullRequest("p-1", "opened", HEAD));

    const [comment] = github.bodies("POST", /issues\/12\/comments$/) as { body: string }[];
    expect(comment.body).toContain("<!-- mlops-audit:scorecard -->");
    expect(comment.body).toMatch(/^### MLOps readiness \d+\/100 \(\+\d+\) · [A-E] · Level \d/m);
    expect(comment.body).toMatch(/\*\*\d+ → \d+, \+\d+\*\* against `main`/);
    expect(comment.body).toContain(
      "- ✅ A container that starts the prediction service `serving.container`: fail → **pass**",
    );
    // Short: the headline, what changed, three next steps with their points, links to the rest.
    expect(comment.body.length).toBeLessThan(3000);
    expect(renderedLines(comment.body).length).toBeLessThan(25);
    expect(comment.body.match(/^\d\. .*\(\*\*\+\d+ points?\*\*/gm)).toHaveLength(3);
    expect(comment.body).toContain(
      "[Full scorecard](https://audit.example.org/scorecards/learner/taxi-mlops)",
    );
    expect(comment.body).toContain("(https://github.com/learner/taxi-mlops/runs/1)");
    expect(comment.body).not.toContain("Every rule");
    const [done] = github.completions() as {
      details_url: string;
      actions?: unknown;
      output: { title: string; summary: string; text: string };
    }[];
    expect(done.output.title).toMatch(/^Readiness \d+\/100 \(\+\d+\) · [A-E] · Level \d$/);
    expect(done.output.summary).toContain("**What changed**");
    expect(done.output.summary.indexOf("**Next steps**")).toBe(0);
    expect(done.output.text).toContain("`serving.container`");
    expect(done.details_url).toBe("https://audit.example.org/scorecards/learner/taxi-mlops");
    expect(done.actions).toBeUndefined();

    // Synchronize with one file changed: one tree and one blob are fetched; the base comes from the cache.
    const missesBefore = state.cache.misses;
    github.noConfig().checkRuns(HEAD2).commit(HEAD2, head2, ["README.md"]);
    github.checkRun(2);
    github.scope
      .get(`${repo}/issues/12/comments`)
      .query(true)
      .reply(200, [{ id: 55, body: comment.body, user: { login: "mlops-audit[bot]", type: "Bot" } }]);
    github.scope.patch(`${repo}/issues/comments/55`).reply(200, {});
    await probot.receive(pullRequest("p-2", "synchronize", HEAD2));
    expect(state.cache.misses - missesBefore).toBe(1);
    expect(github.bodies("POST", /issues\/12\/comments$/)).toHaveLength(1);
    const [edited] = github.bodies("PATCH", /issues\/comments\/55$/) as { body: string }[];
    expect(edited.body).toContain(HEAD2);
  });

  it("leaves an unchanged comment alone when the same head is audited again", async () => {
    const repo = "/repos/learner/taxi-mlops";
    github.token().noConfig().checkRuns(HEAD).commit(HEAD, head).commit(BASE, base, []);
    github.checkRun(1);
    github.scope.get(`${repo}/issues/12/comments`).query(true).reply(200, []);
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 55 });
    const { probot } = await testProbot();
    await probot.receive(pullRequest("p-3", "opened", HEAD));
    const [comment] = github.bodies("POST", /issues\/12\/comments$/) as { body: string }[];

    // Reopened at the same head: the check run exists, and the comment's hash matches.
    github.noConfig().checkRuns(HEAD, [{ id: 1, status: "completed" }]);
    github.scope
      .get(`${repo}/issues/12/comments`)
      .query(true)
      .reply(200, [
        {
          id: 3,
          body: "<!-- mlops-audit:scorecard --> quoted by a person",
          user: { login: "x", type: "User" },
        },
        { id: 55, body: comment.body, user: { login: "mlops-audit[bot]", type: "Bot" } },
      ]);
    await probot.receive(pullRequest("p-4", "reopened", HEAD));
    // The writes: every request but the reads, GET or the batched read of the files (a GraphQL POST).
    const writes = github.requests.filter((r) => r.method !== "GET" && r.url !== "/graphql");
    expect(writes.map((r) => r.url)).toEqual([
      "/app/installations/4242/access_tokens",
      `${repo}/check-runs`,
      `${repo}/issues/12/comments`,
    ]);
  });

  it("still comments when the base cannot be read, without a delta", async () => {
    const repo = "/repos/learner/taxi-mlops";
    github.token().noConfig().checkRuns(HEAD).commit(HEAD, head);
    github.scope.get(`${repo}/git/trees/${BASE}`).query(true).reply(404, { message: "Not Found" });
    github.checkRun(1);
    github.scope.get(`${repo}/issues/12/comments`).query(true).reply(200, []);
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 55 });
    const { probot } = await testProbot();
    await probot.receive(pullRequest("p-5", "opened", HEAD));
    const [comment] = github.bodies("POST", /issues\/12\/comments$/) as { body: string }[];
    expect(comment.body).not.toContain(" → ");
    expect(comment.body).toMatch(/^### MLOps readiness \d+\/100 · /m);
    // No public address: no page to link to, and no badge to offer.
    expect(comment.body).not.toContain("Full scorecard");
    expect(comment.body).not.toContain("badge");
  });
});
