import { describe, expect, it } from "vitest";
import { audit } from "../src/engine/audit.js";
import type { Scorecard } from "../src/engine/model.js";
import { weightedScore } from "../src/engine/score.js";
import { LocalSource } from "../src/sources/local.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { loadCatalogue } from "../src/rules/load.js";

const catalogue = loadCatalogue();
const tool = { name: "mlops-audit", version: "test" };

async function fixture(name: string): Promise<Scorecard> {
  return audit(await LocalSource.open(`fixtures/repos/${name}`), { catalogue, tool, target: { name } });
}

function rule(card: Scorecard, id: string) {
  return card.rules.find((r) => r.id === id)!;
}

describe("next steps: the changes worth the most points, computed once from the scorecard", () => {
  it("leads middling with the masked test step, naming its line and the checklist item it completes", async () => {
    const card = await fixture("middling");
    expect(card.nextSteps.length).toBeGreaterThanOrEqual(3);
    expect(card.nextSteps.length).toBeLessThanOrEqual(5);
    const tests = card.nextSteps.find((s) => s.rule === "cicd.tests")!;
    expect(tests).toMatchObject({
      path: ".github/workflows/tests.yml",
      line: 12,
      completes: "CI/CD pipeline configuration",
    });
    expect(tests.action).toContain("`pytest tests/ || true`");
  });

  it("gives each step the score it would really add, and orders completions first, then points", async () => {
    const card = await fixture("middling");
    for (const step of card.nextSteps) {
      const raised = card.rules.map((r) => (r.id === step.rule ? { ...r, credit: 1 } : r));
      expect(step.points).toBe(Math.round(weightedScore(raised)!) - card.score);
      expect(step.points).toBeGreaterThan(0);
    }
    const completing = card.nextSteps.filter((s) => s.completes);
    expect(card.nextSteps.slice(0, completing.length)).toEqual(completing);
    const rest = card.nextSteps.slice(completing.length).map((s) => s.points);
    expect(rest).toEqual([...rest].sort((a, b) => b - a));
  });

  it("never offers a rule that already passes", async () => {
    const card = await fixture("complete");
    expect(card.nextSteps.every((s) => rule(card, s.rule).status !== "pass")).toBe(true);
  });
});

describe("messages say what was found, not 'A or B'", () => {
  it("names the half of the orchestration that is missing", async () => {
    const card = await fixture("middling");
    expect(rule(card, "orchestration.resilience").message).toMatch(/Not found: a schedule\.$/);
    expect(rule(card, "orchestration.resilience").missing).toEqual(["a schedule"]);
  });

  it("names the missing stages of the end-to-end project", async () => {
    const card = await fixture("middling");
    expect(rule(card, "capstone.end-to-end").missing).toEqual(["data (versioned, piped or validated)"]);
  });

  it("shows the masking text and the pinned share in the message itself", async () => {
    const card = await fixture("middling");
    expect(rule(card, "cicd.tests").message).toContain("pytest tests/ || true");
    expect(rule(card, "cicd.tests").evidence[0].snippet).toBe("pytest tests/ || true");
    expect(rule(card, "foundations.dependencies").message).toContain("1 of 7 requirements pinned");
  });

  it("shows a continue-on-error mask as the setting that masks the step", async () => {
    const card = await audit(
      new MemorySnapshot({
        ".github/workflows/ci.yml":
          "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n        continue-on-error: true\n",
      }),
      { catalogue, tool, target: { name: "x" } },
    );
    expect(rule(card, "cicd.tests").evidence[0].snippet).toBe("pytest (masked: continue-on-error: true)");
  });

  it("words a pass on absence so that it does not read as an achievement on an empty repository", async () => {
    const card = await fixture("empty");
    expect(rule(card, "cloud.secrets").status).toBe("pass");
    expect(rule(card, "cloud.secrets").message).toMatch(/passes on absence/);
  });

  it("says which rules decide each checklist item, and carries each rule's why", async () => {
    const card = await fixture("middling");
    const byId = Object.fromEntries(card.checklist.map((c) => [c.id, c]));
    expect(byId["portfolio.ci-cd"]).toMatchObject({
      rules: ["cicd.pipeline", "cicd.tests"],
      combine: "lowest",
    });
    expect(byId["portfolio.mlflow-or-dvc"]).toMatchObject({
      rules: ["tracking.experiments", "data.versioning"],
      combine: "best",
    });
    for (const r of card.rules) expect(r.why.length).toBeGreaterThan(10);
  });
});
