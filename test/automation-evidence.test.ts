import { describe, expect, it } from "vitest";
import { audit } from "../src/engine/audit.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { loadCatalogue } from "../src/rules/load.js";
import { renderJson } from "../src/render/json.js";
import { renderMarkdown } from "../src/render/markdown.js";
import { renderCheckRun } from "../src/render/check-run.js";
import { renderHtml } from "../src/render/html.js";
import { renderSarif } from "../src/render/sarif.js";
import { renderText } from "../src/render/text.js";
import { relativeLinks } from "../src/render/status.js";

const catalogue = loadCatalogue();
const tool = { name: "mlops-audit", version: "test" };

/** A repository where every rule the catalogue grants only for automation passes, each by a different runner. */
const files: Record<string, string> = {
  ".github/workflows/ci.yml":
    "on: [push, pull_request]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ruff check .\n      - run: pytest\n      - run: make validate\n      - run: terraform -chdir=infra apply -auto-approve\n      - run: docker push me/api\n",
  ".github/workflows/retrain.yml":
    "on:\n  schedule:\n    - cron: '0 3 * * 1'\njobs:\n  train:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python src/train.py\n",
  Makefile: "validate:\n\tpython -m src.validate\n",
  "src/validate.py": "import pandera as pa\nschema = pa.DataFrameSchema({})\n",
  "src/train.py": "from sklearn.linear_model import LinearRegression\nLinearRegression().fit(X, y)\n",
  "dags/monitor.py":
    "from airflow import DAG\nfrom airflow.operators.python import PythonOperator\nfrom src.drift import run\nwith DAG('monitor', schedule='@daily') as dag:\n    PythonOperator(task_id='drift', python_callable=run)\n",
  "src/drift.py":
    "from evidently.report import Report\nfrom evidently.metric_preset import DataDriftPreset\ndef run():\n    Report(metrics=[DataDriftPreset()]).run(reference_data=a, current_data=b)\n",
  "infra/main.tf": 'provider "aws" {}\nresource "aws_s3_bucket" "b" {}\n',
  "tests/test_a.py": "def test_a():\n    assert True\n",
};

/** What runs each rule's evidence: a CI file, a DAG, a Dockerfile, a DVC stage. */
const RUNNER = /^(\.github\/workflows\/|dags\/|Dockerfile|dvc\.yaml|Makefile)/;
const AUTOMATION_RULES = [
  "data.validation",
  "monitoring.drift",
  "foundations.code-quality",
  "cicd.tests",
  "cicd.ml-automation",
  "cicd.delivery",
  "retraining.automated",
  "cloud.iac",
];

describe("an automation-dependent pass names what runs it", async () => {
  const card = await audit(new MemorySnapshot(files), { catalogue, tool, target: { name: "t" } });
  for (const id of AUTOMATION_RULES) {
    it(id, () => {
      const f = card.rules.find((r) => r.id === id)!;
      expect(f.status).toBe("pass");
      expect(f.evidence.some((e) => RUNNER.test(e.path))).toBe(true);
    });
  }

  it("the code a runner reaches names the runner and the path to it, in every format", () => {
    const drift = card.rules.find((r) => r.id === "monitoring.drift")!;
    expect(drift.evidence[0]).toMatchObject({ path: "src/drift.py", line: 4 });
    expect(drift.evidence[0].snippet).toContain("run by dags/monitor.py:4");
    expect(drift.evidence[1].snippet).toMatch(/orchestrated: .*DAG.* → src\/drift\.py/);
    const validation = card.rules.find((r) => r.id === "data.validation")!;
    expect(validation.evidence[1]).toMatchObject({ path: ".github/workflows/ci.yml", line: 8 });
    expect(validation.evidence[1].snippet).toContain("via Makefile:validate");
    expect(renderJson(card)).toContain("run by dags/monitor.py:4");
    expect(renderMarkdown(card, { links: relativeLinks })).toContain("run by dags/monitor.py:4");
    expect(renderHtml(card, { links: relativeLinks })).toContain("run by dags/monitor.py:4");
    expect(renderCheckRun(card, { links: relativeLinks }).text).toContain("run by dags/monitor.py:4");
    expect(renderText(card, { color: false })).toMatch(
      /monitoring\.drift {2}src\/drift\.py:4 {2}run by dags\/monitor\.py:4/,
    );
  });

  // The sticky comment lists next steps only and links to the check run and page for every rule's evidence.
  it("SARIF lists only what needs work, so a pass (and what runs it) is not a result there", () => {
    const sarif = JSON.parse(renderSarif(card)) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0].results.map((r) => r.ruleId)).not.toContain("monitoring.drift");
  });
});
