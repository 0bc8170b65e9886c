import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { calibrate, MACHINE, noiseLine, median, writeSection } from "./report.js";

/**
 * The CLI on large trees with real contents, on disk, as a user runs it: wall time and peak resident memory
 * of the whole process. Two trees: about 3,000 Python files (the system's Python standard library where
 * there is one, as a learner's venv-heavy checkout looks) and 60,000 files of every kind (this checkout's
 * npm packages, linked several times over: real JavaScript, TypeScript, JSON, Markdown, YAML and binaries).
 */

/** Every file under `dir` that the audit would walk (no nested node_modules, caches or VCS folders). */
function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        if (!["node_modules", ".git", "__pycache__", ".cache"].includes(entry.name)) walk(full);
      } else if (entry.isFile() && keep(full)) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Links (or, across file systems, copies) `sources` into `target` under their paths below `base` until it
 * holds `count` files; only a list shorter than `count` is laid out more than once (`copy1/`, …). The base
 * is cut off so that no laid-out path passes through a folder the audit never walks (`node_modules`).
 */
function layOut(target: string, sources: string[], count: number, base: string): void {
  rmSync(target, { recursive: true, force: true });
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length];
    const path = join(target, `copy${Math.floor(i / sources.length)}`, relative(base, resolve(source)));
    mkdirSync(dirname(path), { recursive: true });
    try {
      linkSync(source, path);
    } catch {
      copyFileSync(source, path);
    }
  }
  writeFileSync(join(target, ".complete"), LAYOUT);
}

/**
 * A tree laid out once per machine and kept in the temporary folder between runs. `.complete` holds the
 * layout's version: a tree laid out by an older version of this script is laid out again.
 */
const LAYOUT = "2";
function tree(name: string, sources: () => string[], count: number, base = "/"): string {
  const target = join(tmpdir(), `mlops-audit-bench-${name}`);
  const complete = join(target, ".complete");
  if (!existsSync(complete) || readFileSync(complete, "utf8") !== LAYOUT)
    layOut(target, sources(), count, base);
  return target;
}

/** Python modules of the system (its standard library first, then whatever else ships Python). */
const systemPython = () => {
  const python = readdirSync("/usr/lib")
    .filter((d) => d.startsWith("python3"))
    .flatMap((d) => filesUnder(join("/usr/lib", d), (p) => p.endsWith(".py")));
  const seen = new Set(python);
  const more = filesUnder("/usr/lib", (p) => p.endsWith(".py") && !seen.has(p));
  return [...python, ...more];
};
const trees = [
  existsSync("/usr/lib")
    ? {
        label: "3,000 Python files (the system's: /usr/lib/python3*, then the rest of /usr/lib)",
        dir: tree("python", systemPython, 3_000),
      }
    : undefined,
  {
    label: "60,000 files of npm packages (this checkout's node_modules, ~4 times over)",
    dir: tree("60k", () => filesUnder("node_modules", () => true), 60_000, resolve("node_modules")),
  },
].filter((t) => t !== undefined);

/** The program `npm pack` ships and `npx mlops-audit` runs: one bundled file, built as packing builds it. */
const CLI = "dist/cli/mlops-audit.mjs";

/** Peak RSS of the child, written by itself as it exits. */
const REPORT_RSS = `data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))`;

function runCli(dir: string): { ms: number; mb: number; score: number } {
  const started = performance.now();
  const run = spawnSync(process.execPath, ["--import", REPORT_RSS, CLI, dir, "--format", "json"], {
    encoding: "utf8",
    maxBuffer: 64 * 1048576,
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  const ms = performance.now() - started;
  const rss = run.stderr.match(/maxrss (\d+)/);
  if (run.status !== 0 || !rss) throw new Error(`the CLI failed on ${dir}: ${run.stderr}`);
  return { ms, mb: Number(rss[1]) / 1024, score: JSON.parse(run.stdout).score };
}

/** Three runs each; BENCH_RUNS=1 for a quick look. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

execFileSync("npx", ["tsx", "scripts/bundle.ts", "--only", "cli"], { stdio: "inherit" });
const before = calibrate(30);
const rows: string[] = [];
for (const t of trees) {
  const files = filesUnder(t.dir, (p) => !p.endsWith("/.complete")).length;
  const runs = Array.from({ length: RUNS }, () => runCli(t.dir));
  const ms = median(runs.map((r) => r.ms));
  const mb = Math.max(...runs.map((r) => r.mb));
  rows.push(`| ${t.label} | ${files.toLocaleString("en")} | ${(ms / 1000).toFixed(2)} | ${mb.toFixed(0)} |`);
}
const after = calibrate(30);
writeSection("large-trees", [
  "## Large trees on disk: the CLI as a user runs it",
  "",
  `Measured by \`npm run bench\` (\`bench/large-trees.ts\`) on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}: \`node ${CLI} DIR --format json\` (the CLI as \`npx mlops-audit\` installs it), ${RUNS} runs each, the median wall time (start-up included) and the largest peak RSS of the process.`,
  "",
  "| tree | files | seconds, median | peak RSS MB |",
  "|---|--:|--:|--:|",
  ...rows,
  "",
  noiseLine(before, after, "the trees"),
]);
