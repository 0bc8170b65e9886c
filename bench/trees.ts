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

/**
 * A repository of `count` services, as portfolios are built now: each under `services/<name>/` with its own
 * Dockerfile (WORKDIR, COPY of a `src/` layout), an app that mounts routers from other modules, a Compose
 * service building it from its own context, and tests; every fourth one a batch scorer writing through a
 * shared storage helper. Every service names its app module `app.main`, so resolving a start command by name
 * alone would find the wrong one.
 */
export function servicesTree(count: number): Record<string, string> {
  const files: Record<string, string> = {
    "README.md":
      "# Platform\n\n## Architecture\n\n![](docs/architecture.png)\n\n```bash\ndocker compose up\n```\n",
    ".github/workflows/ci.yml":
      "on: [push, pull_request]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ruff check .\n      - run: pytest\n      - run: docker compose build\n",
    "common/storage.py":
      "import boto3\n\n\ndef save_frame(frame, key):\n    boto3.client('s3').put_object(Bucket='out', Key=key, Body=frame.to_csv())\n",
  };
  const compose: string[] = ["services:"];
  for (let i = 0; i < count; i++) {
    const name = `svc${String(i).padStart(2, "0")}`;
    const root = `services/${name}`;
    compose.push(
      `  ${name}:`,
      "    build:",
      `      context: ./${root}`,
      "      dockerfile: docker/Dockerfile",
    );
    files[`${root}/docker/Dockerfile`] =
      'FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY src/ ./\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n';
    files[`${root}/requirements.txt`] = "fastapi==0.115.0\nuvicorn==0.30.0\nscikit-learn==1.5.0\n";
    files[`${root}/src/app/__init__.py`] = "";
    files[`${root}/src/app/main.py`] =
      "from fastapi import FastAPI\nfrom app.routers import health, predict\n\napp = FastAPI()\napp.include_router(health.router)\napp.include_router(predict.router, prefix='/v1')\n";
    files[`${root}/src/app/routers/health.py`] =
      "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get('/health')\ndef health():\n    return {'ok': True}\n";
    files[`${root}/src/app/routers/predict.py`] =
      "import logging\n\nimport joblib\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\nlog = logging.getLogger(__name__)\nmodel = joblib.load('model.joblib')\n\n\n@router.post('/predict')\ndef predict(row: dict):\n    label = model.predict([list(row.values())])[0]\n    log.info('predicted %s', label)\n    return {'label': int(label)}\n";
    files[`${root}/tests/test_predict.py`] = "def test_shape():\n    assert True\n";
    if (i % 4 === 0)
      files[`${root}/src/batch/score.py`] =
        "import joblib\nimport pandas as pd\nfrom common.storage import save_frame\n\nmodel = joblib.load('model.joblib')\nrows = pd.read_parquet('in.parquet')\nrows['score'] = model.predict(rows)\nsave_frame(rows, 'scores.csv')\n";
  }
  files["docker-compose.yml"] = `${compose.join("\n")}\n`;
  return files;
}
