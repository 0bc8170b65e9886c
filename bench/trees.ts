import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

/** Benchmark trees: a real-sized portfolio built from the fixtures, and synthetic trees with a realistic mix. */

/** A folder on disk as files in memory. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

/** Writes a tree into a new temporary folder and returns the folder. */
export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-audit-"));
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), body);
  }
  return dir;
}

export function completeFixture(): Record<string, string> {
  return readTree("fixtures/repos/complete");
}

/** About 300 files: the complete and middling fixtures repeated as sub-projects, plus data and docs. */
export function portfolioTree(): Record<string, string> {
  const complete = readTree("fixtures/repos/complete");
  const middling = readTree("fixtures/repos/middling");
  const files: Record<string, string> = { ...complete };
  for (let i = 0; i < 6; i++) {
    for (const [path, body] of Object.entries(middling))
      if (!path.startsWith(".github")) files[`services/svc${i}/${path}`] = body;
    for (const [path, body] of Object.entries(complete))
      if (path.startsWith("src/")) files[`packages/pkg${i}/${path}`] = body;
  }
  for (let i = 0; i < 120; i++) files[`data/raw/part-${i}.csv`] = "a,b\n1,2\n";
  for (let i = 0; i < 20; i++) files[`docs/page${i}.md`] = `# Page ${i}\nSome words about the project.\n`;
  return files;
}

const PY = (i: number) =>
  `import pandas as pd\nimport mlflow\nfrom sklearn.linear_model import LogisticRegression\n\n\ndef step_${i}(df):\n    model = LogisticRegression().fit(df[["a"]], df.b)\n    mlflow.log_metric("acc_${i}", model.score(df[["a"]], df.b))\n    return model\n`;
const YML = (i: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-${i}\nspec:\n  replicas: 2\n`;

/**
 * A synthetic tree of `size` paths. Mix per 1,000 paths: 30 Python files, 5 YAML manifests, 5 notebooks'
 * worth of Markdown, 2 Dockerfiles, 1 workflow; the rest are data files the engine lists but never reads.
 */
export function syntheticTree(size: number): Record<string, string> {
  const files: Record<string, string> = {
    "README.md": "# Synthetic\n",
    ".github/workflows/ci.yml":
      "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
  };
  for (let i = 0, count = Object.keys(files).length; count < size; i++, count++) {
    const dir = `part${Math.floor(i / 1000)}/mod${Math.floor(i / 50) % 20}`;
    const r = i % 1000;
    if (r < 30) files[`${dir}/step_${i}.py`] = PY(i);
    else if (r < 35) files[`${dir}/k8s_${i}.yaml`] = YML(i);
    else if (r < 40) files[`${dir}/notes_${i}.md`] = `# Notes ${i}\n`;
    else if (r < 42) files[`${dir}/Dockerfile.${i}`] = "FROM python:3.11\nCMD python app.py\n";
    else files[`${dir}/data_${i}.parquet`] = "";
  }
  return files;
}
