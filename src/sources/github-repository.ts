import { Octokit as OctokitCore } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import { wantsContent } from "../engine/facts/index.js";
import type { Snapshot } from "../engine/snapshot.js";
import { GitCache } from "./git-cache.js";
import { GITHUB_API, type RepositoryName } from "./repository-name.js";

export { GITHUB_API, GITHUB_RAW, parseRepositoryName, type RepositoryName } from "./repository-name.js";
import { GitHubSnapshot, octokitGitReader, type GitReader } from "./github.js";

/** A plain REST client: a token or none, any API address (github.com or an Enterprise server). */
export const RestOctokit = OctokitCore.plugin(restEndpointMethods, paginateRest);
export type RestClient = InstanceType<typeof RestOctokit>;

export function restClient(options: {
  token?: string;
  apiUrl?: string;
  userAgent: string;
  /** A page passes its own, to read the rate-limit headers of every answer. */
  fetch?: typeof fetch;
}): RestClient {
  return new RestOctokit({
    ...(options.token ? { auth: options.token } : {}),
    baseUrl: (options.apiUrl || GITHUB_API).replace(/\/+$/, ""),
    userAgent: options.userAgent,
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
  });
}

/** A failure that ends the audit, in one line a person can act on. */
export class RepositoryError extends Error {}

/**
 * Where the requests go and how the person gives a token: what the messages call it, and how they say
 * none was given (GITHUB_TOKEN on the command line, the token field on the web page).
 */
export interface RequestSite {
  apiUrl: string;
  authenticated: boolean;
  token?: { name: string; absent: string };
}

const CLI_TOKEN = { name: "GITHUB_TOKEN", absent: "no GITHUB_TOKEN is set" };

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: { message?: unknown } };
  cause?: { code?: string; message?: string; cause?: { code?: string } };
}

/** Why a request failed, said once for the whole audit; undefined for an answer a rule can live without. */
export function fatalReason(e: unknown, where: RequestSite): string | undefined {
  const token = (where.token ?? CLI_TOKEN).name;
  const err = e as HttpError;
  if (!err.response) {
    const cause = err.cause?.cause?.code ?? err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
    return `cannot reach ${where.apiUrl} (${cause}): a network failure`;
  }
  const status = err.status ?? 0;
  const headers = err.response.headers ?? {};
  const said = String(err.response.data?.message ?? "");
  if (
    status === 429 ||
    (status === 403 && (headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(said)))
  ) {
    const reset = Number(headers["x-ratelimit-reset"]);
    const when =
      Number.isFinite(reset) && reset > 0
        ? `; it resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC`
        : "";
    const advice = where.authenticated
      ? ""
      : ` (without ${token}, GitHub allows 60 requests an hour from one address; a token allows 5,000)`;
    return `GitHub's rate limit was reached${when}${advice}`;
  }
  if (status === 401) return `GitHub refused ${token} (HTTP 401): it is wrong or expired`;
  if (status >= 500) return `GitHub answered HTTP ${status} (a server error); try again later`;
  return undefined;
}

/**
 * Reads through `git` and remembers the first failure that makes the whole audit worthless (a rate
 * limit, a refused token, the network), so that the caller reports it instead of a scorecard whose
 * rules went inconclusive one by one. Also counts what it read, for a progress line.
 */
function watchedReader(git: GitReader, where: RequestSite) {
  const watch = { fatal: undefined as string | undefined, blobsRead: 0 };
  const reader: GitReader = {
    getTree: (sha, recursive) => git.getTree(sha, recursive),
    async getBlob(sha, path) {
      try {
        return await git.getBlob(sha, path);
      } catch (e) {
        watch.fatal ??= fatalReason(e, where);
        throw e;
      } finally {
        watch.blobsRead++;
      }
    },
  };
  return { reader, watch };
}

export interface OpenedRepository {
  snapshot: Snapshot;
  /** The commit the ref pointed at: every link and the scorecard name it. */
  sha: string;
  htmlUrl: string;
  fullName: string;
  private: boolean;
  /** The default branch: the one whose workflow runs verify the audit, whatever ref was audited. */
  defaultBranch: string;
  /** `User` or `Organization`. */
  ownerType: string;
  /** Throws the first failure that spoiled the reads, once the audit is over. */
  checkReads(): void;
  blobsRead(): number;
}

/**
 * Opens a repository at a ref (its default branch when none is given): one call for the repository,
 * one to turn the ref into a commit, then the tree, as the app reads it.
 */
export async function openRepository(
  octokit: RestClient,
  name: RepositoryName,
  where: RequestSite,
  options: { raw?: RawHost } = {},
): Promise<OpenedRepository> {
  const { owner, repo } = name;
  const token = where.token ?? CLI_TOKEN;
  const fail = (e: unknown, otherwise: string): never => {
    throw new RepositoryError(fatalReason(e, where) ?? otherwise);
  };
  const found = await octokit.rest.repos
    .get({ owner, repo })
    .catch((e: unknown) =>
      fail(
        e,
        (e as HttpError).status === 404
          ? `${owner}/${repo} was not found: it does not exist, or it is private and ${
              where.authenticated ? `${token.name} cannot read it` : token.absent
            }`
          : `GitHub did not return ${owner}/${repo} (HTTP ${(e as HttpError).status})`,
      ),
    );
  const ref = name.ref ?? found.data.default_branch;
  const commit = await octokit.rest.repos
    .getCommit({ owner, repo, ref, mediaType: { format: "sha" } })
    .catch((e: unknown) =>
      fail(
        e,
        [404, 409, 422].includes((e as HttpError).status ?? 0)
          ? `${owner}/${repo} has no branch, tag or commit named "${ref}"`
          : `GitHub did not resolve "${ref}" (HTTP ${(e as HttpError).status})`,
      ),
    );
  // Asked for as a SHA, the commit comes back as the bare 40 characters.
  const sha = String(commit.data as unknown).trim();
  const api = octokitGitReader(octokit, owner, repo);
  const git = options.raw ? rawGitReader(api, options.raw, { owner, repo, sha }) : api;
  const { reader, watch } = watchedReader(git, where);
  const snapshot = await GitHubSnapshot.open(reader, sha, new GitCache()).catch((e: unknown) =>
    fail(e, `GitHub did not return the tree of ${owner}/${repo} at ${sha.slice(0, 7)}`),
  );
  return {
    snapshot,
    sha,
    htmlUrl: found.data.html_url,
    fullName: found.data.full_name,
    private: found.data.private,
    defaultBranch: found.data.default_branch,
    ownerType: found.data.owner.type,
    checkReads() {
      if (watch.fatal) throw new RepositoryError(watch.fatal);
    },
    blobsRead: () => watch.blobsRead,
  };
}

/** A host serving file text by path at a commit, as raw.githubusercontent.com does: `BASE/OWNER/REPO/SHA/PATH`. */
export interface RawHost {
  baseUrl: string;
  fetch?: typeof fetch;
}

/**
 * Trees through the API, file text from the raw host at the commit: a browser reads a repository this
 * way, since raw reads cost nothing of the hourly API allowance. A failed read is thrown shaped like
 * Octokit's errors (status and headers), so it is reported the same way.
 */
export function rawGitReader(
  api: GitReader,
  raw: RawHost,
  at: { owner: string; repo: string; sha: string },
): GitReader {
  const base = `${raw.baseUrl.replace(/\/+$/, "")}/${at.owner}/${at.repo}/${at.sha}/`;
  const get = raw.fetch ?? fetch;
  return {
    getTree: (sha, recursive) => api.getTree(sha, recursive),
    async getBlob(_sha, path) {
      const response = await get(base + path.split("/").map(encodeURIComponent).join("/"));
      if (!response.ok)
        throw Object.assign(new Error(`HTTP ${response.status} from the raw host`), {
          status: response.status,
          response: { headers: Object.fromEntries(response.headers), data: {} },
        });
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** Counts the reads of a snapshot, so a progress display can say "N of M files". */
export function countingSnapshot(snapshot: Snapshot, onRead: (done: number, of: number) => void): Snapshot {
  const of = snapshot.entries.filter((e) => wantsContent(e.path)).length;
  let done = 0;
  return {
    entries: snapshot.entries,
    async read(path) {
      const result = await snapshot.read(path);
      onRead(++done, of);
      return result;
    },
  };
}
