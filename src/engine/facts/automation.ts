import { dirName, joinPath } from "../paths.js";
import type { CiPipeline } from "./ci/index.js";
import type { Dockerfile } from "./docker.js";
import type { PyModule } from "./python.js";
import { asMap, type YamlFile } from "./yaml.js";

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
];

export function isOrchestratorName(name: string): boolean {
  return ORCHESTRATOR_MARKERS.some((re) => re.test(name));
}

/**
 * A resolved name starts with a package the module's own text names, so a module naming none of these is
 * ruled out without being parsed.
 */
export const ORCHESTRATOR_PACKAGES = /airflow|prefect|dagster|kfp|zenml|kedro|metaflow/;

export function definesOrchestratedWork(module: PyModule): boolean {
  return ORCHESTRATOR_PACKAGES.test(module.source) && usesOrchestrator(module);
}

/** The parsed test behind `definesOrchestratedWork`, without the text gate in front of it. */
export function usesOrchestrator(module: PyModule): boolean {
  return (
    module.decorators.some((d) => isOrchestratorName(d.name)) ||
    module.calls.some((c) => isOrchestratorName(c.name)) ||
    module.classes.some((c) => c.bases.some((b) => /^metaflow\.FlowSpec$/.test(b)))
  );
}

const PY_RUN = /\bpython[0-9.]*\s+(?:-[uBOW]\w*\s+)*(?:-m\s+([\w.]+)|([\w./-]+\.py))/g;
const ASGI_RUN =
  /\b(?:uvicorn|gunicorn|hypercorn|streamlit\s+run|flask\s+--app)\s+(?:[-\w=]+\s+)*([\w./-]+?)(?:\.py)?(?::\w+)?(?:\s|$)/g;

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

  constructor(modules: PyModule[]) {
    for (const m of modules) {
      if (m.notebook) continue;
      this.byPath.set(m.path, m);
      const dotted = m.path
        .replace(/\.py$/, "")
        .replace(/\/__init__$/, "")
        .split("/");
      for (let i = 0; i < dotted.length; i++) {
        const key = dotted.slice(i).join(".");
        const list = this.bySuffix.get(key);
        if (list) list.push(m.path);
        else this.bySuffix.set(key, [m.path]);
      }
    }
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

  /** A file a command names, relative to the repository root or the folder of the file that ran it. */
  resolveFile(target: string, fromDir: string): string | undefined {
    const candidates = [joinPath("", target), joinPath(fromDir, target)].filter((p): p is string => !!p);
    return (
      candidates.find((p) => this.byPath.has(p)) ??
      this.bySuffix.get(target.replace(/\.py$/, "").replace(/\//g, "."))?.[0]
    );
  }
}

export function automatedModules(
  index: ModuleIndex,
  ci: CiPipeline[],
  dockerfiles: Dockerfile[],
  dvc: YamlFile[],
  servingModules: string[],
): Set<string> {
  const roots: string[] = [];
  const addCommand = (text: string, fromPath: string) => {
    for (const target of pythonTargets(text)) {
      const path = index.resolveFile(target, dirName(fromPath));
      if (path) roots.push(path);
    }
  };
  for (const p of ci) for (const s of p.steps) for (const c of s.commands) addCommand(c.text, c.path);
  for (const d of dockerfiles)
    for (const ins of d.instructions) {
      if (!["RUN", "CMD", "ENTRYPOINT"].includes(ins.keyword)) continue;
      addCommand(ins.args, d.path);
      const flaskApp = flaskRunModule(index, d, ins.args);
      if (flaskApp) roots.push(flaskApp);
    }
  for (const file of dvc) {
    for (const stage of Object.values(asMap(asMap(file.docs[0])?.stages) ?? {})) {
      const cmd = asMap(stage)?.cmd;
      for (const c of Array.isArray(cmd) ? cmd : [cmd]) if (typeof c === "string") addCommand(c, file.path);
    }
  }
  for (const m of index.byPath.values()) if (definesOrchestratedWork(m)) roots.push(m.path);
  roots.push(...servingModules);

  const automated = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const path = queue.pop()!;
    if (automated.has(path)) continue;
    automated.add(path);
    const module = index.byPath.get(path);
    if (!module) continue;
    for (const imp of module.imports)
      for (const dep of index.resolveImport(module, imp.module)) if (!automated.has(dep)) queue.push(dep);
  }
  return automated;
}
