import { stringify } from "yaml";
import type { PyModule } from "../../engine/facts/python.js";
import { isTestFileName } from "../../engine/facts/tests.js";
import { baseName } from "../../engine/paths.js";
import type { Fixer } from "../fixer.js";
import { freePath } from "../project.js";

/** Script names that make a pipeline stage, in the order stages run. */
export const STAGES: { kind: string; name: RegExp }[] = [
  {
    kind: "prepare",
    name: /^(prep|prepare|preprocess\w*|process\w*|clean\w*|ingest\w*|make_dataset|split\w*|featur\w*|build_features|etl|download\w*|load_data)\.py$/,
  },
  { kind: "train", name: /^(train\w*|fit)\.py$/ },
  { kind: "evaluate", name: /^(evaluat\w*|eval)\.py$/ },
];

const READS = /(^|\.)(read_csv|read_parquet|read_json|read_excel|read_feather|load|loadtxt)$/;
const WRITES = /(^|\.)(to_csv|to_parquet|to_json|to_feather|dump|save\w*|savefig|save_model)$/;
/** A literal relative file path with an extension or a folder: no placeholders, no URLs. */
export const LITERAL_PATH = /^(?!\/|\w+:)(?=[^/]*[/.])[\w.-]+(\/[\w.-]+)*$/;

function literalPaths(module: PyModule, calls: RegExp, write: boolean): string[] {
  const out = new Set<string>();
  for (const c of module.calls) {
    if (c.name === "open") {
      if (/^[wax]/.test(c.strings[1] ?? "r") !== write) continue;
    } else if (!calls.test(c.name)) continue;
    const path = c.strings[0];
    if (path && LITERAL_PATH.test(path)) out.add(path.replace(/^\.\//, ""));
  }
  return [...out];
}

/**
 * data.pipeline: `dvc.yaml` stages from the detected preparation, training and evaluation scripts, with the
 * files they read and write as deps and outs. `dvc.lock` is DVC's record of a real run, so it is left to `dvc repro`.
 */
export const dvcPipelineFixer: Fixer = {
  id: "dvc-pipeline",
  rules: ["data.pipeline"],
  propose(ctx) {
    const { facts, project } = ctx;
    const run = [
      "Run the pipeline and commit its record: dvc repro && git add dvc.lock && git commit -m 'Record the pipeline run'",
    ];
    if (facts.paths.some((p) => /(^|\/)dvc\.yaml$/.test(p))) return { files: [], todo: run };
    const scripts = facts.python
      .filter(
        (m) =>
          !m.notebook && !isTestFileName(m.path) && /__name__\s*==\s*["']__main__["']/.test(m.uncommented),
      )
      .map((m) => ({ module: m, order: STAGES.findIndex((s) => s.name.test(baseName(m.path))) }))
      .filter((s) => s.order >= 0)
      .sort((a, b) => a.order - b.order || (a.module.path < b.module.path ? -1 : 1));
    if (!scripts.length)
      return {
        skip: "no preparation, training or evaluation script (prepare.py, train.py, evaluate.py run as __main__)",
      };
    const stages: Record<string, Record<string, unknown>> = {};
    const written = new Set<string>();
    const todo: string[] = [];
    for (const { module } of scripts) {
      const name = baseName(module.path)
        .replace(/\.py$/, "")
        .replace(/[^\w-]/g, "_");
      const reads = literalPaths(module, READS, false).filter((p) => written.has(p) || project.paths.has(p));
      const writes = literalPaths(module, WRITES, true);
      const tracked = writes.filter((p) => project.paths.has(p));
      const outs = writes.filter((p) => !project.paths.has(p));
      for (const p of outs) written.add(p);
      if (tracked.length)
        todo.push(
          `${module.path} writes ${tracked.join(", ")}, which Git tracks: \`git rm --cached\` it and add it to the stage's outs.`,
        );
      // A small JSON an evaluation writes is a metrics file: kept in Git, shown by `dvc metrics show`.
      const metrics = outs.filter((p) => /(^|\/)(metrics|scores?)\w*\.json$/.test(p));
      const data = outs.filter((p) => !metrics.includes(p));
      stages[name] = {
        cmd: `python ${module.path}`,
        deps: [module.path, ...reads],
        ...(data.length ? { outs: data } : {}),
        ...(metrics.length ? { metrics: metrics.map((p) => ({ [p]: { cache: false } })) } : {}),
      };
    }
    const path = freePath(project.paths, "dvc.yaml");
    const content = `# Stages found from the repository's scripts; deps and outs are the file paths they name literally.\n# Add the files they read or write through variables, and params or metrics as you have them.\n${stringify({ stages }, { lineWidth: 0 })}`;
    if (!facts.paths.some((p) => p.startsWith(".dvc/")))
      todo.unshift("Initialise DVC first: pip install dvc && dvc init");
    return { files: [{ ...path, content }], todo: [...todo, ...run] };
  },
};
