import type { Context } from "probot";
import type { Catalogue, Rule } from "../../engine/model.js";
import { linksAt } from "../../render/status.js";
import { renderComment } from "../../render/comment.js";
import { COMMENT_MARKER } from "../../render/markdown.js";
import { describeError } from "../../sources/github.js";
import { auditCommit, type AppState } from "../auditor.js";
import { renderFixReply } from "../../render/fix.js";
import { fixPlanAt, openFixPullRequest } from "../fix.js";
import { upsertStickyComment } from "../publish/sticky.js";
import { badgeFor, commitJob } from "./job.js";
import { auditPullRequest } from "./pull-request.js";

export type Command =
  | { kind: "audit" }
  | { kind: "help" }
  | { kind: "explain"; ruleId?: string }
  | { kind: "fix"; ruleId?: string; pullRequest: boolean }
  | { kind: "unknown"; word: string };

/** The command on the comment's first line, or nothing when the comment is not addressed to us. */
export function parseCommand(body: string): Command | undefined {
  const match = /^\/mlops-audit(?:\s+(\S+)(?:\s+(\S+))?)?\s*$/.exec(
    body.trimStart().split(/\r?\n/)[0].trimEnd(),
  );
  if (!match) return undefined;
  const [, word, arg] = match;
  if (!word) return { kind: "audit" };
  if (word === "help") return { kind: "help" };
  if (word === "explain") return { kind: "explain", ruleId: arg };
  if (word === "fix" || word === "fix-pr")
    return { kind: "fix", ruleId: arg, pullRequest: word === "fix-pr" };
  return { kind: "unknown", word };
}

export const HELP = [
  "**mlops-audit commands** (for people with write access)",
  "",
  "- `/mlops-audit` audits again: this pull request's head, or the default branch on an issue, and updates the scorecard comment.",
  "- `/mlops-audit explain <rule-id>` says what a rule checks, why it matters and how to pass it.",
  "- `/mlops-audit fix <rule-id>` answers with the files that would make the rule pass, written for this repository.",
  "- `/mlops-audit fix-pr <rule-id>` opens a pull request with them, where the app may write (installed from `app.write.yml`).",
  "- `/mlops-audit help` shows this list.",
].join("\n");

/** "There is no rule …", with the rules it might have meant; undefined when the rule exists. */
function unknownRule(catalogue: Catalogue, ruleId: string | undefined): string | undefined {
  const rules = catalogue.phases.flatMap((p) => p.rules);
  if (rules.some((r) => r.id === ruleId)) return undefined;
  const near = rules.filter(
    (r) => ruleId && (r.id.startsWith(ruleId.split(".")[0]) || r.id.includes(ruleId)),
  );
  const list = (near.length ? near : rules).map((r) => `\`${r.id}\``).join(", ");
  return `${ruleId ? `There is no rule \`${ruleId.slice(0, 100)}\`.` : "Which rule?"} Try one of: ${list}.`;
}

function explain(catalogue: Catalogue, ruleId: string | undefined): string {
  const unknown = unknownRule(catalogue, ruleId);
  if (unknown) return unknown;
  const rule: Rule = catalogue.phases.flatMap((p) => p.rules).find((r) => r.id === ruleId)!;
  const phase = catalogue.phases.find((p) => p.id === rule.phase)?.name ?? rule.phase;
  return [
    `### ${rule.title} \`${rule.id}\``,
    `Phase: ${phase} · weight ${rule.weight}`,
    "",
    `**Why it matters.** ${rule.why.trim()}`,
    "",
    `**How to pass.** ${rule.remediation.trim()}`,
    "",
    `[Read more](${rule.docs})`,
  ].join("\n");
}

/** Write, maintain and admin may command the app; `author_association` is not reliable for this. */
async function mayCommand(context: Context<"issue_comment.created">): Promise<boolean> {
  try {
    const { data } = await context.octokit.rest.repos.getCollaboratorPermissionLevel({
      ...context.repo(),
      username: context.payload.sender.login,
    });
    return (
      ["admin", "write"].includes(data.permission) || ["admin", "maintain", "write"].includes(data.role_name)
    );
  } catch (e) {
    if ((e as { status?: number }).status === 404) return false;
    throw e;
  }
}

async function react(context: Context<"issue_comment.created">, content: "+1" | "confused") {
  await context.octokit.rest.reactions.createForIssueComment({
    ...context.repo(),
    comment_id: context.payload.comment.id,
    content,
  });
}

async function reply(context: Context<"issue_comment.created">, body: string) {
  await context.octokit.rest.issues.createComment(context.issue({ body }));
}

/** Audits what the thread is about: a pull request's head against its base, or the default branch. */
async function auditThread(state: AppState, context: Context<"issue_comment.created">) {
  const { issue, repository } = context.payload;
  if (issue.pull_request) {
    const { data: pr } = await context.octokit.rest.pulls.get(context.pullRequest());
    await auditPullRequest(state, context, pr, "command");
    return;
  }
  const { data: branch } = await context.octokit.rest.repos.getBranch({
    ...context.repo(),
    branch: repository.default_branch,
  });
  const job = await commitJob(context, state, {
    sha: branch.commit.sha,
    trigger: "command",
    rerun: true,
    needScorecard: true,
  });
  const outcome = await auditCommit(state, job);
  if (!outcome) return;
  const links = linksAt(job.htmlUrl, job.sha, job.config.config.paths.root);
  await state.threads.with(`${repository.full_name}#${issue.number}`, () =>
    upsertStickyComment(
      job.octokit,
      job.repo,
      issue.number,
      COMMENT_MARKER,
      renderComment(outcome.card, {
        links,
        pageUrl: job.pageUrl,
        checkRunUrl: outcome.checkRunUrl,
        badge: badgeFor(context),
      }),
    ),
  );
}

/**
 * The files that would make one rule pass, at the thread's commit (a pull request's head, or the default branch),
 * as a reply; with `fix-pr`, on a new branch in a pull request where the app may write, else how to apply them.
 */
async function answerFix(
  state: AppState,
  context: Context<"issue_comment.created">,
  rule: string,
  pullRequest: boolean,
) {
  const { issue, repository } = context.payload;
  let base: { sha: string; branch?: string };
  if (issue.pull_request) {
    const { data: pr } = await context.octokit.rest.pulls.get(context.pullRequest());
    // A fork's branch is not the app's to write to: its files are shown, never pushed.
    const own = pr.head.repo?.full_name === repository.full_name;
    base = { sha: pr.head.sha, branch: own ? pr.head.ref : undefined };
  } else {
    const { data: branch } = await context.octokit.rest.repos.getBranch({
      ...context.repo(),
      branch: repository.default_branch,
    });
    base = { sha: branch.commit.sha, branch: repository.default_branch };
  }
  const job = await commitJob(context, state, {
    sha: base.sha,
    trigger: "command",
    rerun: false,
    needScorecard: true,
  });
  const plan = await fixPlanAt(state, job, base.sha, [rule]);
  const hasFiles = plan.fixes.some((f) => f.files.length);
  let pullRequestUrl: string | undefined;
  let refused = "";
  if (pullRequest && hasFiles && base.branch) {
    try {
      const body = renderFixReply(plan, [rule], { canOpenPullRequest: true });
      pullRequestUrl = await openFixPullRequest(
        job.octokit,
        job.repo,
        { sha: base.sha, branch: base.branch },
        [rule],
        plan,
        body,
      );
    } catch (e) {
      const status = (e as { status?: number }).status;
      if (status !== 403 && status !== 404) throw e;
      refused =
        "The app may not write to this repository (it was installed without `contents: write`), so here are the files.\n\n";
    }
  } else if (pullRequest && hasFiles)
    refused = "This pull request's branch is in a fork, which the app does not write to.\n\n";
  await reply(
    context,
    refused + renderFixReply(plan, [rule], { canOpenPullRequest: !refused && pullRequest, pullRequestUrl }),
  );
}

export function onComment(state: AppState) {
  return async (context: Context<"issue_comment.created">) => {
    const command = parseCommand(context.payload.comment.body);
    if (!command) return;
    if (!(await mayCommand(context))) {
      context.log.info({ user: context.payload.sender.login }, "command from a user without write access");
      await react(context, "confused");
      return;
    }
    switch (command.kind) {
      case "help":
        return reply(context, HELP);
      case "unknown":
        return reply(context, `Unknown command \`${command.word.slice(0, 50)}\`.\n\n${HELP}`);
      case "explain":
        return reply(context, explain(state.catalogue, command.ruleId));
      case "fix": {
        const unknown = unknownRule(state.catalogue, command.ruleId);
        if (unknown) return reply(context, unknown);
        try {
          return await answerFix(state, context, command.ruleId!, command.pullRequest);
        } catch (e) {
          await reply(context, `The fix could not be prepared: ${describeError(e)}. Try again later.`);
          throw e;
        }
      }
    }
    try {
      await auditThread(state, context);
    } catch (e) {
      await reply(
        context,
        `The audit could not finish: ${describeError(e)}. Try \`/mlops-audit\` again later.`,
      );
      throw e;
    }
    await react(context, "+1");
  };
}
