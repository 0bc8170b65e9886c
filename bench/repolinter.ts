import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { audit } from "../src/engine/audit.js";
import { loadCatalogue } from "../src/rules/load.js";
import { LocalSource } from "../src/sources/local.js";
import { TOOL } from "../src/version.js";
import { calibrate, MACHINE, noiseLine, median, writeSection } from "./report.js";
import { portfolioTree, syntheticTree, writeTree } from "./trees.js";

/**
 * Side by side with Repolinter on the same trees on disk. Repolinter gets the checks of our catalogue that
 * its file-existence and file-contents rules can express; we run the whole catalogue (35 rules, with every
 * parser), so the ratio understates the difference. Both read the files from disk each run: ours through
 * the CLI's LocalSource, Repolinter through its own file system layer. One process, one run of this script.
 */

interface RepolinterResult {
  passed: boolean;
  errored: boolean;
  errMsg?: string;
  results: { status: string; ruleInfo: { name: string } }[];
}
const require = createRequire(import.meta.url);
const repolinter = require("repolinter") as {
  lint(dir: string, filterPaths: string[], ruleset: unknown, dryRun: boolean): Promise<RepolinterResult>;
};

const exists = (globsAny: string[]) => ({ type: "file-existence", options: { globsAny } });
const contains = (globsAll: string[], content: string) => ({
  type: "file-contents",
  options: { globsAll, content, flags: "m", "fail-on-non-existent": true },
});

/** The catalogue's checks Repolinter can express, one Repolinter rule each. */
const COMPARABLE: Record<string, ReturnType<typeof exists> | ReturnType<typeof contains>> = {
  "readme exists": exists(["README*", "readme*"]),
  "readme has a heading": contains(["README.md"], "^#+ "),
  "dependencies declared": exists(["**/requirements*.txt", "**/pyproject.toml", "**/Pipfile", "**/setup.py"]),
  "lock file": exists(["**/poetry.lock", "**/uv.lock", "**/Pipfile.lock", "**/pdm.lock"]),
  "linter configured": exists([".flake8", ".pylintrc", "mypy.ini", ".isort.cfg", "ruff.toml", ".ruff.toml"]),
  "tests exist": exists(["**/test_*.py", "**/*_test.py", "**/tests/**/*.py"]),
  "dvc pipeline": exists(["**/dvc.yaml", ".dvc/config"]),
  "mlflow tracking": contains(["**/*.py"], "mlflow\\.(log_\\w+|autolog)\\("),
  "workflow exists": exists([".github/workflows/*.yml", ".github/workflows/*.yaml"]),
  "workflow runs tests": contains([".github/workflows/*.y*ml"], "pytest"),
  dockerfile: exists(["**/Dockerfile*"]),
  "kubernetes deployment": contains(["**/*.y*ml"], "^kind:\\s*Deployment"),
  "helm chart": exists(["**/Chart.yaml"]),
  terraform: exists(["**/*.tf"]),
  "serving api": contains(["**/*.py"], "(FastAPI|Flask)\\("),
  "prometheus metrics": contains(["**/*.py"], "prometheus_client"),
  "alerting rules": exists(["**/alerting/**", "**/alert*.y*ml", "**/*alert_rules*"]),
  "data validation": contains(["**/*.py"], "great_expectations|pandera|evidently"),
};

const ruleset = {
  version: 2,
  axioms: {},
  rules: Object.fromEntries(
    Object.entries(COMPARABLE).map(([name, rule]) => [name, { level: "error", rule }]),
  ),
};

const catalogue = loadCatalogue();

/** Garbage collected before each timed run, so neither tool pays for the other's garbage. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function ours(dir: string): Promise<number> {
  collect();
  const t0 = performance.now();
  const card = await audit(await LocalSource.open(dir), { catalogue, tool: TOOL, target: { name: "bench" } });
  const ms = performance.now() - t0;
  if (card.rules.length !== 35) throw new Error("the catalogue did not run whole");
  return ms;
}

async function theirs(dir: string): Promise<number> {
  collect();
  const t0 = performance.now();
  const result = await repolinter.lint(dir, [], ruleset, true);
  const ms = performance.now() - t0;
  if (result.errored) throw new Error(`Repolinter failed: ${result.errMsg}`);
  if (result.results.length !== Object.keys(COMPARABLE).length) throw new Error("Repolinter skipped rules");
  return ms;
}

/** `slowRuns` bounds Repolinter's runs on large trees, where one run takes minutes; its warm-up is skipped there. */
async function compare(name: string, files: Record<string, string>, runs: number, slowRuns = runs) {
  const dir = writeTree(files);
  try {
    const a: number[] = [];
    const b: number[] = [];
    // Warm-up: the tree is read once before timing, so every run finds the files in the page cache.
    await ours(dir);
    if (slowRuns > 1) await theirs(dir);
    for (let i = 0; i < Math.max(runs, slowRuns); i++) {
      if (i < runs) a.push(await ours(dir));
      if (i < slowRuns) b.push(await theirs(dir));
    }
    return {
      name,
      paths: Object.keys(files).length,
      runs: `${runs} / ${slowRuns}`,
      ours: median(a),
      theirs: median(b),
      oursFastest: Math.min(...a),
      theirsFastest: Math.min(...b),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const before = calibrate(30);
const rows = [
  await compare("portfolio, ~300 files", portfolioTree(), 5),
  await compare("synthetic, 1,000 paths", syntheticTree(1_000), 5),
  await compare("synthetic, 10,000 paths", syntheticTree(10_000), 5, 1),
];
const after = calibrate(30);

writeSection("repolinter", [
  "## Side by side with Repolinter",
  "",
  `Measured by \`npm run bench:repolinter\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}, Repolinter ` +
    `${require("repolinter/package.json").version}. Each tree is written to a temporary folder; each run reads it from disk.`,
  `Repolinter runs the ${Object.keys(COMPARABLE).length} checks of our catalogue that its \`file-existence\` and`,
  "`file-contents` rules can express (listed in `bench/repolinter.ts`); we run the whole catalogue, 35 rules with",
  "every parser, through the CLI's directory reader. Medians after a warm-up, alternating, with garbage collected before each run; runs are ours / Repolinter's",
  "(one Repolinter run on the largest tree, where a run takes minutes).",
  "",
  "| tree | paths | runs | mlops-audit ms, median (35 rules) | Repolinter ms, median (comparable rules) | ratio of medians | ratio of fastest runs |",
  "|---|--:|--:|--:|--:|--:|--:|",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.paths.toLocaleString("en")} | ${r.runs} | ${r.ours.toFixed(0)} | ${r.theirs.toFixed(0)} | ${(r.theirs / r.ours).toFixed(1)}× | ${(r.theirsFastest / r.oursFastest).toFixed(1)}× |`,
  ),
  "",
  noiseLine(before, after, "the trees"),
]);
