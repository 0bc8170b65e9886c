import { parse as parseToml } from "smol-toml";
import type { Facts } from "../engine/facts/index.js";
import { isTestFileName, testEvidence } from "../engine/facts/tests.js";
import { baseName, dirName } from "../engine/paths.js";
import { MANAGERS, type Manager } from "./managers.js";

/**
 * What a fixer needs to know about a repository, read from the facts the audit already built: its manager, its
 * Python version, its linter, its tests and its prediction service. Nothing here reads a file again.
 */
export interface Project {
  paths: Set<string>;
  manager: Manager;
  /** The manifest the manager installs from (`requirements.txt`, `Pipfile`, `pyproject.toml`, …), if any. */
  manifest?: string;
  /** A separate development requirements file that CI installs too. */
  devManifest?: string;
  hasLock: boolean;
  python: { version: string; from?: string };
  declared: Set<string>;
  linter: { tool: Linter; configured: boolean };
  tests?: { runner: "pytest" | "unittest"; folder?: string };
  service?: Service;
}

export type Linter = "ruff" | "flake8" | "black" | "pylint" | "mypy" | "isort";

export interface Service {
  /** The serving module's path and its dotted module name. */
  path: string;
  module: string;
  framework: "fastapi" | "flask";
  /** The variable that holds the application object. */
  app: string;
}

export const DEFAULT_PYTHON = "3.12";

function tomlOf(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function dig(value: unknown, ...keys: string[]): unknown {
  let v = value;
  for (const k of keys) v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** The first `3.N` in a version specifier: `>=3.10,<4` → 3.10, `^3.11` → 3.11, `python-3.11.4` → 3.11. */
function minorOf(spec: unknown): string | undefined {
  return typeof spec === "string" ? spec.match(/\b3\.(\d+)/)?.[0] : undefined;
}

function pythonVersion(facts: Facts, pyproject: Record<string, unknown>): Project["python"] {
  const t = facts.texts;
  const candidates: [string, string | undefined][] = [
    [".python-version", minorOf(t.get(".python-version"))],
    ["pyproject.toml", minorOf(dig(pyproject, "project", "requires-python"))],
    ["pyproject.toml", minorOf(dig(pyproject, "tool", "poetry", "dependencies", "python"))],
    ["Pipfile", minorOf(dig(tomlOf(t.get("Pipfile")), "requires", "python_version"))],
    ["runtime.txt", minorOf(t.get("runtime.txt"))],
    [
      "environment.yml",
      minorOf(t.get("environment.yml")?.match(/^\s*-\s*python\s*[=<>~]+\s*(3\.\d+)/m)?.[1]),
    ],
    ...facts.dockerfiles.map(
      (d) => [d.path, minorOf(d.from?.args.match(/^python:(3\.\d+)/)?.[1])] as [string, string | undefined],
    ),
  ];
  const found = candidates.find(([, v]) => v);
  return found ? { version: found[1]!, from: found[0] } : { version: DEFAULT_PYTHON };
}

function managerOf(facts: Facts, pyproject: Record<string, unknown>) {
  const has = (p: string) => facts.texts.has(p) || facts.paths.includes(p);
  const lock = (p: string) => facts.paths.includes(p);
  if (lock("uv.lock") || dig(pyproject, "tool", "uv"))
    return { manager: MANAGERS.uv, manifest: "pyproject.toml", hasLock: lock("uv.lock") };
  if (lock("poetry.lock") || dig(pyproject, "tool", "poetry"))
    return { manager: MANAGERS.poetry, manifest: "pyproject.toml", hasLock: lock("poetry.lock") };
  if (has("Pipfile")) return { manager: MANAGERS.pipenv, manifest: "Pipfile", hasLock: lock("Pipfile.lock") };
  const conda = ["environment.yml", "environment.yaml"].find(has);
  if (conda) return { manager: MANAGERS.conda, manifest: conda, hasLock: false };
  const requirements = ["requirements.txt", "requirements/base.txt", "requirements/main.txt"].find(has);
  if (requirements) {
    const dev = ["requirements-dev.txt", "requirements_dev.txt", "requirements/dev.txt"].find(has);
    return { manager: MANAGERS.pip, manifest: requirements, devManifest: dev, hasLock: false };
  }
  if (dig(pyproject, "project")) return { manager: MANAGERS.pip, manifest: "pyproject.toml", hasLock: false };
  return { manager: MANAGERS.pip, manifest: undefined, hasLock: false };
}

/** Config files and `[tool.X]` tables, in the order a learner would most likely want them run. */
const LINTER_CONFIGS: [Linter, RegExp][] = [
  ["ruff", /^(\.?ruff\.toml)$/],
  ["flake8", /^\.flake8$/],
  ["pylint", /^\.?pylintrc$/],
  ["mypy", /^\.?mypy\.ini$/],
  ["isort", /^\.isort\.cfg$/],
];

function linterOf(facts: Facts, pyproject: Record<string, unknown>): Project["linter"] {
  for (const [tool, file] of LINTER_CONFIGS)
    if (facts.paths.some((p) => !p.includes("/") && file.test(p))) return { tool, configured: true };
  for (const tool of ["ruff", "black", "flake8", "pylint", "mypy", "isort"] as Linter[])
    if (dig(pyproject, "tool", tool)) return { tool, configured: true };
  for (const cfg of ["setup.cfg", "tox.ini"]) {
    const m = facts.texts.get(cfg)?.match(/^\[(flake8|mypy|isort|pylint)/m);
    if (m) return { tool: m[1] as Linter, configured: true };
  }
  return { tool: "ruff", configured: false };
}

function testsOf(facts: Facts): Project["tests"] {
  const modules = facts.python.filter((m) => !m.notebook && isTestFileName(m.path) && testEvidence(m));
  if (!modules.length) return undefined;
  const usesPytest =
    facts.dependencies.declared.has("pytest") ||
    modules.some((m) => m.imports.some((i) => i.module === "pytest" || i.module.startsWith("pytest.")));
  const onlyTestCases = modules.every((m) => m.classes.some((c) => /TestCase$/.test(c.bases.join(" "))));
  const folders = new Set(modules.map((m) => dirName(m.path).split("/")[0]));
  const folder = folders.size === 1 ? [...folders][0] || undefined : undefined;
  return { runner: usesPytest || !onlyTestCases ? "pytest" : "unittest", folder };
}

function serviceOf(facts: Facts): Service | undefined {
  for (const s of facts.serving) {
    if (!s.predicts || !s.endpoints.some((e) => e.kind === "post")) continue;
    const module = facts.python.find((m) => m.path === s.path);
    if (!module) continue;
    const m = module.code.match(/^(\w+)\s*=\s*(?:[\w.]+\.)?(FastAPI|Flask)\(/m);
    if (!m) continue;
    return {
      path: s.path,
      module: s.path.replace(/\.py$/, "").replaceAll("/", "."),
      framework: m[2] === "FastAPI" ? "fastapi" : "flask",
      app: m[1],
    };
  }
  return undefined;
}

export function projectOf(facts: Facts): Project {
  const pyproject = tomlOf(facts.texts.get("pyproject.toml"));
  return {
    paths: new Set(facts.paths),
    ...managerOf(facts, pyproject),
    python: pythonVersion(facts, pyproject),
    declared: facts.dependencies.declared,
    linter: linterOf(facts, pyproject),
    tests: testsOf(facts),
    service: serviceOf(facts),
  };
}

/** A path no file holds yet: the wanted one, or the wanted one with a suffix before its extension. */
export function freePath(paths: Set<string>, wanted: string, suffix = "mlops-audit"): ProposedPath {
  if (!paths.has(wanted)) return { path: wanted };
  const base = baseName(wanted);
  const dot = base.lastIndexOf(".");
  const dir = dirName(wanted);
  const name = dot > 0 ? `${base.slice(0, dot)}-${suffix}${base.slice(dot)}` : `${suffix}.${base}`;
  return { path: dir ? `${dir}/${name}` : name, beside: wanted };
}

export interface ProposedPath {
  path: string;
  beside?: string;
}
