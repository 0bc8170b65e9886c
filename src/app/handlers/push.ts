import type { Context } from "probot";
import { renderMarkdown } from "../../render/markdown.js";
import { auditCommit, linksAt, type AppState } from "../auditor.js";
import { upsertReadinessIssue } from "../publish/sticky.js";
import { badgeFor, commitJob } from "./job.js";

/**
 * A new head on the default branch: audit it, and keep the readiness issue if configured. Both a push
 * and the check suite GitHub requests for it arrive here; the queue joins them, and the existing check
 * run and the unchanged issue body make a late second delivery a no-op.
 */
async function auditDefaultHead(
  state: AppState,
  context: Context<"push" | "check_suite.requested">,
  sha: string,
  trigger: "push" | "check_suite",
) {
  const job = await commitJob(context, state, { sha, trigger, rerun: false, needScorecard: false });
  const wantsIssue = job.config.config.report.issue;
  const outcome = await auditCommit(state, { ...job, needScorecard: wantsIssue });
  if (!outcome || !wantsIssue) return;
  const links = linksAt(job.htmlUrl, job.sha, job.config.config.paths.root);
  const { repository } = context.payload;
  const written = await state.threads.with(`${repository.full_name}#readiness`, () =>
    upsertReadinessIssue(
      job.octokit,
      job.repo,
      renderMarkdown(outcome.card, { links, badge: badgeFor(context) }),
    ),
  );
  context.log.info({ written }, "readiness issue");
}

export function onPush(state: AppState) {
  return async (context: Context<"push">) => {
    const p = context.payload;
    if (p.deleted || /^0+$/.test(p.after) || p.ref !== `refs/heads/${p.repository.default_branch}`) return;
    await auditDefaultHead(state, context, p.after, "push");
  };
}

/** GitHub asks for a check suite on every push; on the default branch it is the pushed head. */
export function onCheckSuiteRequested(state: AppState) {
  return async (context: Context<"check_suite.requested">) => {
    const suite = context.payload.check_suite;
    if (suite.head_branch !== context.payload.repository.default_branch) return;
    await auditDefaultHead(state, context, suite.head_sha, "check_suite");
  };
}
