import { Octokit as OctokitCore } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import type { Snapshot } from "../engine/snapshot.js";
import { GitCache } from "./git-cache.js";
import { GitHubSnapshot, octokitGitReader, type GitReader } from "./github.js";

/** A plain REST client: a token or none, any API address (github.com or an Enterprise server). */
export const RestOctokit = OctokitCore.plugin(restEndpointMethods, paginateRest);
export type RestClient = InstanceType<typeof RestOctokit>;

export const GITHUB_API = "https://api.github.com";

export function restClient(options: { token?: string; apiUrl?: string; userAgent: string }): RestClient {
  return new RestOctokit({
    ...(options.token ? { auth: options.token } : {}),
    baseUrl: (options.apiUrl || GITHUB_API).replace(/\/+$/, ""),
    userAgent: options.userAgent,
  });
}

/** A repository named on the command line: `OWNER/REPO[@REF]` or its github.com address. */
export interface RepositoryName {
  owner: string;
  repo: string;
  ref?: string;
}

const NAME = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})";
const REPO = "[A-Za-z0-9._-]{1,100}";
const SHORT = new RegExp(`^(${NAME})/(${REPO})(?:@(.+))?$`);
const URL_FORM = new RegExp(`^https?://[^/]+/(${NAME})/(${REPO}?)(?:\\.git)?(?:/tree/(.+?))?/?$`);

/** The repository an argument names, or undefined when it is not written as one. */
export function parseRepositoryName(arg: string): RepositoryName | undefined {
  const m = SHORT.exec(arg) ?? URL_FORM.exec(arg);
  if (!m || m[2] === "." || m[2] === "..") return undefined;
  const repo = m[2].replace(/\.git$/, "");
  return { owner: m[1], repo, ...(m[3] ? { ref: m[3] } : {}) };
}

/** A failure that ends the audit, in one line a person can act on. */
export class RepositoryError extends Error {}

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: { message?: unknown } };
  cause?: { code?: string; message?: string; cause?: { code?: string } };
}

/** Why a request failed, said once for the whole audit; undefined for an answer a rule can live without. */
export function fatalReason(
  e: unknown,
  where: { apiUrl: string; authenticated: boolean },
): string | undefined {
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
      : " (without GITHUB_TOKEN, GitHub allows 60 requests an hour from one address; a token allows 5,000)";
    return `GitHub's rate limit was reached${when}${advice}`;
  }
  if (status === 401) return "GitHub refused GITHUB_TOKEN (HTTP 401): it is wrong or expired";
  if (status >= 500) return `GitHub answered HTTP ${status} (a server error); try again later`;
  return undefined;
}

/**
 * Reads through `git` and remembers the first failure that makes the whole audit worthless (a rate
 * limit, a refused token, the network), so that the caller reports it instead of a scorecard whose
 * rules went inconclusive one by one. Also counts what it read, for a progress line.
 */
function watchedReader(git: GitReader, where: { apiUrl: string; authenticated: boolean }) {
  const watch = { fatal: undefined as string | undefined, blobsRead: 0 };
  const reader: GitReader = {
    getTree: (sha, recursive) => git.getTree(sha, recursive),
    async getBlob(sha) {
      try {
        return await git.getBlob(sha);
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
  where: { apiUrl: string; authenticated: boolean },
): Promise<OpenedRepository> {
  const { owner, repo } = name;
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
              where.authenticated ? "GITHUB_TOKEN cannot read it" : "no GITHUB_TOKEN is set"
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
  const { reader, watch } = watchedReader(octokitGitReader(octokit, owner, repo), where);
  const snapshot = await GitHubSnapshot.open(reader, sha, new GitCache()).catch((e: unknown) =>
    fail(e, `GitHub did not return the tree of ${owner}/${repo} at ${sha.slice(0, 7)}`),
  );
  return {
    snapshot,
    sha,
    htmlUrl: found.data.html_url,
    fullName: found.data.full_name,
    checkReads() {
      if (watch.fatal) throw new RepositoryError(watch.fatal);
    },
    blobsRead: () => watch.blobsRead,
  };
}
