import type { Context } from "probot";
import { linksAt } from "../../render/status.js";
import { renderComment } from "../../render/comment.js";
import { COMMENT_MARKER } from "../../render/markdown.js";
import { auditCommit, openSnapshot, type AppState, type Trigger } from "../auditor.js";
import { upsertStickyComment } from "../publish/sticky.js";
import { badgeFor, commitJob } from "./job.js";

type PullRequestContext = Context<"pull_request" | "issue_comment">;

export interface PullRequestRef {
  number: number;
  head: { sha: string };
  base: { sha: string; ref: string };
}

/** Audits a pull request's head against its base, then writes the one sticky comment. */
export async function auditPullRequest(
  state: AppState,
  context: PullRequestContext,
  pr: PullRequestRef,
  trigger: Trigger,
): Promise<void> {
  // The head's tree is read while the config is: it does not depend on it.
  const snapshot = openSnapshot(state, { octokit: context.octokit, repo: context.repo() }, pr.head.sha);
  snapshot.catch(() => {}); // its error is the audit's, met when the audit reads the files
  const job = await commitJob(context, state, {
    sha: pr.head.sha,
    trigger,
    rerun: trigger === "command",
    needScorecard: true,
    base: { sha: pr.base.sha, label: pr.base.ref },
  });
  const outcome = await auditCommit(state, { ...job, snapshot });
  if (!outcome) return;
  const body = renderComment(outcome.card, {
    links: linksAt(job.htmlUrl, job.sha, job.config.config.paths.root),
    delta: outcome.delta,
    pageUrl: job.pageUrl,
    checkRunUrl: outcome.checkRunUrl,
    badge: badgeFor(context),
    fixes: outcome.fixes,
  });
  const written = await state.threads.with(`${context.payload.repository.full_name}#${pr.number}`, () =>
    upsertStickyComment(job.octokit, job.repo, pr.number, COMMENT_MARKER, body),
  );
  context.log.info({ pr: pr.number, written }, "sticky comment");
}

export function onPullRequest(state: AppState) {
  return async (
    context: Context<
      | "pull_request.opened"
      | "pull_request.synchronize"
      | "pull_request.reopened"
      | "pull_request.ready_for_review"
    >,
  ) => auditPullRequest(state, context, context.payload.pull_request, "pull_request");
}
