import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { audit, DEFAULT_SETTINGS, judgeFiles, MAX_FILE_BYTES, readSnapshot } from "../src/engine/audit.js";
import { MemorySnapshot, type Snapshot } from "../src/engine/snapshot.js";
import { textReachOf } from "../src/engine/text-reach.js";
import { loadCatalogue } from "../src/rules/load.js";
import { LocalSource } from "../src/sources/local.js";

const catalogue = loadCatalogue();
const input = { catalogue, tool: { name: "mlops-audit", version: "test" }, target: { name: "t" } };
const reach = textReachOf(catalogue);
const KEY = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";

/** The scorecard with plain text let go as it is read, and the one with every text kept. */
async function bothWays(snapshot: Snapshot) {
  const released = await audit(snapshot, input);
  const kept = judgeFiles(await readSnapshot(snapshot, DEFAULT_SETTINGS, MAX_FILE_BYTES, 4), input);
  return { released, kept };
}

const tree = {
  "README.md": "# Model\n\nRun `gcloud builds triggers create github --name=train`.\n",
  "web/app.js": `const client = connect({ token: "${KEY}" });\n`,
  "web/notes.md": "Nothing but words.\n",
  "deploy/functions.ps1": "gcloud functions deploy predict_fn --entry-point=predict\n",
  "requirements.txt": "-r deps/base.txt\nfastapi==0.110.0\n",
  "deps/base.txt": "scikit-learn>=1.4\n-c ../pins.cfg\n",
  "pins.cfg": "mlflow==2.12.1\n",
  "dashboards/model.json": '{ "panels": [\n  { "title": "latency" } ] }\n',
  "docker/start.sh": "uvicorn app:app\n",
  Dockerfile: 'FROM python:3.11\nCOPY . .\nCMD ["sh", "docker/start.sh"]\n',
  "train.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
};

describe("plain text that only the secret scan reads", () => {
  it("is scanned as it is read and let go; parsers and rule globs keep theirs", async () => {
    const files = await readSnapshot(
      new MemorySnapshot(tree),
      DEFAULT_SETTINGS,
      MAX_FILE_BYTES,
      4,
      undefined,
      reach,
    );
    expect([...files.released!.paths].sort()).toEqual(["web/app.js", "web/notes.md"]);
    expect(files.released!.findings.map((f) => [f.path, f.kind])).toEqual([["web/app.js", "GitHub token"]]);
    // Read again: a requirements file includes these whatever their names, and gcloud facts read this one.
    for (const path of ["deps/base.txt", "pins.cfg", "deploy/functions.ps1", "dashboards/model.json"])
      expect(files.texts.has(path)).toBe(true);
  });

  it("leaves every verdict and message as it was with every text kept", async () => {
    const { released, kept } = await bothWays(new MemorySnapshot(tree));
    expect(released).toEqual(kept);
    expect(released.rules.find((r) => r.id === "cloud.secrets")!.status).toBe("fail");
  });

  it.each(readdirSync("fixtures/repos"))("leaves the scorecard of fixture %s as it was", async (name) => {
    const { released, kept } = await bothWays(await LocalSource.open(join("fixtures/repos", name)));
    expect(released).toEqual(kept);
  });

  it("reaches what a repository's own rule globs, by its text predicate", () => {
    const custom = {
      ...catalogue.phases[0].rules[0],
      id: "custom.js",
      pass: { text: { glob: ["web/*.js"], pattern: ["x"] } },
    };
    expect(textReachOf(catalogue, [custom])("web/app.js", "")).toBe(true);
    expect(reach("web/app.js", "")).toBe(false);
  });
});
