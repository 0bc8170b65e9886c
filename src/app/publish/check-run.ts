import type { RestEndpointMethodTypes } from "@octokit/plugin-rest-endpoint-methods";
import { ANNOTATIONS_PER_REQUEST, type CheckRunOutput, type Conclusion } from "../../render/check-run.js";
import type { Octokit, RepoRef } from "../github.js";

export const CHECK_NAME = "MLOps readiness";
/** Marks the check runs this app made, apart from any other check that shares the name. */
const EXTERNAL_ID = "mlops-audit";

export interface ExistingCheckRun {
  id: number;
  status: string;
}

/** The latest check run of ours on this commit, if any: a redelivered event must not add another. */
export async function findCheckRun(octokit: Octokit, repo: RepoRef, sha: string) {
  const { data } = await octokit.rest.checks.listForRef({
    ...repo,
    ref: sha,
    check_name: CHECK_NAME,
    filter: "latest",
    per_page: 20,
  });
  const run = data.check_runs.find((r) => r.external_id === EXTERNAL_ID);
  return run ? { id: run.id, status: run.status } : undefined;
}

type CreateParameters = RestEndpointMethodTypes["checks"]["create"]["parameters"];
type Completion = Required<Pick<CreateParameters, "conclusion" | "output">> &
  Pick<CreateParameters, "details_url">;

/** A run already on the commit, or the commit a new run goes on. */
export type CheckRunTarget = { id: number } | { headSha: string };

/**
 * Writes a finished run in one request: an update of the run already open, or a new run created
 * complete, so an audit that finishes quickly costs one write of the installation's budget instead of two.
 */
async function finish(
  octokit: Octokit,
  repo: RepoRef,
  target: CheckRunTarget,
  body: Completion,
): Promise<number> {
  const finished = { ...body, status: "completed" as const, completed_at: new Date().toISOString() };
  if ("id" in target) {
    await octokit.rest.checks.update({ ...repo, check_run_id: target.id, ...finished });
    return target.id;
  }
  const { data } = await octokit.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: target.headSha,
    external_id: EXTERNAL_ID,
    ...finished,
  });
  return data.id;
}

export async function startCheckRun(octokit: Octokit, repo: RepoRef, sha: string): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: sha,
    external_id: EXTERNAL_ID,
    status: "in_progress",
    started_at: new Date().toISOString(),
  });
  return data.id;
}

/**
 * Completes the run with its output. GitHub takes 50 annotations per request, so the first 50 go with
 * the completion and the rest follow in updates that repeat the title and summary, as GitHub requires.
 */
export async function completeCheckRun(
  octokit: Octokit,
  repo: RepoRef,
  target: CheckRunTarget,
  output: CheckRunOutput,
  conclusion: Conclusion,
  /** The scorecard page, where the repository has one: GitHub's "View more details" goes there. */
  detailsUrl?: string,
): Promise<{ id: number; annotationsSent: number; annotationsLost: number; error?: unknown }> {
  const { annotations, ...text } = output;
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const id = await finish(octokit, repo, target, {
    conclusion,
    output: { ...text, annotations: batches[0] ?? [] },
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
  });
  // The run is complete and correct by now; a later batch that fails costs annotations, not the result.
  let sent = batches[0]?.length ?? 0;
  try {
    for (const batch of batches.slice(1)) {
      await octokit.rest.checks.update({
        ...repo,
        check_run_id: id,
        output: { title: text.title, summary: text.summary, annotations: batch },
      });
      sent += batch.length;
    }
  } catch (e) {
    return { id, annotationsSent: sent, annotationsLost: annotations.length - sent, error: e };
  }
  return { id, annotationsSent: sent, annotationsLost: 0 };
}

/** The audit could not finish: say why on the check run instead of leaving it spinning. */
export async function abandonCheckRun(
  octokit: Octokit,
  repo: RepoRef,
  target: CheckRunTarget,
  reason: string,
): Promise<void> {
  await finish(octokit, repo, target, {
    conclusion: "neutral",
    output: {
      title: "The audit could not finish",
      summary: `The audit stopped before it had a result: ${reason}.\n\nUse GitHub's **Re-run** to try again.`,
    },
  });
}
