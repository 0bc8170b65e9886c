import { describe, expect, it } from "vitest";
import { parseCommand } from "../src/app/handlers/command.js";
import { commentEvent } from "./github/comment.js";
import { filesOf } from "./github/fake-github.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { payload, testProbot } from "./github/probot.js";

const repo = "/repos/learner/taxi-mlops";
const BASE = "b".repeat(40);
const HEAD = "c".repeat(40);
const files = filesOf("fixtures/repos/middling");

const comment = commentEvent;

function permission(login: string, level: string, role = level) {
  github.scope
    .get(`${repo}/collaborators/${login}/permission`)
    .reply(200, { permission: level, role_name: role, user: { login } });
}

const github = fakeGitHubPerTest();

describe("reading a command", () => {
  it.each([
    ["/mlops-audit", { kind: "audit" }],
    ["  /mlops-audit  \nthanks!", { kind: "audit" }],
    ["/mlops-audit help", { kind: "help" }],
    ["/mlops-audit explain serving.api", { kind: "explain", ruleId: "serving.api" }],
    ["/mlops-audit frobnicate", { kind: "unknown", word: "frobnicate" }],
    ["/mlops-auditor", undefined],
    ["please run /mlops-audit", undefined],
  ])("%j", (body, expected) => expect(parseCommand(body)).toEqual(expected));
});

describe("/mlops-audit in a comment", () => {
  it("from someone without write access audits nothing and gets a confused reaction", async () => {
    github.token();
    permission("stranger", "read", "triage");
    github.scope.post(`${repo}/issues/comments/901/reactions`).reply(201, { id: 1, content: "confused" });
    const { probot } = await testProbot();
    await probot.receive(comment("c-1", "/mlops-audit", true, "stranger"));
    expect(github.bodies("POST", /reactions$/)).toEqual([{ content: "confused" }]);
    expect(github.requests.some((r) => /check-runs|git\//.test(r.url))).toBe(false);
  });

  it("from someone who is not a collaborator at all audits nothing either", async () => {
    github.token();
    github.scope.get(`${repo}/collaborators/stranger/permission`).reply(404, { message: "Not Found" });
    github.scope.post(`${repo}/issues/comments/901/reactions`).reply(201, { id: 1, content: "confused" });
    const { probot } = await testProbot();
    await probot.receive(comment("c-2", "/mlops-audit", true, "stranger"));
    expect(github.bodies("POST", /reactions$/)).toEqual([{ content: "confused" }]);
  });

  it("from a maintainer on a pull request re-runs the audit, answers in the sticky comment, and reacts", async () => {
    github.token();
    permission("reviewer", "write", "maintain");
    github.scope
      .get(`${repo}/pulls/12`)
      .reply(200, { number: 12, head: { sha: HEAD, ref: "feature" }, base: { sha: BASE, ref: "main" } });
    github.noConfig().commit(HEAD, files).commit(BASE, files, []);
    github.checkRun(3);
    github.scope.get(`${repo}/issues/12/comments`).query(true).reply(200, []);
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 56 });
    github.scope.post(`${repo}/issues/comments/901/reactions`).reply(201, { id: 2, content: "+1" });
    const { probot } = await testProbot();
    await probot.receive(comment("c-3", "/mlops-audit"));
    const [posted] = github.bodies("POST", /issues\/12\/comments$/) as { body: string }[];
    expect(posted.body).toMatch(/\*\*(\d+) → \1, ±0\*\* against `main`/);
    expect(posted.body).toContain("No rule changed status.");
    expect(github.bodies("POST", /reactions$/)).toEqual([{ content: "+1" }]);
  });

  it("on an issue audits the default branch and answers on that issue", async () => {
    github.token();
    permission("reviewer", "admin");
    github.scope.get(`${repo}/branches/main`).reply(200, { name: "main", commit: { sha: HEAD } });
    github.noConfig().commit(HEAD, files);
    github.checkRun(4);
    github.scope.get(`${repo}/issues/12/comments`).query(true).reply(200, []);
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 57 });
    github.scope.post(`${repo}/issues/comments/901/reactions`).reply(201, { id: 2, content: "+1" });
    const { probot } = await testProbot();
    await probot.receive(comment("c-4", "/mlops-audit", false));
    const [posted] = github.bodies("POST", /issues\/12\/comments$/) as { body: string }[];
    expect(posted.body).toMatch(/^### MLOps readiness \d+\/100 · /m);
    expect(posted.body).toContain("**Next steps**");
    expect(posted.body).toContain("(https://github.com/learner/taxi-mlops/runs/4)");
  });

  it("explain answers with the rule's text, fix and docs", async () => {
    github.token();
    permission("reviewer", "write");
    github.scope.post(`${repo}/issues/12/comments`).reply(201, { id: 58 });
    const { probot } = await testProbot();
    await probot.receive(comment("c-5", "/mlops-audit explain cicd.tests"));
    const [posted] = github.bodies("POST", /issues\/12\/comments$/) as { body: string }[];
    expect(posted.body).toContain("`cicd.tests`");
    expect(posted.body).toContain("**Why it matters.**");
    expect(posted.body).toContain("**How to pass.**");
    expect(posted.body).toMatch(/\[Read more\]\(https:\/\//);
  });

  it("explain of an unknown rule suggests the rules of that phase; help lists the commands", async () => {
    github.token();
    permission("reviewer", "write");
    permission("reviewer", "write");
    github.scope.post(`${repo}/issues/12/comments`).twice().reply(201, { id: 59 });
    const { probot } = await testProbot();
    await probot.receive(comment("c-6", "/mlops-audit explain cicd.nope"));
    await probot.receive(comment("c-7", "/mlops-audit help"));
    const [unknown, help] = github.bodies("POST", /issues\/12\/comments$/) as { body: string }[];
    expect(unknown.body).toContain("There is no rule `cicd.nope`");
    expect(unknown.body).toContain("`cicd.tests`");
    expect(unknown.body).not.toContain("`serving.api`");
    expect(help.body).toContain("/mlops-audit explain <rule-id>");
  });

  it("ignores comments that are not commands, and bots", async () => {
    const { probot } = await testProbot();
    await probot.receive(comment("c-8", "Looks good to me"));
    await probot.receive({
      ...comment("c-9", "/mlops-audit"),
      payload: payload("issue_comment", "created", {
        comment: { id: 902, body: "/mlops-audit", user: { login: "mlops-audit[bot]", type: "Bot" } },
        sender: { login: "mlops-audit[bot]", type: "Bot", id: 6 },
      }) as never,
    });
    expect(github.requests).toEqual([]);
  });
});

describe("re-run", () => {
  it("check_run.rerequested creates a new check run even though one exists", async () => {
    github.token().noConfig().commit(HEAD, files);
    github.checkRun(10);
    const { probot } = await testProbot();
    await probot.receive({
      id: "r-1",
      name: "check_run",
      payload: payload("check_run", "rerequested", {
        check_run: {
          ...(payload("check_run", "rerequested").check_run as object),
          name: "MLOps readiness",
          head_sha: HEAD,
        },
      }) as never,
    });
    const [done] = github.bodies("POST", /check-runs$/) as { actions?: unknown; status: string }[];
    expect(done).toMatchObject({ head_sha: HEAD, status: "completed" });
    // GitHub's own Re-run button brought it here: the run adds no button of its own that would repeat it.
    expect(done.actions).toBeUndefined();
  });

  it("ignores a re-run of another app's check run", async () => {
    const { probot } = await testProbot();
    await probot.receive({
      id: "r-2",
      name: "check_run",
      payload: payload("check_run", "rerequested", {
        check_run: {
          ...(payload("check_run", "rerequested").check_run as object),
          name: "tests",
          head_sha: HEAD,
        },
      }) as never,
    });
    expect(github.requests).toEqual([]);
  });
});
