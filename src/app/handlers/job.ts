import { badgeSnippet, scorecardPageUrl } from "../../render/badge.js";
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
    pageUrl: pageFor(context),
    defaultBranch: context.payload.repository.default_branch,
    visibility: {
      private: context.payload.repository.private,
      ownerType: context.payload.repository.owner?.type,
    },
    config: config ?? (await loadRepositoryConfig(context, state.catalogue)),
    log: context.log,
  };
}

/** The app's public address (PUBLIC_URL), for a public repository only: a private one has no page. */
function publicBase(context: RepoContext): string | undefined {
  const base = process.env.PUBLIC_URL;
  return base && !context.payload.repository.private ? base : undefined;
}

/** The README badge snippet, for a public repository when the app has a public address. */
export function badgeFor(context: RepoContext): string | undefined {
  const base = publicBase(context);
  return base ? badgeSnippet(base, ...ownerAndName(context)) : undefined;
}

/** The repository's public scorecard page, when it has one. */
export function pageFor(context: RepoContext): string | undefined {
  const base = publicBase(context);
  return base ? scorecardPageUrl(base, ...ownerAndName(context)) : undefined;
}

function ownerAndName(context: RepoContext): [string, string] {
  return context.payload.repository.full_name.split("/") as [string, string];
}
