import type { Probot } from "probot";
import { CONFIG_PATH, validateConfig, validateFailure, type ConfigResult } from "../../config/load.js";
import { describeError } from "../../sources/github.js";
import { scorecardOf, verifiedScorecardOf, type AppState } from "../auditor.js";
import type { Octokit, RepoRef } from "../github.js";
import { CHECK_NAME } from "../publish/check-run.js";
import { cacheKey, type Lookup } from "./cache.js";
import { chargeAudit, ownInstallation, type PublicAudits } from "./uninstalled.js";

async function configOf(
  octokit: Octokit,
  owner: string,
  repo: string,
  state: AppState,
): Promise<ConfigResult> {
  try {
    const { config } = await octokit.config.get({ owner, repo, path: CONFIG_PATH });
    return validateConfig(config, CONFIG_PATH, state.catalogue);
  } catch (e) {
    return validateFailure(CONFIG_PATH, describeError(e));
  }
}

/** The commit's date beside the audit's, so a reader sees how old the audited code is; the page shows without it. */
async function commitDate(octokit: Octokit, owner: string, repo: string, sha: string) {
  try {
    const { data } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: sha });
    return new Date(data.committer.date);
  } catch {
    return undefined;
  }
}

/** Where and how to audit a repository for its public page: its config from the default branch. */
async function targetOf(state: AppState, octokit: Octokit, repo: RepoRef, htmlUrl: string) {
  return { octokit, repo, htmlUrl, config: await configOf(octokit, repo.owner, repo.repo, state) };
}

/**
 * The latest audit of a public repository's default branch where the app is installed: the latest
 * completed "MLOps readiness" check run says which commit was audited and when, and the scorecard is
 * judged again from that commit's objects (already cached when this process audited it).
 */
async function fetchPublic(
  app: Probot,
  state: AppState,
  owner: string,
  repo: string,
  client: string,
): Promise<Lookup> {
  const appOctokit = await app.auth();
  let installationId: number;
  try {
    ({
      data: { id: installationId },
    } = await appOctokit.rest.apps.getRepoInstallation({ owner, repo }));
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
    if (!state.publicAudits) return null;
    const own = await ownInstallation(app, state.publicAudits);
    return own ? auditUninstalled(state, state.publicAudits, own, owner, repo, client) : null;
  }
  const octokit = (await app.auth(installationId)) as Octokit;
  const { data: repository } = await octokit.rest.repos.get({ owner, repo });
  if (repository.private || repository.visibility !== "public") return null;
  const { data } = await octokit.rest.checks.listForRef({
    owner,
    repo,
    ref: repository.default_branch,
    check_name: CHECK_NAME,
    status: "completed",
    filter: "latest",
    per_page: 20,
  });
  const run = data.check_runs.find(
    (r) => r.external_id === "mlops-audit" && r.output?.title?.startsWith("Readiness"),
  );
  if (!run) return null;
  const target = await targetOf(state, octokit, { owner, repo }, repository.html_url);
  const card = await verifiedScorecardOf(
    state,
    { ...target, defaultBranch: repository.default_branch },
    run.head_sha,
  );
  return {
    card,
    auditedAt: new Date(run.completed_at ?? Date.now()),
    committedAt: await commitDate(octokit, owner, repo, run.head_sha),
    htmlUrl: repository.html_url,
  };
}

/**
 * The default branch of a public repository where the app is not installed, audited now (or taken from
 * the audit of the same commit): a private or unknown one is nothing, as on every public route.
 */
async function auditUninstalled(
  state: AppState,
  audits: PublicAudits,
  octokit: Octokit,
  owner: string,
  repo: string,
  client: string,
): Promise<Lookup> {
  let repository;
  try {
    ({ data: repository } = await octokit.rest.repos.get({ owner, repo }));
  } catch (e) {
    if ((e as { status?: number }).status === 404) return null;
    throw e;
  }
  if (repository.private || repository.visibility !== "public") return null;
  const { data } = await octokit.rest.repos.getCommit({
    owner,
    repo,
    ref: repository.default_branch,
    mediaType: { format: "sha" },
  });
  // Asked for as a SHA, the commit comes back as the bare 40 characters.
  const sha = String(data as unknown).trim();
  const key = `${cacheKey(owner, repo)}@${sha}`;
  const known = audits.cards.get(key);
  if (known) return known;
  chargeAudit(audits, client);
  const target = await targetOf(state, octokit, { owner, repo }, repository.html_url);
  const found = {
    card: await scorecardOf(state, target, sha),
    auditedAt: new Date(),
    committedAt: await commitDate(octokit, owner, repo, sha),
    htmlUrl: repository.html_url,
  };
  audits.cards.set(key, found);
  return found;
}

/** `client` is the asker's address: audits of repositories without the app are limited by it. */
export async function publicScorecard(
  app: Probot,
  state: AppState,
  owner: string,
  repo: string,
  client: string,
): Promise<Lookup> {
  const key = cacheKey(owner, repo);
  const cached = state.publicCards.get(key);
  if (cached) return cached.found;
  const found = await fetchPublic(app, state, owner, repo, client);
  state.publicCards.set(key, { found });
  return found;
}
