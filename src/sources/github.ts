import type { Api } from "@octokit/plugin-rest-endpoint-methods";
import type { ReadResult, Snapshot, TreeEntry } from "../engine/snapshot.js";
import { dirName, joinPath } from "../engine/paths.js";
import type { GitCache } from "./git-cache.js";
import { graphqlBlobReader, readBatched, type BatchReader } from "./github-blobs.js";

/** One entry of a Git tree, as the Git Trees API returns it. */
export interface GitTreeEntry {
  path?: string;
  mode?: string;
  type?: string;
  sha?: string;
  size?: number;
}

/**
 * The two Git Database calls the source needs; an Octokit adapter implements them. A blob comes with
 * the path it was found at, for a transport that reads file text by path (a raw host) instead of by SHA.
 */
export interface GitReader {
  getTree(sha: string, recursive: boolean): Promise<{ tree: GitTreeEntry[]; truncated: boolean }>;
  getBlob(sha: string, path: string): Promise<Uint8Array>;
  /** Many blobs in one request, when the client may use GitHub's GraphQL API (it needs a token). */
  getBlobs?: BatchReader;
}

/** Past this many paths the walk stops; the scorecard says so instead of running out of memory. */
export const MAX_TREE_ENTRIES = 200_000;
/** Any client with the Git Database endpoints: Probot's installation client or a plain Octokit. */
type GitClient = { rest: Pick<Api["rest"], "git"> } & Partial<Parameters<typeof graphqlBlobReader>[0]>;
const SYMLINK_MODE = "120000";
const TREE_CONCURRENCY = 4;
/** REST reads at once of the blobs a batched read did not return. */
const FALLBACK_CONCURRENCY = 8;

interface Blob {
  sha: string;
  size: number;
  symlink: boolean;
}

/**
 * A commit of a GitHub repository as the engine sees it: the tree from one recursive call (walking
 * sub-trees only when GitHub truncates it), and blobs fetched on demand through a cache keyed by SHA,
 * so a re-audit after a one-file push fetches one blob.
 */
export class GitHubSnapshot implements Snapshot {
  readonly entries: TreeEntry[] = [];
  readonly notes: string[] = [];
  private readonly blobs = new Map<string, Blob>();

  private constructor(
    private readonly git: GitReader,
    private readonly cache: GitCache,
  ) {}

  static async open(git: GitReader, treeSha: string, cache: GitCache): Promise<GitHubSnapshot> {
    const snapshot = new GitHubSnapshot(git, cache);
    await snapshot.walk(treeSha);
    snapshot.entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return snapshot;
  }

  private async tree(sha: string, recursive: boolean) {
    const key = `${sha}:${recursive ? "r" : ""}`;
    const cached = this.cache.trees.get(key);
    if (cached) return cached;
    let pending = this.cache.pendingTrees.get(key);
    if (!pending) {
      pending = this.git.getTree(sha, recursive).finally(() => this.cache.pendingTrees.delete(key));
      this.cache.pendingTrees.set(key, pending);
    }
    const tree = await pending;
    this.cache.trees.set(key, tree);
    return tree;
  }

  private add(prefix: string, items: GitTreeEntry[]): GitTreeEntry[] {
    const subtrees: GitTreeEntry[] = [];
    for (const item of items) {
      if (!item.path || !item.sha) continue;
      const path = prefix + item.path;
      if (item.type === "tree") subtrees.push({ ...item, path });
      else if (item.type === "blob" && this.entries.length < MAX_TREE_ENTRIES) {
        this.entries.push({ path, size: item.size ?? 0 });
        this.blobs.set(path, { sha: item.sha, size: item.size ?? 0, symlink: item.mode === SYMLINK_MODE });
      }
      // "commit" entries are submodules: another repository, not audited here.
    }
    return subtrees;
  }

  /** One recursive call; when GitHub cuts the answer, each sub-tree is fetched (recursively) instead. */
  private async walk(rootSha: string) {
    const first = await this.tree(rootSha, true);
    if (!first.truncated) {
      this.add("", first.tree);
      return;
    }
    const pending = this.add("", (await this.tree(rootSha, false)).tree);
    const worker = async () => {
      for (let dir = pending.shift(); dir; dir = pending.shift()) {
        if (this.entries.length >= MAX_TREE_ENTRIES) return;
        const sub = await this.tree(dir.sha!, true);
        if (!sub.truncated) {
          this.add(
            `${dir.path}/`,
            sub.tree.filter((e) => e.type !== "tree"),
          );
          continue;
        }
        pending.push(...this.add(`${dir.path}/`, (await this.tree(dir.sha!, false)).tree));
      }
    };
    await Promise.all(Array.from({ length: TREE_CONCURRENCY }, worker));
    if (this.entries.length >= MAX_TREE_ENTRIES)
      this.notes.push(`The repository has more than ${MAX_TREE_ENTRIES} files; only the first were audited.`);
  }

  /**
   * Fetches in batches the blobs of these paths that no audit has fetched yet; a read of one joins its
   * batch. A blob the batch did not return intact is read alone through REST, as without batches.
   */
  prefetch(paths: readonly string[]): void {
    const read = this.git.getBlobs;
    if (!read) return;
    const wanted = new Map<string, { size: number; path: string }>();
    for (const path of paths) {
      const blob = this.blobs.get(path);
      if (blob && !this.cache.blobs.has(blob.sha) && !this.cache.pending.has(blob.sha))
        wanted.set(blob.sha, { size: blob.size, path });
    }
    if (!wanted.size) return;
    const batch = readBatched(
      read,
      [...wanted].map(([sha, { size }]) => ({ sha, size })),
    );
    for (const [sha, { path }] of wanted) {
      this.cache.misses++;
      this.pend(
        sha,
        batch.then((got) => got.get(sha) ?? this.readAlone(sha, path)),
      );
    }
  }

  /**
   * A blob the batch did not return, through REST, a few at a time: when GraphQL is down for a large
   * tree, its thousands of files must not become thousands of requests at once.
   */
  private async readAlone(sha: string, path: string): Promise<Uint8Array> {
    while (this.readingAlone >= FALLBACK_CONCURRENCY)
      await new Promise<void>((go) => this.waitingToRead.push(go));
    this.readingAlone++;
    try {
      return await this.git.getBlob(sha, path);
    } finally {
      this.readingAlone--;
      this.waitingToRead.shift()?.();
    }
  }
  private readingAlone = 0;
  private readonly waitingToRead: (() => void)[] = [];

  /** A fetch in flight, kept once it succeeds, forgotten either way when it ends. */
  private pend(sha: string, fetching: Promise<Uint8Array>): Promise<Uint8Array> {
    const pending = fetching.then(
      (bytes) => {
        this.cache.blobs.set(sha, bytes);
        this.cache.pending.delete(sha);
        return bytes;
      },
      (e: unknown) => {
        this.cache.pending.delete(sha);
        throw e;
      },
    );
    // A prefetched blob may never be read (its read found the cap first): its failure is not an error.
    pending.catch(() => {});
    this.cache.pending.set(sha, pending);
    return pending;
  }

  private fetchBlob(sha: string, path: string): Promise<Uint8Array> {
    const cached = this.cache.blobs.get(sha);
    if (cached) {
      this.cache.hits++;
      return Promise.resolve(cached);
    }
    // Two audits of neighbouring commits often want the same blob at the same moment.
    const pending = this.cache.pending.get(sha);
    if (pending) return pending;
    this.cache.misses++;
    return this.pend(sha, this.git.getBlob(sha, path));
  }

  /** The blob a path names in this commit: what a file's version is, for keys that must change with it. */
  blobSha(path: string): string | undefined {
    return this.blobs.get(path)?.sha;
  }

  async read(path: string): Promise<ReadResult> {
    let blob = this.blobs.get(path);
    if (!blob) return { ok: false, reason: "not in the tree" };
    try {
      if (blob.symlink) {
        // A link is followed only to a file of the same commit; never out of the repository.
        const target = new TextDecoder().decode(await this.fetchBlob(blob.sha, path));
        const resolved = target.startsWith("/") ? null : joinPath(dirName(path), target);
        const to = resolved === null ? undefined : this.blobs.get(resolved);
        if (!to || to.symlink)
          return { ok: false, reason: "a symbolic link that does not lead to a file of this repository" };
        blob = to;
        path = resolved!;
      }
      return { ok: true, bytes: await this.fetchBlob(blob.sha, path) };
    } catch (e) {
      return { ok: false, reason: `GitHub did not return the file (${describeError(e)})` };
    }
  }
}

/** Error codes of a connection that never got an answer: no network, no DNS, refused, reset. */
const NETWORK_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/**
 * The network error under a failed request, if that is what it was. Octokit reports a `fetch` that never
 * connected as HTTP 500; the code is on the error's cause (or the cause's cause).
 */
function networkFailure(e: unknown): string | undefined {
  let at = e as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
  for (let depth = 0; at && depth < 5; depth++) {
    if (typeof at.code === "string" && NETWORK_CODES.has(at.code)) return at.code;
    at = at.cause as typeof at;
  }
  return undefined;
}

/** A short reason for a failed request, without headers or tokens. */
export function describeError(e: unknown): string {
  const cause = (e as { cause?: { name?: string } }).cause;
  if ((e as Error).name === "TimeoutError" || cause?.name === "TimeoutError" || cause?.name === "AbortError")
    return "GitHub did not answer in time (request timed out)";
  const network = networkFailure(e);
  if (network)
    return `GitHub could not be reached (${network}: a network failure, not an answer from GitHub)`;
  const status = (e as { status?: number }).status;
  if (!status) return ((e as Error).message ?? String(e)).split("\n")[0].slice(0, 200);
  const said = (e as { response?: { data?: { message?: unknown } } }).response?.data?.message;
  const rateLimited = status === 429 || (status === 403 && /rate limit/i.test(String(said ?? "")));
  const kind = rateLimited
    ? "GitHub's rate limit was reached"
    : status >= 500
      ? "a GitHub server error, still there after retries"
      : status === 404
        ? "not found"
        : undefined;
  return kind ? `HTTP ${status}, ${kind}` : `HTTP ${status}`;
}

/**
 * The Git Database API through an Octokit; with `batched`, blobs are also read many at a time through
 * GitHub's GraphQL API, which needs the client to be authenticated.
 */
export function octokitGitReader(
  octokit: GitClient,
  owner: string,
  repo: string,
  batched = false,
): GitReader {
  return {
    ...(batched && octokit.graphql
      ? { getBlobs: graphqlBlobReader({ graphql: octokit.graphql }, owner, repo) }
      : {}),
    async getTree(sha, recursive) {
      const { data } = await octokit.rest.git.getTree({
        owner,
        repo,
        tree_sha: sha,
        ...(recursive ? { recursive: "1" } : {}),
      });
      return { tree: data.tree, truncated: data.truncated };
    },
    async getBlob(sha) {
      const { data } = await octokit.rest.git.getBlob({ owner, repo, file_sha: sha });
      return new Uint8Array(Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8"));
    },
  };
}
