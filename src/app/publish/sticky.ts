import { createHash } from "node:crypto";
import type { Octokit, RepoRef } from "../github.js";

const HASH_MARKER = /<!-- mlops-audit:hash=([0-9a-f]+) -->/;

/** The body with a hidden hash of its content, so an unchanged result is never written again. */
export function withHash(body: string): { body: string; hash: string } {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return { body: `${body}\n<!-- mlops-audit:hash=${hash} -->`, hash };
}

function hashOf(body: string | undefined | null): string | undefined {
  return body ? HASH_MARKER.exec(body)?.[1] : undefined;
}

type Written = "created" | "updated" | "unchanged";

/**
 * One comment per issue or pull request, found by its marker among comments written by a bot, and
 * edited in place only when its content hash changes.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
  content: string,
): Promise<Written> {
  const { body, hash } = withHash(content);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const mine = comments.find((c) => c.user?.type === "Bot" && c.body?.includes(marker));
  if (!mine) {
    await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
    return "created";
  }
  if (hashOf(mine.body) === hash) return "unchanged";
  await octokit.rest.issues.updateComment({ ...repo, comment_id: mine.id, body });
  return "updated";
}

export const ISSUE_MARKER = "<!-- mlops-audit:readiness-issue -->";
export const ISSUE_TITLE = "MLOps readiness";

/** The optional readiness issue, for repositories that work without pull requests. */
export async function upsertReadinessIssue(
  octokit: Octokit,
  repo: RepoRef,
  content: string,
): Promise<Written> {
  const { body, hash } = withHash(`${ISSUE_MARKER}\n${content}`);
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
    ...repo,
    state: "open",
    per_page: 100,
  });
  const mine = issues.find((i) => i.user?.type === "Bot" && i.body?.includes(ISSUE_MARKER));
  if (!mine) {
    await octokit.rest.issues.create({ ...repo, title: ISSUE_TITLE, body });
    return "created";
  }
  if (hashOf(mine.body) === hash) return "unchanged";
  await octokit.rest.issues.update({ ...repo, issue_number: mine.number, body });
  return "updated";
}
