import { dirName, joinPath } from "../paths.js";
import type { CiCommand, CiPipeline, CiStep } from "./ci/index.js";
import { workflowOf } from "./ci/model.js";
import type { WorkflowRef } from "../model.js";
import type { Dockerfile } from "./docker.js";
import type { ModuleTexts } from "./module-texts.js";
import type { PyModule } from "./python.js";
import { asMap, lineOf, type YamlFile } from "./yaml.js";

/**
 * Which Python modules run without a person: started by CI, a Dockerfile RUN/CMD, a DVC stage,
 * run as an orchestrator task or on a prediction service's request path, and every local module those import.
 */

const ORCHESTRATOR_MARKERS = [
  /^airflow(\.models)?\.DAG$/,
  /^airflow\.decorators\.(dag|task)$/,
  /^airflow\.operators\./,
  /^prefect\.(flow|task)$/,
  /^dagster\.(asset|job|op|Definitions|multi_asset)$/,
  /^kfp(\.v2)?\.dsl\.(pipeline|component)$/,
  /^zenml\.(pipeline|step)$/,
  /^zenml\.(pipelines|steps)\.(pipeline|step)$/,
  /^kedro\.pipeline\.(Pipeline|pipeline|node)$/,
  /^tfx\.(v1\.)?(dsl\.Pipeline|orchestration\.pipeline\.Pipeline)$/,
  /^sagemaker\.workflow\.pipeline\.Pipeline$/,
  /^google\.cloud\.aiplatform(_v1\w*)?\.PipelineJob$/,
  /^azure\.ai\.ml\.dsl\.pipeline$/,
  /^azureml\.pipeline\.core(\.pipeline)?\.Pipeline$/,
];

export function isOrchestratorName(name: string): boolean {
  return ORCHESTRATOR_MARKERS.some((re) => re.test(name));
}

/**
 * A resolved name starts with a package the module's own text names, so a module naming none of these is
 * ruled out without being parsed.
 */
const ORCHESTRATOR_WORDS = [
  "airflow",
  "prefect",
  "dagster",
  "kfp",
  "zenml",
  "kedro",
  "metaflow",
  "tfx",
  "sagemaker",
  "aiplatform",
  "azure",
];
export const ORCHESTRATOR_PACKAGES = new RegExp(ORCHESTRATOR_WORDS.join("|"));

export function definesOrchestratedWork(module: PyModule, index?: ModuleIndex): boolean {
  return (
    (index ? index.namesOrchestrator(module) : ORCHESTRATOR_PACKAGES.test(module.source)) &&
    usesOrchestrator(module, index)
  );
}

/**
 * The parsed test behind `definesOrchestratedWork`, without the text gate in front of it. With the index, an
 * orchestrator's class re-exported through a local module (`from orchestration.airflow.common import DAG`)
 * counts as the orchestrator's own.
 */
export function usesOrchestrator(module: PyModule, index?: ModuleIndex): boolean {
  const named = (name: string) =>
    isOrchestratorName(name) || (!!index && isOrchestratorName(index.reexported(name)));
  return (
    module.decorators.some((d) => named(d.name)) ||
    module.calls.some((c) => named(c.name)) ||
    module.classes.some((c) => c.bases.some((b) => /^metaflow\.FlowSpec$/.test(b)))
  );
}

const PY_RUN = /\bpython[0-9.]*\s+(?:-[uBOW]\w*\s+)*(?:-m\s+([\w.]+)|([\w./-]+\.py))/g;
/** The module an app server starts, past its options (`--bind 0.0.0.0:8000`, `--bind=…`, `-w 4`). */
const ASGI_RUN =
  /\b(?:uvicorn|gunicorn|hypercorn|streamlit\s+run|flask\s+--app)\s+(?:(?:-[-\w]*=\S*|[-\w=]+|[\d.:]+)\s+)*([A-Za-z_./][\w./-]*?)(?:\.py)?(?::\w+)?(?:\s|$)/g;

/** Python entry points a command runs: `python x.py`, `python -m a.b`, `uvicorn a.b:app`. */
export function pythonTargets(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(PY_RUN)) out.push(m[2] ?? `${m[1].replace(/\./g, "/")}.py`);
  for (const m of command.matchAll(ASGI_RUN)) out.push(`${m[1].replace(/\./g, "/").replace(/\/py$/, "")}.py`);
  return out;
}

const FLASK_RUN = /\bflask\s+run\b/;
const FLASK_APP_ENV = /\bFLASK_APP[=\s]+["']?([\w./-]+?)(?:\.py)?(?::\w+)?["']?(?:\s|$)/;

/**
 * The module a container's `flask run` (with no `--app`) starts: `FLASK_APP` from the Dockerfile, else Flask's
 * default `app.py` or `wsgi.py`, beside the Dockerfile (its usual build context) or at the root. Nothing
 * further afield: any `app.py` elsewhere in the repository is some other program.
 */
export function flaskRunModule(index: ModuleIndex, d: Dockerfile, command: string): string | undefined {
  if (!FLASK_RUN.test(command)) return undefined;
  const env = d.instructions
    .filter((ins) => ins.keyword === "ENV")
    .map((ins) => ins.args.match(FLASK_APP_ENV))
    .find(Boolean);
  const names = env ? [`${env[1].replace(/\./g, "/")}.py`] : ["app.py", "wsgi.py"];
  for (const name of names)
    for (const path of [joinPath(dirName(d.path), name), joinPath("", name)])
      if (path && index.byPath.has(path)) return path;
  return undefined;
}

export class ModuleIndex {
  private readonly bySuffix = new Map<string, string[]>();
  readonly byPath = new Map<string, PyModule>();
  readonly #reexports = new Map<string, string>();
  #orchestratorWordsSearched = false;

  /** `texts`: the modules' words, so that text gates are lookups rather than a search of every module. */
  constructor(
    modules: PyModule[],
    readonly texts?: ModuleTexts,
  ) {
    for (const m of modules) {
      if (m.notebook) continue;
      this.byPath.set(m.path, m);
      const dotted = m.path
        .replace(/\.py$/, "")
        .replace(/\/__init__$/, "")
        .split("/");
      // Each suffix from the one after it: `c`, then `b.c`, then `a.b.c`.
      for (let i = dotted.length - 1, key = ""; i >= 0; i--) {
        key = i === dotted.length - 1 ? dotted[i] : `${dotted[i]}.${key}`;
        const list = this.bySuffix.get(key);
        if (list) list.push(m.path);
        else this.bySuffix.set(key, [m.path]);
      }
    }
  }

  /** Whether a module's text names an orchestrator's package (`ORCHESTRATOR_PACKAGES`). */
  namesOrchestrator(module: PyModule): boolean {
    const texts = this.texts;
    if (!texts) return ORCHESTRATOR_PACKAGES.test(module.source);
    // Each word searched for in every module once; then each module's answer is a set lookup per word.
    if (!this.#orchestratorWordsSearched) for (const word of ORCHESTRATOR_WORDS) texts.holding(word);
    this.#orchestratorWordsSearched = true;
    return ORCHESTRATOR_WORDS.some((word) => texts.holds(module, word));
  }

  /** Local modules an import names, if any: `src.train` or, for `from src import train`, `src.train`. */
  resolveImport(from: PyModule, name: string): string[] {
    if (name.startsWith(".")) {
      const up = name.match(/^\.+/)![0].length;
      let dir = dirName(from.path);
      for (let i = 1; i < up; i++) dir = dirName(dir);
      const rel = name.slice(up).replace(/\./g, "/");
      const base = joinPath(dir, rel) ?? rel;
      return [`${base}.py`, `${base}/__init__.py`].filter((p) => this.byPath.has(p));
    }
    return this.bySuffix.get(name) ?? [];
  }

  /** The modules whose dotted path ends with `name` (`app.main` holds `services/api/app/main.py`). */
  modulesNamed(name: string): string[] {
    return this.bySuffix.get(name) ?? [];
  }

  /**
   * A name imported through a local module that re-exports it (`from app.core import FastAPI`, where
   * `app/core.py` imports it from `fastapi`), rewritten to the package's own name, one re-export deep.
   */
  reexported(name: string): string {
    let out = this.#reexports.get(name);
    if (out !== undefined) return out;
    out = name;
    const parts = name.split(".");
    for (let i = parts.length - 1; i > 0 && out === name; i--) {
      const local = this.modulesNamed(parts.slice(0, i).join("."));
      if (local.length !== 1) continue;
      const symbol = parts[i].replace(/\(\)$/, "");
      const module = this.byPath.get(local[0]);
      // A module whose text never names the symbol neither defines nor imports it: it is not blanked for this.
      if (!module?.source.includes(symbol)) continue;
      // Read with strings and comments blanked: an import shown in a docstring re-exports nothing, and a module
      // that defines the name itself has its own, whatever it also imports.
      const code = module.code;
      if (new RegExp(`^(class|def)\\s+${symbol}\\b`, "m").test(code)) continue;
      const from = code.match(new RegExp(`^\\s*from\\s+([\\w.]+)\\s+import\\s+[^\\n]*\\b${symbol}\\b`, "m"));
      if (from && !from[1].startsWith(".")) out = [from[1], ...parts.slice(i)].join(".");
    }
    this.#reexports.set(name, out);
    return out;
  }

  /** A file a command names, relative to the repository root or the folder of the file that ran it. */
  resolveFile(target: string, fromDir: string): string | undefined {
    const candidates = [joinPath("", target), joinPath(fromDir, target)].filter((p): p is string => !!p);
    return (
      candidates.find((p) => this.byPath.has(p)) ??
      this.bySuffix.get(target.replace(/\.py$/, "").replace(/\//g, "."))?.[0]
    );
  }
}

/**
 * What runs a module without a person: the CI step, Dockerfile line, DVC stage, orchestrator definition or
 * prediction route at the root, and the local imports from that root to the module. An automation-dependent
 * pass shows it, so a reader can check the claim.
 */
export type RunnerKind = "ci" | "scheduled-ci" | "container" | "dvc" | "orchestrator" | "serving";

export interface Automation {
  /** `workflow`: the GitHub Actions workflow the runner is part of, whose runs can verify it. */
  runner: { path: string; line?: number; snippet: string; workflow?: WorkflowRef };
  /** What kind of runner: a CI step (`scheduled-ci` when a schedule or a data change starts it), … */
  kind: RunnerKind;
  /** Local modules from the root's own module to this one, the root first; empty when the root is a command. */
  chain: string[];
  /**
   * Set when only a prediction service's requests run the module: the serving module, whose predicting routes
   * must reach the code (a report behind a GET endpoint runs when someone asks for it, not on its own).
   */
  servedBy?: string;
}

interface Root {
  path: string;
  automation: Automation;
}

/** A CI step that runs a command, itself or through the hops (make target, script) that lead to it. */
function ciRunner(p: CiPipeline, step: CiStep, c: CiCommand): Automation["runner"] {
  if (!c.via.length) return { path: c.path, line: c.line, snippet: `CI runs ${c.text}`, ...workflowOf(p) };
  return {
    path: step.path,
    line: step.line,
    snippet: `CI step runs ${c.text} (via ${c.via.join(" → ")}, ${c.path}:${c.line})`,
    ...workflowOf(p),
  };
}

export function automatedModules(
  index: ModuleIndex,
  ci: CiPipeline[],
  dockerfiles: Dockerfile[],
  dvc: YamlFile[],
  servingModules: string[],
  inImage: (d: Dockerfile, target: string) => string | undefined,
): Map<string, Automation> {
  // Roots in order of strength: what CI, a container, DVC or an orchestrator runs is automated outright; what
  // only a prediction service's request path runs is judged per route.
  const groups: Root[][] = [[], []];
  const addCommand = (
    text: string,
    fromPath: string,
    runner: Automation["runner"],
    kind: RunnerKind,
    resolve = (target: string) => index.resolveFile(target, dirName(fromPath)),
  ) => {
    for (const target of pythonTargets(text)) {
      const path = resolve(target);
      if (path) groups[0].push({ path, automation: { runner, kind, chain: [] } });
    }
  };
  // Scheduled CI first, so that a module both a schedule and a push run is known to run on the schedule.
  const scheduled = (p: CiPipeline, s: CiStep) =>
    [...(s.triggers ?? p.triggers)].some((t) => t === "schedule" || t === "data");
  for (const first of [true, false])
    for (const p of ci)
      for (const s of p.steps)
        if (scheduled(p, s) === first)
          for (const c of s.commands)
            if (!c.masked)
              addCommand(
                c.text,
                c.dir ?? c.path,
                ciRunner(p, s, c),
                first ? "scheduled-ci" : "ci",
                (target) => index.resolveFile(target, c.dir ?? dirName(c.path)),
              );
  for (const d of dockerfiles)
    for (const ins of d.instructions) {
      if (!["RUN", "CMD", "ENTRYPOINT"].includes(ins.keyword)) continue;
      const runner = {
        path: d.path,
        line: ins.line,
        snippet: `container ${ins.keyword} ${ins.args}`.slice(0, 120),
      };
      addCommand(ins.args, d.path, runner, "container", (target) => inImage(d, target));
      const flaskApp = flaskRunModule(index, d, ins.args);
      if (flaskApp) groups[0].push({ path: flaskApp, automation: { runner, kind: "container", chain: [] } });
    }
  for (const file of dvc) {
    for (const [name, stage] of Object.entries(asMap(asMap(file.docs[0])?.stages) ?? {})) {
      const cmd = asMap(stage)?.cmd;
      const runner = { path: file.path, line: lineOf(asMap(stage)), snippet: `DVC stage ${name}` };
      for (const c of Array.isArray(cmd) ? cmd : [cmd])
        if (typeof c === "string") addCommand(c, file.path, runner, "dvc");
    }
  }
  for (const m of index.byPath.values())
    if (definesOrchestratedWork(m, index)) {
      const line = orchestratorLine(m, index);
      const snippet = `orchestrated: ${m.lines[line - 1]?.trim().slice(0, 100) ?? "pipeline"}`;
      const runner = { path: m.path, line, snippet };
      groups[0].push({ path: m.path, automation: { runner, kind: "orchestrator", chain: [] } });
      // A task that runs a module of the project by command (`BashOperator(bash_command="python -m …")`), by
      // an argument list (`[sys.executable, "-m", "src.retrain"]`) or by a path built into a command.
      for (const s of m.strings) {
        if (s.value.length > 300 || !/\.\w/.test(s.value)) continue;
        if (s.value.includes("python"))
          addCommand(s.value, m.path, { ...runner, line: s.line }, "orchestrator");
        const named = namedModule(index, s.value);
        if (named && named !== m.path)
          groups[0].push({
            path: named,
            automation: { runner: { ...runner, line: s.line }, kind: "orchestrator", chain: [] },
          });
      }
    }
  for (const path of servingModules)
    groups[1].push({
      path,
      automation: {
        runner: { path, snippet: "a prediction service's request path" },
        kind: "serving",
        chain: [],
        servedBy: path,
      },
    });

  const automated = new Map<string, Automation>();
  for (const roots of groups) {
    const queue = roots.map((r) => ({ ...r, automation: { ...r.automation, chain: [r.path] } }));
    for (let head = 0; head < queue.length; head++) {
      const { path, automation } = queue[head];
      if (automated.has(path)) continue;
      automated.set(path, automation);
      const module = index.byPath.get(path);
      if (!module) continue;
      for (const imp of module.imports)
        for (const dep of index.resolveImport(module, imp.module))
          if (!automated.has(dep))
            queue.push({ path: dep, automation: { ...automation, chain: [...automation.chain, dep] } });
    }
  }
  return automated;
}

/** The line that makes a module orchestrated work: its first orchestrator decorator, call or flow class. */
function orchestratorLine(m: PyModule, index: ModuleIndex): number {
  const named = (name: string) => isOrchestratorName(index.reexported(name));
  const lines = [
    ...m.decorators.filter((d) => named(d.name)).map((d) => d.line),
    ...m.calls.filter((c) => named(c.name)).map((c) => c.line),
    ...m.classes.filter((c) => c.bases.some((b) => /^metaflow\.FlowSpec$/.test(b))).map((c) => c.line),
  ];
  return Math.min(...lines);
}

/** A local module a string names: `src.orchestration.retrain`, or a path ending in `train.py`. */
function namedModule(index: ModuleIndex, value: string): string | undefined {
  const dotted = value.match(/^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)$/)?.[1];
  const file = value.match(/([\w.-]+(?:\/[\w.-]+)*)\.py\b/)?.[1];
  const name = dotted ?? file?.replace(/\//g, ".").replace(/^\.+/, "");
  if (!name) return undefined;
  const found = index.modulesNamed(name);
  if (found.length === 1) return found[0];
  // A path built from a variable (`{SCRIPTS_DIR}/run_training.py`): its file name alone, where one module has it.
  const leaf = index.modulesNamed(name.split(".").pop()!);
  return file && leaf.length === 1 ? leaf[0] : undefined;
}
