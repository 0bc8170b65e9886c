import { isAscii } from "node:buffer";
import {
  closeSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
  type Dirent,
} from "node:fs";
import { join, sep } from "node:path";
import type { ProgressReport } from "../engine/audit.js";
import type { ReadResult, Snapshot, TextResult, TreeEntry } from "../engine/snapshot.js";
import { BINARY_PROBE_BYTES, textAfterDecoding, textOfRead } from "../engine/text.js";

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

/** Files up to this size are decoded by Node as they are read; larger ones are read as bytes first. */
const NATIVE_DECODE_BYTES = 256 * 1024;

/** The batch buffer: files larger than it are read alone. */
const BATCH_BUFFER_BYTES = 1024 * 1024;

/**
 * Reads a whole file of `expected` bytes (its size when listed) into `buffer` at `at`, or gives undefined when
 * it does not fit, has grown, or cannot be read (the caller then reads it alone, which names the reason). A
 * read asks for one byte more than expected, so that one call both reads a regular file and finds its end.
 */
function readInto(path: string, buffer: Buffer, at: number, expected: number): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    for (let length = 0; ;) {
      const wanted = Math.min(expected + 1 - length, buffer.length - at - length);
      if (wanted <= 0) return undefined;
      const n = readSync(fd, buffer, at + length, wanted, null);
      length += n;
      if (n < wanted) return length;
    }
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Why a file or folder could not be read, in words rather than an errno code where one is common. */
export function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOENT") return "no such file or directory";
  if (code === "ENOTDIR") return "not a directory";
  if (code === "EISDIR") return "is a directory";
  return code ?? (e as Error).message ?? "unreadable";
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
    readonly unlisted: ReadonlyMap<string, string>,
  ) {
    this.#sizes = new Map(entries.map((e) => [e.path, e.size]));
  }

  readonly #sizes: Map<string, number>;

  /**
   * Walks the directory with synchronous calls: the CLI is the only user, and on a slow file system one
   * stat a call at a time through promises made a 10,000-file tree take seconds (synchronous calls are
   * several times faster than even concurrent promises there).
   */
  static async open(dir: string, progress?: ProgressReport): Promise<LocalSource> {
    // Synchronous too: two calls through the thread pool cost more than the rest of a small tree's walk.
    const root = realpathSync(dir);
    if (!statSync(root).isDirectory()) throw new Error(`${dir} is not a directory`);
    const prefix = root.endsWith(sep) ? root : root + sep;
    const entries: TreeEntry[] = [];
    const fullPaths = new Map<string, string>();
    const unlisted = new Map<string, string>();
    const add = (full: string, target: string, size: number) => {
      const path = toRepoPath(prefix, full);
      entries.push({ path, size });
      fullPaths.set(path, target);
      if (progress && entries.length % 1000 === 0) progress("listing files", entries.length);
    };
    const walk = (folder: string): void => {
      let names: Dirent[];
      try {
        names = readdirSync(folder, { withFileTypes: true });
      } catch (e) {
        // The root unlisted is an error for the caller; a sub-folder clouds the rules that would have read it.
        if (folder === root) throw e;
        unlisted.set(`${toRepoPath(prefix, folder)}/`, reasonOf(e));
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
    return new LocalSource(entries, fullPaths, unlisted);
  }

  /**
   * The text `decodeText` would make of the bytes, decoded by Node in native code: a large tree's reads then
   * hold no buffer per file on the way (about 30 MB less at the peak on 3,000 Python files).
   */
  async readText(path: string): Promise<TextResult> {
    const full = this.fullPaths.get(path);
    if (!full) return { ok: false, reason: "not in the snapshot" };
    // Node's native decoding grows its buffer as it reads; for a large file (a bundled script the secret scan
    // reads) that left the allocator holding tens of megabytes on a tree of them. Those are read as bytes.
    if ((this.#sizes.get(path) ?? Infinity) > NATIVE_DECODE_BYTES) {
      return textOfRead(await this.read(path));
    }
    let raw: string;
    try {
      raw = readFileSync(full, "utf8");
    } catch (e) {
      return { ok: false, reason: reasonOf(e) };
    }
    // A NUL among the first characters may still lie past the probed bytes: there, the bytes decide.
    const nul = raw.indexOf("\0");
    if (nul !== -1 && nul < BINARY_PROBE_BYTES) {
      return textOfRead(await this.read(path));
    }
    // Node keeps the leading byte-order mark that the decoder drops.
    return { ok: true, text: textAfterDecoding(raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw) };
  }

  /**
   * Many files' texts, as `readText` gives each. Files of plain ASCII (most code and configuration) are read
   * into one buffer and decoded together, each file's text a slice of one large string: such a string is
   * born where the garbage collector never copies it, where thousands of small ones were each copied twice
   * on their way to the old generation (about 15 MB less at the peak on 3,000 Python files). Any other file
   * is decoded alone.
   */
  async readTexts(paths: readonly string[]): Promise<Map<string, TextResult>> {
    const out = new Map<string, TextResult>();
    // One buffer for every batch: a new one per batch would linger until the collector notices it.
    const buffer = (this.#batchBuffer ??= Buffer.allocUnsafeSlow(BATCH_BUFFER_BYTES));
    let used = 0;
    let slices: { path: string; from: number; to: number }[] = [];
    const decodeSlices = () => {
      const joined = buffer.toString("latin1", 0, used);
      // ASCII without a carriage return: no byte-order mark to drop, no line end to rewrite.
      for (const { path, from, to } of slices) out.set(path, { ok: true, text: joined.slice(from, to) });
      slices = [];
      used = 0;
    };
    for (const path of paths) {
      const full = this.fullPaths.get(path);
      const expected = this.#sizes.get(path) ?? 0;
      let length = full === undefined ? undefined : readInto(full, buffer, used, expected);
      if (length === undefined && full !== undefined && used > 0) {
        // Past the buffer's end: the batch so far is decoded, and the file read again from its start.
        decodeSlices();
        length = readInto(full, buffer, 0, expected);
      }
      if (length === undefined) {
        // The batch so far is decoded before waiting: another batch's read may take the buffer meanwhile.
        if (slices.length) decodeSlices();
        out.set(path, await this.readText(path));
        continue;
      }
      const bytes = buffer.subarray(used, used + length);
      // A file with a carriage return gets a text of its own (its line ends made `\n`): as a slice, it would be
      // held twice. It, and any file not of plain ASCII, is decoded from the bytes already read.
      if (isAscii(bytes) && !bytes.includes(13) && !bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) {
        slices.push({ path, from: used, to: used + bytes.length });
        used += bytes.length;
      } else out.set(path, textOfRead({ ok: true, bytes }));
    }
    if (slices.length) decodeSlices();
    return out;
  }

  #batchBuffer?: Buffer;

  /** Synchronous, as the walk is: one file at a time through the thread pool was slower here. */
  async read(path: string): Promise<ReadResult> {
    const full = this.fullPaths.get(path);
    if (!full) return { ok: false, reason: "not in the snapshot" };
    try {
      return { ok: true, bytes: new Uint8Array(readFileSync(full)) };
    } catch (e) {
      return { ok: false, reason: reasonOf(e) };
    }
  }
}
