import type { Context } from "probot";
import { linksAt } from "../../render/status.js";
import { renderMarkdown } from "../../render/markdown.js";
import { DEFAULT_CONFIG, type ConfigResult } from "../../config/load.js";
import type { GitHubSnapshot } from "../../sources/github.js";
import { auditCommit, openSnapshot, type AppState } from "../auditor.js";
import { loadHeadConfig, loadOrgConfig } from "../config.js";
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
  // The head's tree comes first: the config is read from it, and the audit reuses it. The org's fallback
  // config is asked for meanwhile, since a repository without a config of its own needs it next; it is
  // remembered per owner, so a repository with one pays for it at most once in ten minutes.
  const snapshot = openSnapshot(state, { octokit: context.octokit, repo: context.repo() }, sha);
  const orgConfig = loadOrgConfig(context, state.catalogue, state.orgConfigs);
  const job = await commitJob(
    context,
    state,
    { sha, trigger, rerun: false, needScorecard: false },
    await headConfig(state, context, snapshot, orgConfig),
  );
  const wantsIssue = job.config.config.report.issue;
  const outcome = await auditCommit(state, { ...job, snapshot, needScorecard: wantsIssue });
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

/**
 * The config in the head's tree. When the tree cannot be read the audit cannot run either: the defaults
 * stand in, and the audit reports the tree's error on its check run.
 */
async function headConfig(
  state: AppState,
  context: Context<"push" | "check_suite.requested">,
  snapshot: Promise<GitHubSnapshot>,
  orgConfig: Promise<ConfigResult>,
): Promise<ConfigResult> {
  const opened = await snapshot.catch(() => undefined);
  return opened
    ? loadHeadConfig(context, opened, state.catalogue, orgConfig)
    : { ok: true, config: DEFAULT_CONFIG };
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
