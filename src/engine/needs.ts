import { kindsOf, type FileKind } from "./facts/index.js";
import type { Predicate } from "./model.js";
import { matchAny } from "./paths.js";
import { cannotDecide, globReachesInto, isFolderKey } from "./unread.js";

/**
 * Which paths a rule reads. A file the audit could not read makes a verdict inconclusive only when the
 * rule would have read that very file: a huge notebook does not cloud a rule about `.gitattributes`.
 */
export type PathTest = (path: string) => boolean;

/** What one predicate reads: files, what it might find in a folder nobody could list, and whether it decides. */
interface LeafReads {
  file: PathTest;
  /** `folder` ends with a slash. */
  folder: PathTest;
  /** False where an unread file leaves the status to the files read (secrets: the catalogue's 10 MB rule). */
  decides: boolean;
}

const leaf = (file: PathTest, folder: PathTest, decides = true): LeafReads => ({
  file,
  folder,
  decides,
});
const byGlobs =
  (globs: string[]): PathTest =>
  (folder) =>
    globs.some((g) => globReachesInto(g, folder));

const byKind =
  (...kinds: FileKind[]): PathTest =>
  (path) =>
    kindsOf(path).some((k) => kinds.includes(k));
const CI_KINDS: FileKind[] = ["yaml", "ci", "shell"];
const CI_FILES = byKind(...CI_KINDS);

/** What a hidden folder (`.github/`, `.circleci/`, `.devcontainer/`) holds: configuration, not code. */
const CONFIG_KINDS: FileKind[] = ["yaml", "ci", "shell", "docker", "text"];
const HIDDEN_FOLDER = /(^|\/)\.[^/]+\//;

/**
 * Whether an unlisted folder may hold files of these kinds: any folder may hold any kind, except that a
 * hidden one holds configuration only. Without that, an unreadable `.github/` would cloud every rule that
 * reads Python, and since an inconclusive rule leaves the score, lift the score of a repository it hides.
 */
const holds =
  (...kinds: FileKind[]): PathTest =>
  (folder) =>
    !HIDDEN_FOLDER.test(folder) || kinds.some((k) => CONFIG_KINDS.includes(k));
const ofKind = (...kinds: FileKind[]) => leaf(byKind(...kinds), holds(...kinds));

function leafReads(key: string, body: Record<string, unknown>, scanned: ReadonlySet<string>): LeafReads {
  switch (key) {
    case "python": {
      const where = (body.in as string | undefined) ?? "code";
      if (where === "any") return ofKind("python", "notebook");
      return ofKind(where === "notebook" ? "notebook" : "python");
    }
    case "text": {
      const globs = body.glob as string[];
      const exclude = (body.exclude as string[] | undefined) ?? [];
      return leaf((path) => matchAny(path, globs) && !matchAny(path, exclude), byGlobs(globs));
    }
    case "yaml":
      return body.glob
        ? leaf((path) => matchAny(path, body.glob as string[]), byGlobs(body.glob as string[]))
        : ofKind("yaml");
    case "tests":
    case "serving":
      return ofKind("python");
    case "ci":
    case "ciPipeline":
      return ofKind(...CI_KINDS);
    case "compose":
      return leaf(
        (path) => byKind("docker")(path) || (!!body.startedByCi && CI_FILES(path)),
        holds("docker", ...CI_KINDS),
      );
    case "dockerfile":
      return ofKind("docker", "shell", "python");
    case "terraform":
      return ofKind("terraform");
    case "readme":
      // The root README only: a sub-folder nobody could list cannot hold it.
      return leaf(byKind("readme"), () => false);
    case "dependencies":
      return ofKind("manifest");
    case "secrets":
      return leaf((path) => byKind("text")(path) && !scanned.has(path), holds("text"), false);
    default:
      return leaf(
        () => false,
        () => false,
      );
  }
}

export interface RuleNeeds {
  /** An unread file or folder (with its trailing slash) that this rule would have read. */
  reads: PathTest;
  /** One of those that could have changed the rule's status. */
  decides: PathTest;
  /** The rule holds a `not`, so more input could turn a pass into a fail. */
  negates: boolean;
}

export function needsOf(
  predicates: (Predicate | undefined)[],
  definitions: Record<string, Predicate>,
  /** Files over the read cap that the secret scan read all the same. */
  scannedForSecrets: ReadonlySet<string> = new Set(),
  /**
   * Whether a part is false on what was read and reads nothing unread: an `all` holding one is false whatever
   * the unread files hold, so it needs none of them.
   */
  settledFalse: (p: Predicate) => boolean = () => false,
): RuleNeeds {
  const leaves: LeafReads[] = [];
  let negates = false;
  const walk = (p: Predicate) => {
    for (const [key, value] of Object.entries(p)) {
      if (key === "use") walk(definitions[value as string]);
      else if (key === "all" && (value as Predicate[]).some(settledFalse)) continue;
      else if (key === "all" || key === "any") (value as Predicate[]).forEach(walk);
      else if (key === "atLeast") (value as { of: Predicate[] }).of.forEach(walk);
      else if (key === "not") {
        negates = true;
        walk(value as Predicate);
      } else if (key !== "rule")
        leaves.push(leafReads(key, value as Record<string, unknown>, scannedForSecrets));
    }
  };
  for (const p of predicates) if (p) walk(p);
  const reachedBy = (l: LeafReads, path: string) => (isFolderKey(path) ? l.folder(path) : l.file(path));
  return {
    reads: (path) => leaves.some((l) => reachedBy(l, path)),
    decides: (path) =>
      (isFolderKey(path) || !cannotDecide(path)) && leaves.some((l) => l.decides && reachedBy(l, path)),
    negates,
  };
}
