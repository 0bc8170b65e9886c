import { LRUCache } from "lru-cache";
import type { ProbotOctokit } from "probot";
import type { DeploymentRecord, PackageRecord, WorkflowRef } from "../engine/model.js";
import type { GitHubRecords, WorkflowRecords, WorkflowRun } from "../engine/verification.js";
import { describeError } from "./github.js";
import { readPackages, type PublishedImage } from "./ghcr-packages.js";

type ProbotClient = InstanceType<typeof ProbotOctokit>;
/** The REST methods read here: the app's Probot client has them, and so does any Octokit with REST methods. */
type RecordsClient = {
  rest: {
    actions: Pick<ProbotClient["rest"]["actions"], "listWorkflowRuns">;
    repos: Pick<ProbotClient["rest"]["repos"], "listDeployments" | "listDeploymentStatuses">;
    packages: Pick<ProbotClient["rest"]["packages"], "getPackageForUser" | "getPackageForOrganization">;
    users: Pick<ProbotClient["rest"]["users"], "getByUsername">;
  };
};

/** Enough completed runs to say "the last 3 runs failed" and to skip a few skipped ones. */
export const RUNS_PER_WORKFLOW = 10;
/**
 * Re-audits of the same head reuse what was read; a re-run asked for later still sees runs that finished
 * since, so an entry lives ten minutes.
 */
const RECORDS_TTL_MS = 10 * 60 * 1000;

/** The two reads verification needs; an Octokit adapter implements them, a test may fake them. */
export interface RecordsReader {
  /** Completed runs of one workflow file on a branch, newest first (scheduled ones only, when asked). */
  workflowRuns(file: string, branch: string, scheduled: boolean): Promise<WorkflowRun[]>;
  /** The latest deployment with its latest status, or null when there is none. */
  latestDeployment(): Promise<DeploymentRecord | null>;
  /** A container package of an account, where GitHub shows it; otherwise GitHub's error is thrown. */
  containerPackage(owner: string, name: string): Promise<{ url: string }>;
}

/** Records read for one repository at one head, by workflow blob: shared by every audit of a process. */
export class RecordsCache {
  private readonly entries = new LRUCache<string, { value: unknown }>({ max: 5000, ttl: RECORDS_TTL_MS });

  get<T>(key: string): { value: T } | undefined {
    return this.entries.get(key) as { value: T } | undefined;
  }

  set(key: string, value: unknown): void {
    this.entries.set(key, { value });
  }
}

export interface RecordsRequest {
  /** `owner/repo`, the audited commit and its default branch: part of every cache key. */
  repository: string;
  head: string;
  defaultBranch: string;
  workflows: WorkflowRef[];
  /** The blob SHA of a workflow file in the audited tree (a changed file is a new key). */
  blobOf: (path: string) => string | undefined;
  deployments: boolean;
  /** The images CI pushes to ghcr.io, and whether the repository is private (a 404 then proves nothing). */
  packages?: { images: PublishedImage[]; repositoryPrivate: boolean };
  /** The clock, for the "when" of the records. */
  now?: () => Date;
}

/** Why reading a record failed, in words for the scorecard; a missing workflow is not a failure. */
export function unreadable(e: unknown): string {
  const status = (e as { status?: number }).status;
  const said = String((e as { response?: { data?: { message?: unknown } } }).response?.data?.message ?? "");
  // An app's or Action's token says "by integration", a fine-grained token "by personal access token".
  if (status === 403 && /not accessible by (integration|personal access token)|must have admin/i.test(said))
    return "permission not granted";
  return describeError(e);
}

/** GitHub only runs workflows at the root's `.github/workflows/`; a file anywhere else has no records. */
const RUNNABLE = /^\.github\/workflows\/[^/]+\.ya?ml$/;

/**
 * Reads GitHub's records for an audit: one request per workflow, and one or two for deployments. A failed
 * read leaves that record unreadable ("not checked"); it never fails the audit.
 */
export async function readRecords(
  reader: RecordsReader,
  cache: RecordsCache,
  req: RecordsRequest,
): Promise<GitHubRecords> {
  const key = (what: string) => `${req.repository}@${req.head}:${what}`;
  const workflows: Record<string, WorkflowRecords> = {};
  const records: GitHubRecords = {
    at: (req.now?.() ?? new Date()).toISOString(),
    defaultBranch: req.defaultBranch,
    workflows,
  };
  // The three kinds of record are independent: read together, they cost one round trip, not three.
  const workflowReads = req.workflows.map(async (w) => {
    if (!RUNNABLE.test(w.path)) {
      workflows[w.path] = {
        unreadable: "GitHub runs only the workflows in .github/workflows/ at the root",
      };
      return;
    }
    const k = key(`${w.path}#${req.blobOf(w.path) ?? "?"}`);
    const cached = cache.get<WorkflowRecords>(k);
    if (cached) {
      workflows[w.path] = cached.value;
      return;
    }
    const file = w.path.slice(w.path.lastIndexOf("/") + 1);
    try {
      const runs = await reader.workflowRuns(file, req.defaultBranch, w.scheduled);
      workflows[w.path] = { runs };
      cache.set(k, workflows[w.path]);
    } catch (e) {
      if ((e as { status?: number }).status === 404) {
        workflows[w.path] = { missing: true };
        cache.set(k, workflows[w.path]);
      } else workflows[w.path] = { unreadable: unreadable(e) };
    }
  });
  const deploymentRead = async () => {
    if (!req.deployments) return;
    const k = key("deployments");
    const cached = cache.get<DeploymentRecord | null>(k);
    if (cached) records.deployment = cached.value;
    else
      try {
        records.deployment = await reader.latestDeployment();
        cache.set(k, records.deployment);
      } catch (e) {
        records.deployment = { unreadable: unreadable(e) };
      }
  };
  const packageReads = async () => {
    if (!req.packages?.images.length) return;
    const { images, repositoryPrivate } = req.packages;
    records.packages = await readPackages(reader, images, repositoryPrivate, {
      get: (image) => cache.get<PackageRecord>(key(`package:${image}`))?.value,
      set: (image, record) => cache.set(key(`package:${image}`), record),
    });
  };
  await Promise.all([...workflowReads, deploymentRead(), packageReads()]);
  return records;
}

/** The Actions and Deployments APIs through an Octokit. */
export function octokitRecordsReader(
  octokit: RecordsClient,
  owner: string,
  repo: string,
  /** The repository owner's account type (`User`, `Organization`), where it is known. */
  ownerType?: string,
): RecordsReader {
  const full = `${owner}/${repo}`.toLowerCase();
  const accountTypes = new Map<string, Promise<string>>();
  if (ownerType) accountTypes.set(owner.toLowerCase(), Promise.resolve(ownerType));
  /** A user's and an organization's packages are read at different addresses: the type is asked once. */
  const accountType = (login: string) => {
    const known = accountTypes.get(login.toLowerCase());
    if (known) return known;
    const asked = octokit.rest.users.getByUsername({ username: login }).then(({ data }) => data.type);
    accountTypes.set(login.toLowerCase(), asked);
    return asked;
  };
  return {
    async workflowRuns(file, branch, scheduled) {
      const { data } = await octokit.rest.actions.listWorkflowRuns({
        owner,
        repo,
        workflow_id: file,
        branch,
        status: "completed",
        exclude_pull_requests: true,
        per_page: RUNS_PER_WORKFLOW,
        ...(scheduled ? { event: "schedule" } : {}),
      });
      return data.workflow_runs.map((r) => ({
        conclusion: r.conclusion,
        url: r.html_url,
        at: r.updated_at,
        event: r.event,
        branch: r.head_branch,
        fromFork: !!r.head_repository && r.head_repository.full_name.toLowerCase() !== full,
      }));
    },
    async latestDeployment() {
      const { data: deployments } = await octokit.rest.repos.listDeployments({ owner, repo, per_page: 1 });
      const latest = deployments[0];
      if (!latest) return null;
      const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
        owner,
        repo,
        deployment_id: latest.id,
        per_page: 1,
      });
      const status = statuses[0];
      return {
        environment: latest.environment,
        state: status?.state ?? "pending",
        at: status?.created_at ?? latest.created_at,
        ...(status?.environment_url || status?.log_url
          ? { url: status.environment_url || status.log_url }
          : {}),
      };
    },
    async containerPackage(account, name) {
      const at = { package_type: "container" as const, package_name: name };
      const { data } =
        (await accountType(account)) === "Organization"
          ? await octokit.rest.packages.getPackageForOrganization({ ...at, org: account })
          : await octokit.rest.packages.getPackageForUser({ ...at, username: account });
      return { url: data.html_url };
    },
  };
}
