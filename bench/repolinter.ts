import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { audit } from "../src/engine/audit.js";
import type { Catalogue, Scorecard } from "../src/engine/model.js";
import { loadCatalogue } from "../src/rules/load.js";
import { LocalSource } from "../src/sources/local.js";
import { TOOL } from "../src/version.js";
import { calibrate, MACHINE, noiseLine, median, writeSection } from "./report.js";
import { portfolioTree, syntheticTree, writeTree } from "./trees.js";

/**
 * Side by side with Repolinter on the same trees on disk. Repolinter gets the checks of our catalogue that
 * its file-existence and file-contents rules can express. We run the same checks written in our own rule
 * language, and the whole catalogue (35 rules). Either way our engine reads every file it knows, and parses
 * what the rules ask for. Both tools read the files from disk each run: ours through the CLI's LocalSource,
 * Repolinter through its own file system layer. One process, one run.
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

/**
 * The catalogue's checks Repolinter can express: a file exists, or the files of some globs hold a pattern
 * (Repolinter's `file-existence` and `file-contents` rules). Both tools' rules are made from this one table.
 */
type Check = { exists: string[] } | { globs: string[]; content: string };
const COMPARABLE: Record<string, Check> = {
  "readme exists": { exists: ["README*", "readme*"] },
  "readme has a heading": { globs: ["README.md"], content: "^#+ " },
  "dependencies declared": {
    exists: ["**/requirements*.txt", "**/pyproject.toml", "**/Pipfile", "**/setup.py"],
  },
  "lock file": { exists: ["**/poetry.lock", "**/uv.lock", "**/Pipfile.lock", "**/pdm.lock"] },
  "linter configured": {
    exists: [".flake8", ".pylintrc", "mypy.ini", ".isort.cfg", "ruff.toml", ".ruff.toml"],
  },
  "tests exist": { exists: ["**/test_*.py", "**/*_test.py", "**/tests/**/*.py"] },
  "dvc pipeline": { exists: ["**/dvc.yaml", ".dvc/config"] },
  "mlflow tracking": { globs: ["**/*.py"], content: "mlflow\\.(log_\\w+|autolog)\\(" },
  "workflow exists": { exists: [".github/workflows/*.yml", ".github/workflows/*.yaml"] },
  "workflow runs tests": { globs: [".github/workflows/*.y*ml"], content: "pytest" },
  dockerfile: { exists: ["**/Dockerfile*"] },
  "kubernetes deployment": { globs: ["**/*.y*ml"], content: "^kind:\\s*Deployment" },
  "helm chart": { exists: ["**/Chart.yaml"] },
  terraform: { exists: ["**/*.tf"] },
  "serving api": { globs: ["**/*.py"], content: "(FastAPI|Flask)\\(" },
  "prometheus metrics": { globs: ["**/*.py"], content: "prometheus_client" },
  "alerting rules": { exists: ["**/alerting/**", "**/alert*.y*ml", "**/*alert_rules*"] },
  "data validation": { globs: ["**/*.py"], content: "great_expectations|pandera|evidently" },
};

const ruleset = {
  version: 2,
  axioms: {},
  rules: Object.fromEntries(
    Object.entries(COMPARABLE).map(([name, check]) => [
      name,
      {
        level: "error",
        rule:
          "exists" in check
            ? { type: "file-existence", options: { globsAny: check.exists } }
            : {
                type: "file-contents",
                options: {
                  globsAll: check.globs,
                  content: check.content,
                  flags: "m",
                  "fail-on-non-existent": true,
                },
              },
      },
    ]),
  ),
};

/** The same checks as rules of our own language, judged by our engine alone. */
const comparableCatalogue: Catalogue = {
  version: "comparable",
  definitions: {},
  checklist: [],
  phases: [
    {
      id: "comparable",
      name: "Checks both tools can express",
      rules: Object.entries(COMPARABLE).map(([name, check], i) => ({
        id: `comparable.check-${i}`,
        phase: "comparable",
        title: name,
        weight: 1,
        why: name,
        remediation: name,
        docs: "https://github.com/todogroup/repolinter",
        pass:
          "exists" in check
            ? { files: { glob: check.exists } }
            : { text: { glob: check.globs, pattern: [check.content] } },
        examples: [],
      })),
    },
  ],
};

const catalogue = loadCatalogue();

/** Garbage collected before each timed run, so neither tool pays for the other's garbage. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function ours(dir: string, rules: Catalogue): Promise<{ ms: number; card: Scorecard }> {
  collect();
  const t0 = performance.now();
  const card = await audit(await LocalSource.open(dir), {
    catalogue: rules,
    tool: TOOL,
    target: { name: "bench" },
  });
  const ms = performance.now() - t0;
  if (card.rules.length !== rules.phases.reduce((n, p) => n + p.rules.length, 0))
    throw new Error("our engine skipped rules");
  return { ms, card };
}

async function theirs(dir: string): Promise<{ ms: number; result: RepolinterResult }> {
  collect();
  const t0 = performance.now();
  const result = await repolinter.lint(dir, [], ruleset, true);
  const ms = performance.now() - t0;
  if (result.errored) throw new Error(`Repolinter failed: ${result.errMsg}`);
  if (result.results.length !== Object.keys(COMPARABLE).length) throw new Error("Repolinter skipped rules");
  return { ms, result };
}

/** How many of the comparable checks the two tools answer alike (pass or not) on one tree. */
function agreement(card: Scorecard, result: RepolinterResult): number {
  const names = Object.keys(COMPARABLE);
  return names.filter((name, i) => {
    const mine = card.rules.find((r) => r.id === `comparable.check-${i}`)?.status === "pass";
    const theirsPassed = result.results.find((r) => r.ruleInfo.name === name)?.status === "PASSED";
    return mine === theirsPassed;
  }).length;
}

/** `slowRuns` bounds Repolinter's runs on large trees, where one run takes minutes; its warm-up is skipped there. */
async function compare(name: string, files: Record<string, string>, runs: number, slowRuns = runs) {
  const dir = writeTree(files);
  try {
    const whole: number[] = [];
    const same: number[] = [];
    const b: number[] = [];
    // Warm-up: the tree is read once before timing, so every run finds the files in the page cache.
    await ours(dir, catalogue);
    const { card } = await ours(dir, comparableCatalogue);
    let last = slowRuns > 1 ? (await theirs(dir)).result : undefined;
    for (let i = 0; i < Math.max(runs, slowRuns); i++) {
      if (i < runs) whole.push((await ours(dir, catalogue)).ms);
      if (i < runs) same.push((await ours(dir, comparableCatalogue)).ms);
      if (i < slowRuns) {
        const run = await theirs(dir);
        b.push(run.ms);
        last = run.result;
      }
    }
    return {
      name,
      paths: Object.keys(files).length,
      runs: `${runs} / ${slowRuns}`,
      whole: median(whole),
      same: median(same),
      theirs: median(b),
      wholeFastest: Math.min(...whole),
      sameFastest: Math.min(...same),
      theirsFastest: Math.min(...b),
      agree: last ? agreement(card, last) : 0,
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

const checks = Object.keys(COMPARABLE).length;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
writeSection("repolinter", [
  "## Side by side with Repolinter",
  "",
  `Measured by \`npm run bench:repolinter\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}, Repolinter ` +
    `${require("repolinter/package.json").version}. Each tree is written to a temporary folder; each run reads it from disk.`,
  `Repolinter runs the ${checks} checks of our catalogue that its \`file-existence\` and \`file-contents\` rules can`,
  "express (listed in `bench/repolinter.ts`). We run them twice: as the same checks written in our rule language",
  "(`files` and `text` predicates), and as the whole catalogue, 35 rules. Both of our runs go through the CLI's",
  "directory reader and read every file our engine knows; facts are built as rules ask for them. Medians after",
  "a warm-up, alternating, with garbage collected before each run; runs are ours / Repolinter's",
  "(one Repolinter run on the largest tree, where a run takes minutes). Agree: the checks both tools answer alike.",
  "",
  "| tree | paths | runs | mlops-audit ms, the same checks | mlops-audit ms, whole catalogue | Repolinter ms | ratio, same checks (medians / fastest) | ratio, whole catalogue (medians / fastest) | agree |",
  "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.paths.toLocaleString("en")} | ${r.runs} | ${r.same.toFixed(0)} | ${r.whole.toFixed(0)} | ${r.theirs.toFixed(0)} | ` +
      `${ratio(r.theirs, r.same)} / ${ratio(r.theirsFastest, r.sameFastest)} | ${ratio(r.theirs, r.whole)} / ${ratio(r.theirsFastest, r.wholeFastest)} | ` +
      `${r.agree ? `${r.agree} of ${checks}` : "–"} |`,
  ),
  "",
  noiseLine(before, after, "the trees"),
]);
