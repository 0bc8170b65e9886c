import { describe, expect, it } from "vitest";
import { filesOf } from "./github/fake-github.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { pushEvent, testProbot } from "./github/probot.js";

const SHA = "e".repeat(40);
const files = filesOf("fixtures/repos/middling");
const push = (id: string) => pushEvent(id, SHA);

const github = fakeGitHubPerTest();

type Output = { conclusion: string; output: { summary: string; text: string } };

/**
 * Audits a push whose commit holds `config` as `.github/mlops-audit.yml`, or none; a push reads its
 * config from the audited tree, and uses the org's `.github` repository only without one (it asks for
 * it while the tree is read, so a tree with a config is asked about the org's too, here a 404).
 */
async function auditWith(config: string | null, setupOrg: () => void = () => {}): Promise<Output> {
  github.token();
  setupOrg();
  const tree = config === null ? files : { ...files, ".github/mlops-audit.yml": Buffer.from(config) };
  // The config is read alone, before the batch of the files the rules need.
  github.checkRuns(SHA).commit(SHA, tree);
  if (config !== null) github.blobs(tree, [".github/mlops-audit.yml"]).noOrgConfig();
  github.checkRun(7);
  const { probot } = await testProbot();
  await probot.receive(push("k-1"));
  return github.completions()[0] as Output;
}

describe("the repository's config", () => {
  it("an invalid config is shown in the check run, and the audit runs with the defaults", async () => {
    const done = await auditWith("rules:\n  exempt:\n    serving.api: ''\n");
    expect(done.output.summary).toContain(
      // Read from the tree as text, the config's errors carry their line.
      "The config is invalid, so this audit used the defaults: .github/mlops-audit.yml:3: rules.exempt.serving.api: an exemption needs a reason",
    );
    expect(done.output.text).not.toContain("➖");
  });

  it("a YAML syntax error is shown with its line", async () => {
    const done = await auditWith("rules:\n  disable: [serving.api\n");
    expect(done.output.summary).toMatch(/\.github\/mlops-audit\.yml:\d+: not valid YAML/);
  });

  it("the org's .github repository is the fallback, and its thresholds decide the conclusion", async () => {
    const done = await auditWith(null, () =>
      github.scope
        .get("/repos/learner/.github/contents/.github%2Fmlops-audit.yml")
        .reply(
          200,
          "rules:\n  exempt:\n    cloud.iac: learning project, no cloud\nthresholds:\n  pass: 100\n  fail_below: 99\n",
          {
            "content-type": "application/vnd.github.raw; charset=utf-8",
          },
        ),
    );
    expect(done.conclusion).toBe("failure");
    expect(done.output.text).toMatch(/➖ \*\*[^*]+\*\* `cloud.iac` — Exempt: learning project, no cloud/);
  });
});
