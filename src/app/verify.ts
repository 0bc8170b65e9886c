import { rootPrefix } from "../engine/paths.js";
import type { Catalogue, Scorecard } from "../engine/model.js";
import { applyVerification, wantsDeployments, workflowsToVerify } from "../engine/verification.js";
import { describeError, type GitHubSnapshot } from "../sources/github.js";
import { deliveredImages } from "../sources/ghcr-packages.js";
import { octokitRecordsReader, readRecords, type RecordsCache } from "../sources/github-records.js";
import type { Octokit, RepoRef } from "./github.js";

/** The permissions an installation granted, as its token says; undefined when the token does not say. */
async function grantedPermissions(octokit: Octokit): Promise<Record<string, string> | undefined> {
  try {
    const auth = (await octokit.auth({ type: "installation" })) as { permissions?: Record<string, string> };
    return auth.permissions;
  } catch {
    return undefined;
  }
}

export interface VerifyTarget {
  octokit: Octokit;
  repo: RepoRef;
  defaultBranch: string;
  sha: string;
  snapshot: Pick<GitHubSnapshot, "blobSha">;
  /** The workflow files the audit read, by path: what a passing delivery publishes is read from them. */
  workflows?: ReadonlyMap<string, string>;
  /** Unknown for an event that does not say: no package is looked up then. */
  visibility?: { private: boolean; ownerType?: string };
}

/** The GHCR images a passing delivery pushes, from the workflow text the audit already read. */
function imagesToCheck(card: Scorecard, target: VerifyTarget, root: string) {
  if (root || !target.visibility || !target.workflows) return undefined;
  const workflows = target.workflows;
  const images = deliveredImages(card, (p) => workflows.get(p), target.repo.owner, target.repo.repo);
  return images.length ? { images, repositoryPrivate: target.visibility.private } : undefined;
}

/**
 * A judged scorecard checked against GitHub's records. An installation that has not accepted `actions: read`
 * is not asked (that would only earn a 403): the scorecard says once that it is not verified, and why.
 * Records are a bonus on top of the files: an unexpected failure leaves the audit unverified, not failed.
 */
export async function verifyScorecard(
  card: Scorecard,
  target: VerifyTarget,
  catalogue: Catalogue,
  cache: RecordsCache,
): Promise<Scorecard> {
  try {
    return await verifiedScorecard(card, target, catalogue, cache);
  } catch (e) {
    return applyVerification(card, { unavailable: describeError(e) }, catalogue);
  }
}

async function verifiedScorecard(
  card: Scorecard,
  target: VerifyTarget,
  catalogue: Catalogue,
  cache: RecordsCache,
): Promise<Scorecard> {
  const permissions = await grantedPermissions(target.octokit);
  if (permissions && !permissions.actions)
    return applyVerification(card, { unavailable: "permission not granted" }, catalogue);
  const root = rootPrefix(card.target.root);
  const packages = imagesToCheck(card, target, root);
  const records = await readRecords(
    octokitRecordsReader(target.octokit, target.repo.owner, target.repo.repo, target.visibility?.ownerType),
    cache,
    {
      repository: `${target.repo.owner}/${target.repo.repo}`,
      head: target.sha,
      defaultBranch: target.defaultBranch,
      workflows: workflowsToVerify(card).map((w) => ({ ...w, path: root + w.path })),
      blobOf: (path) => target.snapshot.blobSha(path),
      deployments: wantsDeployments(card) && (!permissions || !!permissions.deployments),
      ...(packages ? { packages } : {}),
    },
  );
  if (root)
    records.workflows = Object.fromEntries(
      Object.entries(records.workflows).map(([path, r]) => [path.slice(root.length), r]),
    );
  if (wantsDeployments(card) && permissions && !permissions.deployments)
    records.deployment = { unreadable: "permission not granted" };
  return applyVerification(card, records, catalogue);
}
