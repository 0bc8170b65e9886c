/** What the engine sees of a repository: every path with its size, and contents on demand. */
export interface TreeEntry {
  /** Repository-relative, forward slashes, no leading "./". */
  path: string;
  size: number;
}

export type ReadResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };
/** A file's text as `decodeText` gives it, or why there is none (unreadable, or a binary file). */
export type TextResult = { ok: true; text: string } | { ok: false; reason: string; binary?: boolean };

export interface Snapshot {
  readonly entries: readonly TreeEntry[];
  /** Folders that could not be listed, with a trailing slash (`.github/`), and why. */
  readonly unlisted?: ReadonlyMap<string, string>;
  read(path: string): Promise<ReadResult>;
  /**
   * The text `decodeText` makes of `read`'s bytes, where the source can decode it faster itself: the local
   * disk decodes in native code, without holding each file's bytes on the way.
   */
  readText?(path: string): Promise<TextResult>;
  /**
   * The texts of many files at once, as `readText` gives each, where the source reads a batch faster: the
   * local disk decodes plain ASCII files together, into one string the garbage collector never moves.
   */
  readTexts?(paths: readonly string[]): Promise<Map<string, TextResult>>;
  /** Told up front which paths will be read, a remote source can fetch them together. */
  prefetch?(paths: readonly string[]): void;
}

/** A snapshot held in memory: rule examples, tests and benchmarks use it. */
export class MemorySnapshot implements Snapshot {
  readonly entries: TreeEntry[];
  private readonly files: Map<string, Uint8Array>;

  constructor(files: Record<string, string | Uint8Array>) {
    const encoder = new TextEncoder();
    this.files = new Map(
      Object.entries(files).map(([path, body]) => [
        path,
        typeof body === "string" ? encoder.encode(body) : body,
      ]),
    );
    this.entries = [...this.files].map(([path, bytes]) => ({ path, size: bytes.length }));
  }

  async read(path: string): Promise<ReadResult> {
    const bytes = this.files.get(path);
    return bytes ? { ok: true, bytes } : { ok: false, reason: "not in the snapshot" };
  }
}
