import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../bench/trees.js";
import { cliOutput } from "../scripts/goldens.js";
import { loadCatalogue } from "../src/rules/load.js";

const catalogueIds = loadCatalogue().phases.flatMap((p) => p.rules.map((r) => r.id));
const STATUSES = ["pass", "partial", "fail", "exempt", "inconclusive"];

describe("the JSON output contract", () => {
  it("the complete fixture passes every rule with score 100", async () => {
    const { stdout } = await cliOutput(["fixtures/repos/complete", "--format", "json"]);
    const card = JSON.parse(stdout);
    expect(card.score).toBe(100);
    expect(card.grade).toBe("A");
    expect(card.rules.filter((r: { status: string }) => r.status !== "pass")).toEqual([]);
    expect(card.checklist.every((c: { status: string }) => c.status === "pass")).toBe(true);
  });

  it("the hollow fixture, which declares every tool and uses none, scores under 20", async () => {
    const card = JSON.parse((await cliOutput(["fixtures/repos/hollow", "--format", "json"])).stdout);
    expect(card.score).toBeLessThan(20);
  });

  for (const fixture of ["empty", "notebook-only", "middling", "complete", "hollow", "monorepo"]) {
    it(`${fixture}: every catalogue rule appears once, with the contract's fields`, async () => {
      const card = JSON.parse((await cliOutput([`fixtures/repos/${fixture}`, "--format", "json"])).stdout);
      expect(card.rules.map((r: { id: string }) => r.id)).toEqual(catalogueIds);
      for (const key of [
        "schemaVersion",
        "tool",
        "rulesetVersion",
        "target",
        "score",
        "grade",
        "level",
        "nextSteps",
        "checklist",
        "phases",
        "rules",
      ]) {
        expect(card).toHaveProperty(key);
      }
      expect(card.phases).toHaveLength(10);
      expect(card.checklist.map((c: { id: string }) => c.id)).toEqual([
        "portfolio.end-to-end",
        "portfolio.ci-cd",
        "portfolio.mlflow-or-dvc",
        "portfolio.api-deployment",
        "portfolio.cloud-deployment",
      ]);
      for (const r of card.rules) {
        expect(STATUSES).toContain(r.status);
        expect(Object.keys(r)).toEqual(
          expect.arrayContaining([
            "id",
            "phase",
            "title",
            "weight",
            "status",
            "credit",
            "message",
            "remediation",
            "docs",
            "evidence",
          ]),
        );
        if (r.status === "pass" && r.id !== "cloud.secrets") expect(r.evidence.length).toBeGreaterThan(0);
      }
    });
  }
});

describe("CLI behaviour", () => {
  it("json prints one JSON document and nothing else on stdout", async () => {
    const { stdout, stderr } = await cliOutput(["fixtures/repos/middling", "--format", "json"]);
    expect(() => JSON.parse(stdout)).not.toThrow();
    expect(stderr).toBe("");
  });

  it("sarif is SARIF 2.1.0 with a result per failing or partial rule", async () => {
    const sarif = JSON.parse((await cliOutput(["fixtures/repos/middling", "--format", "sarif"])).stdout);
    const card = JSON.parse((await cliOutput(["fixtures/repos/middling", "--format", "json"])).stdout);
    expect(sarif.version).toBe("2.1.0");
    const expected = card.rules.filter(
      (r: { status: string }) => r.status === "fail" || r.status === "partial",
    ).length;
    expect(sarif.runs[0].results).toHaveLength(expected);
    expect(sarif.runs[0].tool.driver.rules).toHaveLength(catalogueIds.length);
  });

  it("text has colour only on a terminal", async () => {
    const plain = await cliOutput(["fixtures/repos/middling"], false);
    const tty = await cliOutput(["fixtures/repos/middling"], true);
    expect(plain.stdout).not.toContain("\x1b[");
    expect(tty.stdout).toContain("\x1b[");
  });

  it("--fail-below exits 1 under the mark and 0 above it", async () => {
    expect((await cliOutput(["fixtures/repos/hollow", "--fail-below", "50"])).code).toBe(1);
    expect((await cliOutput(["fixtures/repos/complete", "--fail-below", "50"])).code).toBe(0);
  });

  it("bad usage exits 2 with a one-line message", async () => {
    for (const args of [
      [],
      ["a", "b"],
      ["fixtures/repos/empty", "--format", "xml"],
      ["fixtures/repos/empty", "--fail-below", "x"],
      ["fixtures/repos/empty", "--nope"],
    ]) {
      const { code, stderr, stdout } = await cliOutput(args);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr.split("\n")[0]).toMatch(/^mlops-audit: /);
    }
  });

  it("an unreadable directory exits 2", async () => {
    const { code, stderr } = await cliOutput(["fixtures/repos/does-not-exist"]);
    expect(code).toBe(2);
    expect(stderr).toContain("no such directory");
  });

  it("an invalid config exits 2 naming the file, line and problem", async () => {
    const dir = writeTree({ ".github/mlops-audit.yml": "rules:\n  exempt:\n    serving.api: ''\n" });
    const { code, stderr } = await cliOutput([dir]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "mlops-audit: invalid config: .github/mlops-audit.yml:3: rules.exempt.serving.api: an exemption needs a reason\n",
    );
  });

  it("--config overrides the repository's own file, and exemptions show their reason", async () => {
    const dir = writeTree({
      "cfg.yml": "rules:\n  exempt:\n    cloud.deployment: Runs on a university cluster.\n",
    });
    const card = JSON.parse(
      (await cliOutput(["fixtures/repos/middling", "--config", join(dir, "cfg.yml"), "--format", "json"]))
        .stdout,
    );
    const rule = card.rules.find((r: { id: string }) => r.id === "cloud.deployment");
    expect(rule.status).toBe("exempt");
    expect(rule.credit).toBeNull();
    expect(rule.message).toContain("Runs on a university cluster.");
  });

  it("paths.root audits one project of a monorepo", async () => {
    const card = JSON.parse((await cliOutput(["fixtures/repos/monorepo", "--format", "json"])).stdout);
    expect(card.target.root).toBe("fraud");
    const api = card.rules.find((r: { id: string }) => r.id === "serving.api");
    expect(api.status).toBe("pass");
    expect(api.evidence[0].path).toBe("api/main.py");
    const tracking = card.rules.find((r: { id: string }) => r.id === "tracking.experiments");
    expect(tracking.evidence.every((e: { path: string }) => !e.path.startsWith("forecast"))).toBe(true);
  });
});

describe("the README badge, offered at the terminal to the repository's own people", () => {
  const dir = writeTree({
    "README.md": "# taxi\n",
    ".git/config":
      '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:learner/taxi-mlops.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
  });

  it("names the badge of the clone's GitHub repository when the app's public address is set", async () => {
    const before = process.env.PUBLIC_URL;
    process.env.PUBLIC_URL = "https://audit.example.org";
    try {
      const text = (await cliOutput([dir])).stdout;
      expect(text).toContain(
        "[![MLOps readiness](https://audit.example.org/badges/learner/taxi-mlops.svg)](https://audit.example.org/scorecards/learner/taxi-mlops)",
      );
      expect((await cliOutput([dir, "--format", "json"])).stdout).not.toContain("badges/");
    } finally {
      if (before === undefined) delete process.env.PUBLIC_URL;
      else process.env.PUBLIC_URL = before;
    }
  });

  it("says nothing of a badge without a public address", async () => {
    const before = process.env.PUBLIC_URL;
    delete process.env.PUBLIC_URL;
    try {
      expect((await cliOutput([dir])).stdout).not.toContain("badge");
    } finally {
      if (before !== undefined) process.env.PUBLIC_URL = before;
    }
  });
});
