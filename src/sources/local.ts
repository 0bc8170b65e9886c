import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from "node:fs";
import { join, sep } from "node:path";
import type { ReadResult, Snapshot, TreeEntry } from "../engine/snapshot.js";

/** Folders never walked: they are large and no rule reads them. */
const SKIP_DIRS = new Set([
  ".git",
  "node_modules",
  ".venv",
  "venv",
  "__pycache__",
  ".ipynb_checkpoints",
  "site-packages",
  ".mypy_cache",
  ".pytest_cache",
  ".tox",
]);

/** A regular file's size, or undefined for anything else or anything gone. */
function sizeOf(path: string, statOf: typeof statSync): number | undefined {
  try {
    const info = statOf(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** A path under `prefix` (the root with its trailing separator) as the repository names it. */
function toRepoPath(prefix: string, full: string): string {
  const rel = full.slice(prefix.length);
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/**
 * A directory on disk as a snapshot. Symbolic links are followed only to files inside the directory;
 * linked folders are not walked, so a link can neither escape the directory nor loop.
 */
export class LocalSource implements Snapshot {
  private constructor(
    readonly entries: TreeEntry[],
    private readonly fullPaths: Map<string, string>,
  ) {}

  /**
   * Walks the directory with synchronous calls: the CLI is the only user, and on a slow file system one
   * stat a call at a time through promises made a 10,000-file tree take seconds (synchronous calls are
   * several times faster than even concurrent promises there).
   */
  static async open(dir: string): Promise<LocalSource> {
    // Synchronous too: two calls through the thread pool cost more than the rest of a small tree's walk.
    const root = realpathSync(dir);
    if (!statSync(root).isDirectory()) throw new Error(`${dir} is not a directory`);
    const prefix = root.endsWith(sep) ? root : root + sep;
    const entries: TreeEntry[] = [];
    const fullPaths = new Map<string, string>();
    const add = (full: string, target: string, size: number) => {
      const path = toRepoPath(prefix, full);
      entries.push({ path, size });
      fullPaths.set(path, target);
    };
    const walk = (folder: string): void => {
      let names: Dirent[];
      try {
        names = readdirSync(folder, { withFileTypes: true });
      } catch {
        return;
      }
      names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of names) {
        const full = join(folder, entry.name);
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name)) walk(full);
        } else if (entry.isFile()) {
          const size = sizeOf(full, lstatSync);
          if (size !== undefined) add(full, full, size);
        } else if (entry.isSymbolicLink()) {
          const target = realpathOrNull(full);
          if (!target || !(target === root || target.startsWith(prefix))) continue;
          const size = sizeOf(target, statSync);
          if (size !== undefined) add(full, target, size);
        }
      }
    };
    walk(root);
    return new LocalSource(entries, fullPaths);
  }

  /** Synchronous, as the walk is: one file at a time through the thread pool was slower here. */
  async read(path: string): Promise<ReadResult> {
    const full = this.fullPaths.get(path);
    if (!full) return { ok: false, reason: "not in the snapshot" };
    try {
      return { ok: true, bytes: new Uint8Array(readFileSync(full)) };
    } catch (e) {
      return { ok: false, reason: (e as NodeJS.ErrnoException).code ?? "unreadable" };
    }
  }
}
