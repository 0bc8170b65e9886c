import type {
  Catalogue,
  DeploymentRecord,
  Finding,
  PackageRecord,
  Scorecard,
  Verification,
  WorkflowRef,
} from "./model.js";
import { ruleNextAction } from "./next-steps.js";
import { rescored } from "./score.js";

/**
 * Verification from GitHub's records: the files say what is configured, the workflow runs say whether it
 * ran. A pure step after judging: findings + records in, findings with `verification` and the catalogue's one
 * status rule out (a CI-only pass whose pipeline's latest completed default-branch run failed is partial).
 */

/** One completed run of a workflow, reduced to what the verdict reads (GitHub lists the newest first). */
export interface WorkflowRun {
  conclusion: string | null;
  url: string;
  /** When it finished. */
  at: string;
  event: string;
  branch: string | null;
  /** The run's head is in another repository (a fork's pull request): it never counts. */
  fromFork: boolean;
}

/** What GitHub answered for one workflow file. */
export type WorkflowRecords =
  | { runs: WorkflowRun[] }
  /** GitHub knows no workflow by that file name: new, renamed or deleted. */
  | { missing: true }
  /** The records could not be read (rate limit, an error). */
  | { unreadable: string };

export interface GitHubRecords {
  /** When the records were read: ages are measured from here, so the output is a function of its input. */
  at: string;
  defaultBranch: string;
  /** By workflow path. */
  workflows: Record<string, WorkflowRecords>;
  /** The latest deployment and its latest status, where delivery or a cloud deployment passes. */
  deployment?: DeploymentRecord | { unreadable: string } | null;
  /** The container packages CI pushes to ghcr.io, where delivery passes. */
  packages?: PackageRecord[];
}

/** Why no record at all was read: local files, a permission not granted. Said once, in the header. */
export type RecordsUnavailable = { unavailable: string };

/** The rules whose pass can rest on CI (the catalogue's list). */
export const VERIFIABLE_RULES = new Set([
  "foundations.code-quality",
  "cicd.pipeline",
  "cicd.tests",
  "cicd.ml-automation",
  "cicd.delivery",
  "cicd.integration-env",
  "cloud.iac",
  "cloud.deployment",
  "retraining.automated",
  "data.validation",
  "monitoring.drift",
]);
const DEPLOYING_RULES = new Set(["cicd.delivery", "cloud.deployment"]);

const SUCCEEDED = new Set(["success"]);
const FAILED = new Set(["failure", "timed_out", "cancelled", "startup_failure"]);
/** A run of a pull request never speaks for the default branch, even from a branch named like it. */
const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);
/** Best first: a pass with several pipelines takes the best of them. */
const RANK: Record<Verification["state"], number> = {
  verified: 3,
  "never-run": 2,
  "not-checked": 1,
  failing: 0,
};

/** The workflows whose records an audit wants: those that CI evidence of a verifiable rule comes from. */
export function workflowsToVerify(card: Scorecard): WorkflowRef[] {
  const wanted = new Map<string, WorkflowRef>();
  for (const f of card.rules)
    if (VERIFIABLE_RULES.has(f.id) && (f.status === "pass" || f.status === "partial"))
      for (const e of f.evidence) if (e.workflow) wanted.set(e.workflow.path, e.workflow);
  return [...wanted.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Whether the audit wants the repository's deployments. */
export function wantsDeployments(card: Scorecard): boolean {
  return card.rules.some((f) => DEPLOYING_RULES.has(f.id) && f.status === "pass");
}

/** The verdict on one workflow from its runs: the latest completed default-branch run decides. */
export function workflowVerdict(
  ref: WorkflowRef,
  records: WorkflowRecords | undefined,
  defaultBranch: string,
): Verification {
  const of = ref.path;
  if (!records) return { state: "not-checked", of, reason: "not read" };
  if ("unreadable" in records) return { state: "not-checked", of, reason: records.unreadable };
  if ("missing" in records)
    return {
      state: "never-run",
      of,
      reason: "GitHub has no workflow of this file on the default branch (new, renamed or deleted)",
    };
  const counted = records.runs.filter(
    (r) =>
      r.branch === defaultBranch &&
      !r.fromFork &&
      !PULL_REQUEST_EVENTS.has(r.event) &&
      (!ref.scheduled || r.event === "schedule") &&
      r.conclusion !== null &&
      (SUCCEEDED.has(r.conclusion) || FAILED.has(r.conclusion)),
  );
  const latest = counted[0];
  if (!latest)
    return {
      state: "never-run",
      of,
      reason: ref.scheduled
        ? "its schedule has never fired on the default branch"
        : "no completed run on the default branch",
    };
  if (SUCCEEDED.has(latest.conclusion!)) return { state: "verified", of, url: latest.url, at: latest.at };
  const streak = counted.findIndex((r) => SUCCEEDED.has(r.conclusion!));
  return {
    state: "failing",
    of,
    url: latest.url,
    at: latest.at,
    failedRuns: streak === -1 ? counted.length : streak,
  };
}

function best(verifications: Verification[]): Verification {
  return verifications.reduce((a, b) => (RANK[b.state] > RANK[a.state] ? b : a));
}

/** Only what the audit credits is checked: a failed rule's evidence is what is wrong, not what ran. */
function verifiedFinding(f: Finding, records: GitHubRecords): Finding {
  if (!VERIFIABLE_RULES.has(f.id) || (f.status !== "pass" && f.status !== "partial")) return f;
  const evidence = f.evidence.map((e) =>
    e.workflow
      ? {
          ...e,
          verification: workflowVerdict(
            e.workflow,
            records.workflows[e.workflow.path],
            records.defaultBranch,
          ),
        }
      : e,
  );
  const verifications = evidence.flatMap((e) => (e.verification ? [e.verification] : []));
  const out: Finding = { ...f, evidence };
  if (verifications.length) out.verification = best(verifications);
  const deployment = records.deployment;
  if (DEPLOYING_RULES.has(f.id) && f.status === "pass" && deployment && !("unreadable" in deployment))
    out.deployment = deployment;
  if (f.id === "cicd.delivery" && f.status === "pass" && records.packages?.length)
    out.packages = records.packages;
  // The one status rule: a pass resting on CI alone, every pipeline of it failing, is configured but failing.
  const ciOnly = evidence.length > 0 && evidence.every((e) => e.workflow);
  if (f.status === "pass" && ciOnly && out.verification?.state === "failing") {
    const v = out.verification;
    const runs = v.failedRuns && v.failedRuns > 1 ? `the last ${v.failedRuns} runs` : "the latest run";
    out.status = "partial";
    out.credit = 0.5;
    out.message = `Configured but failing: ${runs} of ${v.of} on the default branch failed. ${f.message}`;
  }
  return out;
}

/**
 * The scorecard with GitHub's records applied. Statuses only ever fall (pass → partial), so rules that
 * depend on these ones (the capstone asks for "at least partial") keep theirs; scores, level and the
 * checklist are recomputed from the findings.
 */
export function applyVerification(
  card: Scorecard,
  records: GitHubRecords | RecordsUnavailable,
  catalogue: Catalogue,
): Scorecard {
  if ("unavailable" in records)
    return { ...card, verification: { checked: false, note: `not verified: ${records.unavailable}` } };
  const rules = card.rules.map((f) => verifiedFinding(f, records));
  const madePartial = new Set(rules.filter((f, i) => f.status !== card.rules[i].status).map((f) => f.id));
  const counts = { verified: 0, failing: 0 };
  for (const f of rules)
    if (f.verification?.state === "verified") counts.verified++;
    else if (f.verification?.state === "failing") counts.failing++;
  // What could not be read is said here, once, not on every rule it touches.
  const unread = Object.entries(records.workflows).flatMap(([path, r]) =>
    "unreadable" in r ? [`${path} (${r.unreadable})`] : [],
  );
  const notChecked =
    (unread.length ? ` Not checked: ${unread.join(", ")}.` : "") +
    (records.deployment && "unreadable" in records.deployment
      ? ` Deployments not checked (${records.deployment.unreadable}).`
      : "");
  const ruleAction = ruleNextAction(catalogue.phases.flatMap((p) => p.rules));
  // A rule made partial by its runs is fixed by making the run pass, not by editing what the rule read.
  const action = (f: Finding) =>
    madePartial.has(f.id)
      ? `Make ${f.verification?.of ?? "the workflow"} pass on ${records.defaultBranch}: its latest run failed${f.verification?.url ? ` (${f.verification.url})` : ""}.`
      : ruleAction(f);
  return rescored(
    {
      ...card,
      rules,
      verification: {
        checked: true,
        at: records.at,
        note: `verified against GitHub's workflow runs on ${records.defaultBranch}: ${counts.verified} rule(s) verified, ${counts.failing} failing.${notChecked}`,
      },
    },
    catalogue,
    action,
  );
}

/** What a local directory audit says once, in its header. */
export function localFilesOnly(card: Scorecard): Scorecard {
  return { ...card, verification: { checked: false, note: "not verified (local files only)" } };
}
