import picomatch from "picomatch";

/** Folders no rule ever looks into. */
const EXCLUDED_SEGMENTS = [
  ".git",
  "node_modules",
  ".venv",
  "venv",
  "site-packages",
  ".ipynb_checkpoints",
  "__pycache__",
];
// One regular expression instead of splitting every path: this runs on every path of the tree.
const EXCLUDED = new RegExp(`(^|/)(${EXCLUDED_SEGMENTS.map((s) => s.replace(/\./g, "\\.")).join("|")})(/|$)`);

export function isExcludedPath(path: string): boolean {
  return EXCLUDED.test(path);
}

const compiled = new Map<string, { re: RegExp; base: boolean }>();

/**
 * Glob match with one regular expression per pattern for the whole process (matching through a matcher object that
 * splits the path on every call dominated audits of large trees).
 * A pattern without a slash matches the base name anywhere in the tree ("Dockerfile*").
 */
export function matchGlob(path: string, pattern: string): boolean {
  let glob = compiled.get(pattern);
  if (!glob) {
    glob = { re: picomatch.makeRe(pattern, { dot: true }), base: !pattern.includes("/") };
    compiled.set(pattern, glob);
  }
  return glob.re.test(glob.base ? baseName(path) : path);
}

export function matchAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchGlob(path, p));
}

export function baseName(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? path : path.slice(slash + 1);
}

export function dirName(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

/** Joins a path relative to a folder and normalises `.` and `..`; null when it leaves the repository. */
export function joinPath(dir: string, relative: string): string | null {
  const parts: string[] = [];
  // The folder is normalised too: a CI step's `working-directory: ./` is the root, not a folder named ".".
  const segments = relative.startsWith("/")
    ? relative.split("/")
    : [...dir.split("/"), ...relative.split("/")];
  for (const seg of segments) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join("/");
}

export function extensionOf(path: string): string {
  const base = baseName(path);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

/** The folder an audit is limited to (`paths.root`) as a path prefix: `services/model/`, or "" for the whole repository. */
export function rootPrefix(root: string | undefined): string {
  const trimmed = root?.replace(/^\/+|\/+$/g, "");
  return trimmed ? `${trimmed}/` : "";
}

/** Documentation only tells a reader what to run; it defines nothing (README claims are not evidence). */
const DOCUMENTATION = /(^|\/)readme[^/]*$|\.(md|markdown|rst|txt|adoc)$/i;

export function isDocumentation(path: string): boolean {
  return DOCUMENTATION.test(path);
}
