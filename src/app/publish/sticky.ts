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

interface Post {
  body?: string | null;
  user?: { type?: string } | null;
}

/** Finds ours among `posts` by its marker (only a bot's counts: people quote), then creates, edits or leaves it. */
async function upsert<T extends Post>(
  posts: T[],
  marker: string,
  content: string,
  create: (body: string) => Promise<unknown>,
  update: (post: T, body: string) => Promise<unknown>,
): Promise<Written> {
  const { body, hash } = withHash(content);
  const mine = posts.find((p) => p.user?.type === "Bot" && p.body?.includes(marker));
  if (!mine) {
    await create(body);
    return "created";
  }
  if (hashOf(mine.body) === hash) return "unchanged";
  await update(mine, body);
  return "updated";
}

/** What writing a comment needs: the app's installation client, or the Action's plain one. */
type CommentClient = Pick<Octokit, "paginate" | "rest">;

/** One comment per issue or pull request, edited in place only when its content hash changes. */
export async function upsertStickyComment(
  octokit: CommentClient,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
  content: string,
): Promise<Written> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  return upsert(
    comments,
    marker,
    content,
    (body) => octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body }),
    (c, body) => octokit.rest.issues.updateComment({ ...repo, comment_id: c.id, body }),
  );
}

export const ISSUE_MARKER = "<!-- mlops-audit:readiness-issue -->";
export const ISSUE_TITLE = "MLOps readiness";

/** The optional readiness issue, for repositories that work without pull requests. */
export async function upsertReadinessIssue(
  octokit: Octokit,
  repo: RepoRef,
  content: string,
): Promise<Written> {
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
    ...repo,
    state: "open",
    per_page: 100,
  });
  return upsert(
    issues,
    ISSUE_MARKER,
    `${ISSUE_MARKER}\n${content}`,
    (body) => octokit.rest.issues.create({ ...repo, title: ISSUE_TITLE, body }),
    (i, body) => octokit.rest.issues.update({ ...repo, issue_number: i.number, body }),
  );
}
