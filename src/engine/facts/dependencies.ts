import type { PathSearch } from "../path-search.js";
import { parse as parseToml } from "smol-toml";
import { baseName, dirName, joinPath, matchAny } from "../paths.js";
import { stripHashComment } from "../text.js";
import { asList, asMap, lineOf, type YamlFile, type YamlStore } from "./yaml.js";

/** Declared Python dependencies, pooled across every manifest in the repository. */
export interface Requirement {
  /** PEP 503 normalised. */
  name: string;
  pinned: boolean;
  path: string;
  line?: number;
}

export interface DependencyFacts {
  manifests: string[];
  requirements: Requirement[];
  lockfiles: string[];
  /** Normalised names of every declared package. */
  declared: Set<string>;
}

export const REQUIREMENTS_GLOBS = [
  "**/requirements*.txt",
  "**/requirements/*.txt",
  "**/*requirements*.in",
  "**/requirements*.in",
];
export const MANIFEST_NAMES = ["pyproject.toml", "Pipfile", "setup.py", "setup.cfg"];
const LOCKFILE_GLOBS = [
  "**/poetry.lock",
  "**/uv.lock",
  "**/Pipfile.lock",
  "**/pdm.lock",
  "**/conda-lock.yml",
  "**/conda-lock.yaml",
];
export const CONDA_GLOBS = ["**/environment*.y{,a}ml", "**/*conda*.y{,a}ml", "**/env*.y{,a}ml"];

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

const PEP508 = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/;

/** Parses one PEP 508 requirement string, or null when it is not one (an option, a URL, a path). */
export function parsePep508(spec: string): { name: string; pinned: boolean } | null {
  const m = spec.split(";")[0].match(PEP508);
  if (!m) return null;
  const rest = m[3].trim();
  return { name: normalizeName(m[1]), pinned: isExactPin(rest) };
}

/** `==1.2.3` (or `===`), alone, with no wildcard. */
function isExactPin(spec: string): boolean {
  const clauses = spec
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
  return clauses.length === 1 && /^={2,3}\s*[\w.+!-]+$/.test(clauses[0]) && !clauses[0].includes("*");
}

/** Poetry and Pipfile versions: `==1.2`, or Poetry's bare exact `1.2.3`. */
function isExactTableVersion(value: unknown, poetry: boolean): boolean {
  const version = typeof value === "string" ? value : asMap(value)?.version;
  if (typeof version !== "string") return false;
  if (isExactPin(version)) return true;
  return poetry && /^\d[\w.+!-]*$/.test(version.trim()) && !version.includes("*");
}

function lineMentioning(text: string, name: string): number | undefined {
  const lines = text.split("\n");
  const needle = new RegExp(`(^|[\\s"'\\[{,])${name.replace(/[-_.]/g, "[-_.]")}\\b`, "i");
  const i = lines.findIndex((l) => needle.test(l));
  return i === -1 ? undefined : i + 1;
}

const INCLUDE = /^(?:-r|--requirement|-c|--constraint)\s*=?\s*(\S+)/;

/** Whether a path is a requirements file, whose `-r` and `-c` lines include other files. */
export function isRequirementsFile(path: string): boolean {
  return matchAny(path, REQUIREMENTS_GLOBS);
}

/** The files a requirements file includes (`-r base.txt`, `-c constraints.txt`), whatever their names. */
export function requirementIncludes(path: string, text: string): string[] {
  return text.split("\n").flatMap((raw) => {
    const include = stripHashComment(raw).trim().match(INCLUDE);
    const target = include && joinPath(dirName(path), include[1]);
    return target ? [target] : [];
  });
}

function fromRequirementsText(
  path: string,
  files: Map<string, string>,
  seen: Set<string>,
  out: Requirement[],
): void {
  if (seen.has(path)) return;
  seen.add(path);
  const text = files.get(path);
  if (text === undefined) return;
  text.split("\n").forEach((raw, i) => {
    const line = stripHashComment(raw).trim();
    const include = line.match(INCLUDE);
    if (include) {
      const target = joinPath(dirName(path), include[1]);
      if (target) fromRequirementsText(target, files, seen, out);
      return;
    }
    if (
      !line ||
      line.startsWith("-") ||
      /^[a-z+]+:\/\//i.test(line) ||
      line.startsWith(".") ||
      line.startsWith("/")
    )
      return;
    const req = parsePep508(line.replace(/\s@\s.*$/, ""));
    if (req) out.push({ ...req, pinned: req.pinned && !line.includes(" @ "), path, line: i + 1 });
  });
}

function fromPyproject(path: string, text: string, out: Requirement[]): void {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return;
  }
  const addPep508 = (spec: unknown) => {
    if (typeof spec !== "string") return;
    const req = parsePep508(spec);
    if (req) out.push({ ...req, path, line: lineMentioning(text, req.name) });
  };
  const project = asMap(doc.project);
  asList(project?.dependencies).forEach(addPep508);
  for (const group of Object.values(asMap(project?.["optional-dependencies"]) ?? {}))
    asList(group).forEach(addPep508);
  for (const group of Object.values(asMap(doc["dependency-groups"]) ?? {})) asList(group).forEach(addPep508);
  const poetry = asMap(asMap(doc.tool)?.poetry);
  const tables = [poetry?.dependencies, poetry?.["dev-dependencies"]];
  for (const group of Object.values(asMap(poetry?.group) ?? {})) tables.push(asMap(group)?.dependencies);
  for (const table of tables) fromNameTable(path, text, asMap(table), true, out);
}

function fromNameTable(
  path: string,
  text: string,
  table: Record<string, unknown> | undefined,
  poetry: boolean,
  out: Requirement[],
) {
  for (const [name, value] of Object.entries(table ?? {})) {
    if (name.toLowerCase() === "python") continue;
    out.push({
      name: normalizeName(name),
      pinned: isExactTableVersion(value, poetry),
      path,
      line: lineMentioning(text, name),
    });
  }
}

function fromPipfile(path: string, text: string, out: Requirement[]): void {
  try {
    const doc = parseToml(text) as Record<string, unknown>;
    fromNameTable(path, text, asMap(doc.packages), false, out);
    fromNameTable(path, text, asMap(doc["dev-packages"]), false, out);
  } catch {
    /* an unparsable Pipfile declares nothing we can trust */
  }
}

function fromSetupPy(path: string, text: string, out: Requirement[]): void {
  for (const m of text.matchAll(/(?:install_requires|extras_require)\s*=\s*([[{][\s\S]*?[\]}])\s*[,)]/g)) {
    for (const s of m[1].matchAll(/["']([^"']+)["']/g)) {
      const req = parsePep508(s[1]);
      if (req) out.push({ ...req, path, line: lineMentioning(text, req.name) });
    }
  }
}

function fromSetupCfg(path: string, text: string, out: Requirement[]): void {
  const lines = text.split("\n");
  let inList = false;
  lines.forEach((raw, i) => {
    const line = stripHashComment(raw);
    if (/^\s*install_requires\s*=/.test(line)) {
      inList = true;
      const inline = line.split("=").slice(1).join("=").trim();
      if (inline) push(inline, i);
      return;
    }
    if (inList && /^\s+\S/.test(line)) push(line.trim(), i);
    else if (line.trim()) inList = false;
  });
  function push(spec: string, i: number) {
    const req = parsePep508(spec);
    if (req) out.push({ ...req, path, line: i + 1 });
  }
}

function fromConda(file: YamlFile, out: Requirement[]): boolean {
  const doc = asMap(file.docs[0]);
  const deps = doc?.dependencies;
  if (!Array.isArray(deps)) return false;
  deps.forEach((dep, i) => {
    if (typeof dep === "string") {
      const m = dep.trim().match(/^(?:[\w-]+::)?([A-Za-z0-9][\w.-]*)\s*(.*)$/);
      if (!m || m[1] === "pip" || m[1] === "python") return;
      const spec = m[2].trim();
      const pinned = /^={1,2}\s*[\w.+!-]+(=[\w.]+)?$/.test(spec) && !spec.includes("*");
      out.push({ name: normalizeName(m[1]), pinned, path: file.path, line: lineOf(deps, i) });
    } else {
      const pip = asMap(dep)?.pip;
      asList(pip).forEach((spec, j) => {
        if (typeof spec !== "string") return;
        const req = parsePep508(spec);
        if (req) out.push({ ...req, path: file.path, line: lineOf(pip, j) });
      });
    }
  });
  return true;
}

export function isPipCompiled(text: string): boolean {
  return /pip-compile|autogenerated by pip-tools/i.test(text.slice(0, 2000)) || /^\s+# via\b/m.test(text);
}

/**
 * Requirements, manifests and lock files. `candidates` are the read paths whose name makes them a manifest
 * (the "manifest" kind); the others cannot declare anything, and are not tried against every glob here.
 */
export function extractDependencies(
  pathSearch: PathSearch,
  texts: Map<string, string>,
  yaml: YamlStore,
  candidates: string[],
): DependencyFacts {
  const requirements: Requirement[] = [];
  const manifests: string[] = [];
  // Lock files are never read, so they are looked for among all paths; on a large tree most were not read.
  const lockfiles = [...pathSearch.matching(LOCKFILE_GLOBS)];
  const seen = new Set<string>();
  // They are taken in path order, so that every output is stable.
  for (const path of [...candidates].sort()) {
    const text = texts.get(path)!;
    const base = baseName(path);
    if (isRequirementsFile(path)) {
      manifests.push(path);
      if (isPipCompiled(text)) lockfiles.push(path);
      fromRequirementsText(path, texts, seen, requirements);
    } else if (MANIFEST_NAMES.includes(base)) {
      const before = requirements.length;
      if (base === "pyproject.toml") fromPyproject(path, text, requirements);
      else if (base === "Pipfile") fromPipfile(path, text, requirements);
      else if (base === "setup.py") fromSetupPy(path, text, requirements);
      else fromSetupCfg(path, text, requirements);
      if (requirements.length > before || base !== "setup.cfg") manifests.push(path);
    } else if (matchAny(path, CONDA_GLOBS) && yaml.has(path)) {
      if (fromConda(yaml.get(path)!, requirements)) manifests.push(path);
    }
  }
  return { manifests, requirements, lockfiles, declared: new Set(requirements.map((r) => r.name)) };
}
