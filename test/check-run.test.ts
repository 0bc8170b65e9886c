import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { completeCheckRun } from "../src/app/publish/check-run.js";
import { audit } from "../src/engine/audit.js";
import type { Scorecard } from "../src/engine/model.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { CHECK_TEXT_LIMIT, conclusionOf, renderCheckRun, type Annotation } from "../src/render/check-run.js";
import { relativeLinks } from "../src/render/status.js";
import { loadCatalogue } from "../src/rules/load.js";
import { FakeGitHub } from "./github/fake-github.js";
import { TestOctokit } from "./github/probot.js";

afterEach(() => nock.cleanAll());

function warnings(count: number, path: (i: number) => string): Annotation[] {
  return Array.from({ length: count }, (_, i) => ({
    path: path(i),
    start_line: i + 1,
    end_line: i + 1,
    annotation_level: "warning",
    title: "t",
    message: "m",
  }));
}

async function cardOf(files: Record<string, string>): Promise<Scorecard> {
  return audit(new MemorySnapshot(files), {
    catalogue: loadCatalogue(),
    tool: { name: "mlops-audit", version: "test" },
    target: { name: "r" },
  });
}

describe("the check run's output", () => {
  it("conclusion: success at the pass mark, neutral below, failure only below an explicit fail_below", () => {
    expect(conclusionOf(60, { pass: 60 })).toBe("success");
    expect(conclusionOf(59, { pass: 60 })).toBe("neutral");
    expect(conclusionOf(0, { pass: 60 })).toBe("neutral");
    expect(conclusionOf(39, { pass: 60, fail_below: 40 })).toBe("failure");
    expect(conclusionOf(40, { pass: 60, fail_below: 40 })).toBe("neutral");
  });

  it("annotates a committed secret at its line without showing the secret", async () => {
    const key = "AKIA" + "Q3EGUKJ7XZ2P5LMN";
    const card = await cardOf({ "config.py": `import os\nAWS_KEY = "${key}"\n` });
    const out = renderCheckRun(card, { links: relativeLinks, root: "services/model" });
    const secret = out.annotations.find((a) => a.title.includes("cloud.secrets"));
    expect(secret).toMatchObject({
      path: "services/model/config.py",
      start_line: 2,
      annotation_level: "failure",
    });
    expect(JSON.stringify(out)).not.toContain(key);
  });

  it("stays inside GitHub's limits with a very large scorecard, and says it was cut", async () => {
    const card = await cardOf({ "README.md": "# x\n" });
    const long = "word ".repeat(2000);
    const big: Scorecard = {
      ...card,
      notes: Array.from({ length: 30 }, () => long),
      rules: card.rules.map((r) => ({ ...r, message: long, remediation: long })),
    };
    const out = renderCheckRun(big, { links: relativeLinks });
    expect(out.summary.length).toBeLessThanOrEqual(CHECK_TEXT_LIMIT);
    expect(out.text.length).toBeLessThanOrEqual(CHECK_TEXT_LIMIT);
    expect(out.text).toContain("cut to fit GitHub's size limit");
    expect(out.title).toMatch(/^Readiness \d+\/100 · [A-E] · Level [012]$/);
  });
});

describe("completing a check run", () => {
  it("sends annotations 50 per request, the first batch with the completion", async () => {
    const github = new FakeGitHub();
    github.scope.patch("/repos/learner/taxi-mlops/check-runs/5").times(3).reply(200, {});
    const annotations = warnings(120, (i) => `src/m${i}.py`);
    const octokit = new TestOctokit({ auth: { token: "t" } } as never);
    await completeCheckRun(
      octokit,
      { owner: "learner", repo: "taxi-mlops" },
      { id: 5 },
      { title: "Readiness 1/100 · E · Level 0", summary: "s", text: "t", annotations },
      "neutral",
    );
    const bodies = github.bodies("PATCH", /check-runs\/5$/) as {
      status?: string;
      output: { annotations: unknown[] };
    }[];
    expect(bodies.map((b) => b.output.annotations.length)).toEqual([50, 50, 20]);
    expect(bodies.map((b) => b.status)).toEqual(["completed", undefined, undefined]);
    expect(github.problems()).toEqual([]);
    expect(nock.isDone()).toBe(true);
  });

  it("keeps the completed result when a later annotation batch fails", async () => {
    const github = new FakeGitHub();
    github.scope
      .patch("/repos/learner/taxi-mlops/check-runs/6")
      .reply(200, {})
      .patch("/repos/learner/taxi-mlops/check-runs/6")
      .reply(502, { message: "Bad Gateway" });
    const annotations = warnings(120, () => "a.py");
    const octokit = new TestOctokit({ auth: { token: "t" } } as never);
    const sent = await completeCheckRun(
      octokit,
      { owner: "learner", repo: "taxi-mlops" },
      { id: 6 },
      { title: "Readiness 1/100 · E · Level 0", summary: "s", text: "t", annotations },
      "neutral",
    );
    expect(sent).toMatchObject({ annotationsSent: 50, annotationsLost: 70 });
    const bodies = github.bodies("PATCH", /check-runs\/6$/) as { status?: string }[];
    expect(bodies.map((b) => b.status)).toEqual(["completed", undefined]);
    expect(nock.isDone()).toBe(true);
  });
});
