import type { Context } from "probot";
import { renderMarkdown } from "../../render/markdown.js";
import { auditCommit, linksAt, type AppState } from "../auditor.js";
import { upsertReadinessIssue } from "../publish/sticky.js";
import { badgeFor, commitJob } from "./job.js";

/** A push to the default branch: audit the new head, and keep the readiness issue if configured. */
export function onPush(state: AppState) {
  return async (context: Context<"push">) => {
    const p = context.payload;
    if (p.deleted || /^0+$/.test(p.after) || p.ref !== `refs/heads/${p.repository.default_branch}`) return;
    const job = await commitJob(context, state, {
      sha: p.after,
      trigger: "push",
      rerun: false,
      needScorecard: false,
    });
    const wantsIssue = job.config.config.report.issue;
    const outcome = await auditCommit(state, { ...job, needScorecard: wantsIssue });
    if (!outcome || !wantsIssue) return;
    const links = linksAt(job.htmlUrl, job.sha, job.config.config.paths.root);
    const written = await state.threads.with(`${p.repository.full_name}#readiness`, () =>
      upsertReadinessIssue(
        job.octokit,
        job.repo,
        renderMarkdown(outcome.card, { links, badge: badgeFor(context) }),
      ),
    );
    context.log.info({ written }, "readiness issue");
  };
}

/**
 * GitHub asks for a check suite on every push. On the default branch that is the same commit the push
 * handler audits; the audit queue and the existing check run make sure it is audited once.
 */
export function onCheckSuiteRequested(state: AppState) {
  return async (context: Context<"check_suite.requested">) => {
    const suite = context.payload.check_suite;
    if (suite.head_branch !== context.payload.repository.default_branch) return;
    await auditCommit(
      state,
      await commitJob(context, state, {
        sha: suite.head_sha,
        trigger: "check_suite",
        rerun: false,
        needScorecard: false,
      }),
    );
  };
}
