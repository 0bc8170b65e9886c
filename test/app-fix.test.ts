import { describe, expect, it } from "vitest";
import { parseCommand } from "../src/app/handlers/command.js";
import { commentEvent } from "./github/comment.js";
import { filesOf, wantedPaths } from "./github/fake-github.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { testProbot } from "./github/probot.js";

const repo = "/repos/learner/taxi-mlops";
const HEAD = "c".repeat(40);
const files = filesOf("fixtures/repos/middling");
const github = fakeGitHubPerTest();

const comment = commentEvent;

function maintainer() {
  github.scope
    .get(`${repo}/collaborators/reviewer/permission`)
    .reply(200, { permission: "write", role_name: "write", user: { login: "reviewer" } });
}

function defaultBranchAt(sha: string) {
  github.scope.get(`${repo}/branches/main`).reply(200, { name: "main", commit: { sha } });
  github.noConfig().commit(sha, files);
}

const replies = () =>
  (github.bodies("POST", /issues\/12\/comments$/) as { body: string }[]).map((b) => b.body);

describe("reading /mlops-audit fix", () => {
  it.each([
    ["/mlops-audit fix cicd.tests", { kind: "fix", ruleId: "cicd.tests", pullRequest: false }],
    ["/mlops-audit fix-pr cicd.delivery", { kind: "fix", ruleId: "cicd.delivery", pullRequest: true }],
    ["/mlops-audit fix", { kind: "fix", ruleId: undefined, pullRequest: false }],
  ])("%j", (body, expected) => expect(parseCommand(body)).toEqual(expected));
});

describe("/mlops-audit fix in a comment", () => {
  it("on a pull request answers with the files for its head, and how to apply them, writing nothing", async () => {
    github.token();
    maintainer();
    github.scope.get(`${repo}/pulls/12`).reply(200, {
      number: 12,
      head: { sha: HEAD, ref: "feature", repo: { full_name: "learner/taxi-mlops" } },
      base: { sha: "b".repeat(40), ref: "main" },
    });
    github.noConfig().commit(HEAD, files);
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 70 });
    const { probot } = await testProbot();
    await probot.receive(comment("f-1", "/mlops-audit fix cicd.tests", true));
    const [body] = replies();
    expect(body).toContain("### Suggested files for `cicd.tests`");
    expect(body).toContain("File: <code>.github/workflows/ci.yml</code>");
    expect(body).toContain("run: pipenv run pytest tests");
    expect(body).toContain("npx mlops-audit fix . cicd.tests");
    expect(body).toContain("`/mlops-audit fix-pr cicd.tests`");
    expect(github.requests.some((r) => r.method === "POST" && /git\/|pulls$/.test(r.url))).toBe(false);
    expect(github.problems()).toEqual([]);
  });

  it("fix-pr, where the app may write, opens a pull request that only adds the files, and links it", async () => {
    github.token();
    maintainer();
    defaultBranchAt(HEAD);
    github.scope.get(`${repo}/git/commits/${HEAD}`).reply(200, { sha: HEAD, tree: { sha: "t".repeat(40) } });
    github.scope.post(`${repo}/git/trees`).reply(201, { sha: "d".repeat(40), tree: [] });
    github.scope.post(`${repo}/git/commits`).reply(201, { sha: "e".repeat(40) });
    github.scope
      .post(`${repo}/git/refs`)
      .reply(201, { ref: "refs/heads/x", object: { sha: "e".repeat(40) } });
    github.scope
      .post(`${repo}/pulls`)
      .reply(201, { number: 13, html_url: "https://github.com/learner/taxi-mlops/pull/13" });
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 71 });
    const { probot } = await testProbot();
    await probot.receive(comment("f-2", "/mlops-audit fix-pr cicd.delivery", false));
    const [tree] = github.bodies("POST", /git\/trees$/) as { base_tree: string; tree: { path: string }[] }[];
    expect(tree.base_tree).toBe("t".repeat(40));
    expect(tree.tree.map((t) => t.path)).toEqual([".github/workflows/publish-image.yml"]);
    expect(github.bodies("POST", /git\/commits$/)).toEqual([
      expect.objectContaining({ tree: "d".repeat(40), parents: [HEAD] }),
    ]);
    expect(github.bodies("POST", /git\/refs$/)).toEqual([
      { ref: `refs/heads/mlops-audit/fix-cicd.delivery-${HEAD.slice(0, 7)}`, sha: "e".repeat(40) },
    ]);
    expect(github.bodies("POST", /pulls$/)).toEqual([
      expect.objectContaining({ base: "main", head: `mlops-audit/fix-cicd.delivery-${HEAD.slice(0, 7)}` }),
    ]);
    expect(replies()[0]).toContain("Opened https://github.com/learner/taxi-mlops/pull/13 with these files.");
    expect(github.problems()).toEqual([]);
  });

  it("fix-pr without contents: write answers with the files and how to apply them locally", async () => {
    github.token();
    maintainer();
    defaultBranchAt(HEAD);
    github.scope.get(`${repo}/git/commits/${HEAD}`).reply(200, { sha: HEAD, tree: { sha: "t".repeat(40) } });
    github.scope.post(`${repo}/git/trees`).reply(403, { message: "Resource not accessible by integration" });
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 72 });
    const { probot } = await testProbot();
    await probot.receive(comment("f-3", "/mlops-audit fix-pr cicd.delivery", false));
    const [body] = replies();
    expect(body).toMatch(
      /^The app may not write to this repository \(it was installed without `contents: write`\)/,
    );
    expect(body).toContain("uses: docker/build-push-action@v6");
    expect(body).toContain("npx mlops-audit fix . cicd.delivery");
  });

  it("never proposes a file the commit holds, even one the config tells the audit to ignore", async () => {
    github.token();
    maintainer();
    github.scope.get(`${repo}/branches/main`).reply(200, { name: "main", commit: { sha: HEAD } });
    const withCi = { ...files, ".github/workflows/ci.yml": Buffer.from("on: workflow_dispatch\n") };
    github.config("paths:\n  ignore: ['.github/**']\n");
    github.commit(
      HEAD,
      withCi,
      wantedPaths(withCi).filter((p) => !p.startsWith(".github/")),
    );
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 74 });
    const { probot } = await testProbot();
    await probot.receive(comment("f-5", "/mlops-audit fix-pr cicd.tests", false));
    expect(replies()[0]).toContain(
      "- `cicd.tests`: not fixed, .github/workflows/ci.yml exists, though the audit does not read it.",
    );
    expect(github.requests.some((r) => r.method === "POST" && /git\//.test(r.url))).toBe(false);
  });

  it("an unknown rule gets the rules it may have meant, and no audit", async () => {
    github.token();
    maintainer();
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 73 });
    const { probot } = await testProbot();
    await probot.receive(comment("f-4", "/mlops-audit fix cicd.nope", false));
    expect(replies()[0]).toMatch(/^There is no rule `cicd.nope`\. Try one of: `cicd.pipeline`/);
    expect(github.requests.some((r) => /git\//.test(r.url))).toBe(false);
  });
});

describe("app.write.yml", () => {
  it("is app.yml with contents: write and its own name, and nothing else", async () => {
    const { readFileSync } = await import("node:fs");
    const { parse } = await import("yaml");
    const read = parse(readFileSync("app.yml", "utf8"));
    const write = parse(readFileSync("app.write.yml", "utf8"));
    expect(write).toEqual({
      ...read,
      name: "mlops-audit-write",
      default_permissions: { ...read.default_permissions, contents: "write" },
    });
  });
});
