import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXERS, planFixes } from "../src/fix/index.js";
import { auditFiles, catalogue, problemsOf, withPlan, worse } from "./fix-helpers.js";
import { filesOf } from "./github/fake-github.js";

const ROOT = join(import.meta.dirname, "..");
const REPOS = [
  "fixtures/repos/middling",
  "fixtures/repos/hollow",
  "fixtures/repos/notebook-only",
  "fixtures/repos/monorepo",
  "fixtures/repos/empty",
  "fixtures/fix/fastapi-uv",
  "fixtures/fix/flask-requirements",
  "fixtures/fix/poetry-black",
];

/**
 * A rule a fix touched must pass after it, except `data.pipeline`, whose pass needs the `dvc.lock` of a real
 * run: the fix leaves it partial, and it passes once that run's lock is committed.
 */
const PASS_NEEDS_A_RUN: Record<string, string> = { "data.pipeline": "dvc.lock" };

describe.each(REPOS)("fixes applied to %s, then audited again", (repo) => {
  const files = filesOf(join(ROOT, repo));

  it.each([...FIXERS.map((f) => f.id), "every fixer"])("%s", async (fixerId) => {
    const before = await auditFiles(files);
    const only = FIXERS.find((f) => f.id === fixerId)?.rules;
    const plan = planFixes(before.facts, before.card, catalogue, only);
    const applied = withPlan(files, plan);
    const after = await auditFiles(applied);
    for (const f of plan.fixes.flatMap((x) => x.files)) expect(problemsOf(f.path, f.content)).toEqual([]);
    expect(worse(before.card, after.card)).toEqual([]);
    const touched = [...new Set(plan.fixes.filter((f) => f.files.length).flatMap((f) => f.rules))];
    for (const rule of touched) {
      const status = after.card.rules.find((r) => r.id === rule)!.status;
      if (PASS_NEEDS_A_RUN[rule]) {
        expect(status, rule).toBe("partial");
        const ran = await auditFiles({ ...applied, [PASS_NEEDS_A_RUN[rule]]: "schema: '2.0'\nstages: {}\n" });
        expect(ran.card.rules.find((r) => r.id === rule)!.status, `${rule} after the run`).toBe("pass");
      } else expect(status, rule).toBe("pass");
    }
    if (touched.length) expect(after.card.score).toBeGreaterThan(before.card.score);
  });
});

describe("fixes are tailored to each repository", () => {
  const plan = async (repo: string, rules?: string[]) => {
    const { facts, card } = await auditFiles(filesOf(join(ROOT, repo)));
    const p = planFixes(facts, card, catalogue, rules);
    return {
      plan: p,
      file: (path: string) => p.fixes.flatMap((f) => f.files).find((f) => f.path === path)?.content,
    };
  };

  it("uv: setup-uv with .python-version's 3.11, uv run for ruff and the tests folder, uvicorn on the app package", async () => {
    const { file } = await plan("fixtures/fix/fastapi-uv");
    expect(file(".github/workflows/ci.yml")).toMatch(/astral-sh\/setup-uv@v6[\s\S]*python-version: "3.11"/);
    expect(file(".github/workflows/ci.yml")).toContain("run: uv run ruff check .");
    expect(file(".github/workflows/ci.yml")).toContain("run: uv run pytest tests");
    expect(file("ruff.toml")).toContain('target-version = "py311"');
    expect(file("Dockerfile")).toContain('CMD ["uvicorn", "app.main_metrics:app"');
    expect(file("app/main_metrics.py")).toContain("from app.main import app\n");
    expect(file("dvc.yaml")).toMatch(/prepare:[\s\S]*train:[\s\S]*evaluate:/);
    expect(file("dvc.yaml")).toContain("- data/processed/train.csv");
  });

  it("pip: both requirements files, runtime.txt's 3.10, its own flake8, unittest, and Compose's api as the scrape target", async () => {
    const { file, plan: p } = await plan("fixtures/fix/flask-requirements");
    const ci = file(".github/workflows/ci.yml")!;
    expect(ci).toContain("python -m pip install -r requirements.txt -r requirements-dev.txt");
    expect(ci).toContain('python-version: "3.10"');
    expect(ci).toContain("run: flake8 .");
    expect(ci).toContain("run: python -m unittest discover -s tests");
    expect(file("ruff.toml")).toBeUndefined();
    expect(file(".pre-commit-config.yaml")).toContain("id: flake8");
    expect(file("monitoring/prometheus.yml")).toContain('targets: ["api:8000"]');
    expect(file("Dockerfile")).toContain('"gunicorn", "--bind", "0.0.0.0:8000", "service.app_metrics:api"');
    expect(p.fixes.flatMap((f) => f.todo).join("\n")).toContain("The service loads model.pkl");
  });

  it("Poetry: poetry run black, Python 3.12 from the caret, the api variable the app is bound to", async () => {
    const { file, plan: p } = await plan("fixtures/fix/poetry-black");
    expect(file(".github/workflows/ci.yml")).toContain("run: poetry run black --check .");
    expect(file(".github/workflows/ci.yml")).toContain('python-version: "3.12"');
    expect(file("Dockerfile")).toContain("poetry install --only main --no-root");
    expect(file("Dockerfile")).toContain('"api_metrics:api"');
    expect(p.skipped).toContainEqual({
      rule: "data.pipeline",
      reason: expect.stringMatching(/no preparation, training/),
    });
  });

  it("middling: a new workflow beside its masked one, Pipenv and the Dockerfile's 3.11, and the line to change in its Dockerfile", async () => {
    const { file, plan: p } = await plan("fixtures/repos/middling");
    expect(file(".github/workflows/ci.yml")).toContain("run: pipenv run pytest tests");
    expect(file(".github/workflows/ci.yml")).toContain('python-version: "3.11"');
    expect(file(".github/workflows/publish-image.yml")).toContain("file: Dockerfile");
    expect(p.fixes.flatMap((f) => f.todo)).toContainEqual(
      expect.stringContaining("`gunicorn --bind=0.0.0.0:9696 predict_metrics:app`"),
    );
  });

  it("a taken path gets the file beside it, named so, and the existing file is left alone", async () => {
    const files = {
      ...filesOf(join(ROOT, "fixtures/repos/middling")),
      ".github/workflows/ci.yml": "on: workflow_dispatch\n",
    };
    const { facts, card } = await auditFiles(files);
    const p = planFixes(facts, card, catalogue, ["cicd.tests"]);
    expect(p.fixes[0].files[0]).toMatchObject({
      path: ".github/workflows/ci-mlops-audit.yml",
      beside: ".github/workflows/ci.yml",
    });
  });

  it("suggests nothing for an audit limited to a folder, and says why", async () => {
    const { facts, card } = await auditFiles(filesOf(join(ROOT, "fixtures/repos/middling")));
    const plan = planFixes(facts, { ...card, target: { ...card.target, root: "services/api" } }, catalogue);
    expect(plan.fixes).toEqual([]);
    expect(plan.skipped).toContainEqual({
      rule: "cicd.tests",
      reason: "the audit is limited to services/api (paths.root), which fixes do not support yet",
    });
  });

  it("names what it cannot fix: rules without a fixer, rules already passing, and a dvc.yaml that only lacks its run", async () => {
    const { plan: p } = await plan("fixtures/repos/middling", ["cloud.iac", "cicd.pipeline"]);
    expect(p.skipped).toEqual([
      { rule: "cloud.iac", reason: "no fixer for this rule yet" },
      { rule: "cicd.pipeline", reason: "already pass" },
    ]);
    const files = {
      ...filesOf(join(ROOT, "fixtures/repos/middling")),
      "dvc.yaml": "stages:\n  t:\n    cmd: python train.py\n    deps: [train.py]\n",
    };
    const { facts, card } = await auditFiles(files);
    const dvc = planFixes(facts, card, catalogue, ["data.pipeline"]);
    expect(dvc.fixes).toEqual([
      {
        fixer: "dvc-pipeline",
        rules: ["data.pipeline"],
        files: [],
        todo: [expect.stringContaining("dvc repro")],
      },
    ]);
  });
});
