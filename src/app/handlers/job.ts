import { badgeSnippet } from "../../render/badge.js";
import type { Context } from "probot";
import type { AppState, CommitJob, Trigger } from "../auditor.js";
import type { ConfigResult } from "../../config/load.js";
import { loadRepositoryConfig } from "../config.js";

type RepoContext = Context<"push" | "pull_request" | "check_run" | "check_suite" | "issue_comment">;

/** The parts of a commit job every event supplies the same way. */
export async function commitJob(
  context: RepoContext,
  state: AppState,
  job: { sha: string; trigger: Trigger; rerun: boolean; needScorecard: boolean; base?: CommitJob["base"] },
  config?: ConfigResult,
): Promise<CommitJob> {
  return {
    ...job,
    octokit: context.octokit,
    repo: context.repo(),
    htmlUrl: context.payload.repository.html_url,
    config: config ?? (await loadRepositoryConfig(context, state.catalogue)),
    log: context.log,
  };
}

/** The README badge snippet, for a public repository when the app has a public address (PUBLIC_URL). */
export function badgeFor(context: RepoContext): string | undefined {
  const { repository } = context.payload;
  const base = process.env.PUBLIC_URL;
  return base && !repository.private
    ? badgeSnippet(base, ...(repository.full_name.split("/") as [string, string]))
    : undefined;
}
