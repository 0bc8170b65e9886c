import { lstat, readdir, readFile, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
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

function toRepoPath(root: string, full: string): string {
  return relative(root, full).split(sep).join("/");
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

  static async open(dir: string): Promise<LocalSource> {
    const root = await realpath(dir);
    const info = await stat(root);
    if (!info.isDirectory()) throw new Error(`${dir} is not a directory`);
    const entries: TreeEntry[] = [];
    const fullPaths = new Map<string, string>();
    const walk = async (folder: string): Promise<void> => {
      let names: string[];
      try {
        names = await readdir(folder);
      } catch {
        return;
      }
      for (const name of names.sort()) {
        const full = join(folder, name);
        const info = await lstat(full).catch(() => null);
        if (!info) continue;
        if (info.isDirectory()) {
          if (!SKIP_DIRS.has(name)) await walk(full);
        } else if (info.isFile()) {
          const path = toRepoPath(root, full);
          entries.push({ path, size: info.size });
          fullPaths.set(path, full);
        } else if (info.isSymbolicLink()) {
          const target = await realpath(full).catch(() => null);
          if (!target || !(target === root || target.startsWith(root + sep))) continue;
          const targetInfo = await stat(target).catch(() => null);
          if (!targetInfo?.isFile()) continue;
          const path = toRepoPath(root, full);
          entries.push({ path, size: targetInfo.size });
          fullPaths.set(path, target);
        }
      }
    };
    await walk(root);
    return new LocalSource(entries, fullPaths);
  }

  async read(path: string): Promise<ReadResult> {
    const full = this.fullPaths.get(path);
    if (!full) return { ok: false, reason: "not in the snapshot" };
    try {
      return { ok: true, bytes: new Uint8Array(await readFile(full)) };
    } catch (e) {
      return { ok: false, reason: (e as NodeJS.ErrnoException).code ?? "unreadable" };
    }
  }
}
