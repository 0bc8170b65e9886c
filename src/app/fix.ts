import { settingsFrom } from "../config/load.js";
import { MAX_FILE_BYTES, readSnapshot, scorecardFromFacts } from "../engine/audit.js";
import { buildFacts } from "../engine/facts/index.js";
import { planFixes, type Fix, type FixPlan } from "../fix/index.js";
import { TOOL } from "../version.js";
import { openSnapshot, type AppState, type AuditTarget } from "./auditor.js";
import type { Octokit, RepoRef } from "./github.js";

/**
 * The fixes for some rules at a commit. Fixers need the audit's facts, which do not cross to the engine's
 * threads, so this one audit is judged here; it runs only when someone asks for a fix.
 */
export async function fixPlanAt(
  state: AppState,
  target: AuditTarget,
  sha: string,
  rules: string[],
): Promise<FixPlan> {
  const snapshot = await openSnapshot(state, target, sha);
  const settings = settingsFrom(target.config.config);
  const files = await readSnapshot(snapshot, settings, MAX_FILE_BYTES, state.blobConcurrency);
  const facts = buildFacts(files);
  const card = scorecardFromFacts(facts, {
    catalogue: state.catalogue,
    settings,
    tool: TOOL,
    target: { name: `${target.repo.owner}/${target.repo.repo}`, commit: sha },
  });
  const plan = planFixes(facts, card, state.catalogue, rules);
  // The audit leaves out ignored and excluded paths; a fix must still never land on a file the commit has.
  const taken = new Set(snapshot.entries.map((e) => e.path));
  const clash = (f: Fix) => f.files.find((file) => taken.has(file.path));
  return {
    fixes: plan.fixes.filter((f) => !clash(f)),
    skipped: [
      ...plan.skipped,
      ...plan.fixes.filter(clash).flatMap((f) =>
        f.rules.map((rule) => ({
          rule,
          reason: `${clash(f)!.path} exists, though the audit does not read it`,
        })),
      ),
    ],
  };
}

/**
 * A branch with the planned files on top of `base` and a pull request into `base.branch`: five writes, and only
 * with `contents: write` and `pull_requests: write` (the app.write.yml installation). A file the commit already
 * has is never in a plan, so the new tree only adds.
 */
export async function openFixPullRequest(
  octokit: Octokit,
  repo: RepoRef,
  base: { sha: string; branch: string },
  rules: string[],
  plan: FixPlan,
  body: string,
): Promise<string> {
  const files = plan.fixes.flatMap((f) => f.files);
  const { data: commit } = await octokit.rest.git.getCommit({ ...repo, commit_sha: base.sha });
  const { data: tree } = await octokit.rest.git.createTree({
    ...repo,
    base_tree: commit.tree.sha,
    tree: files.map((f) => ({
      path: f.path,
      mode: "100644" as const,
      type: "blob" as const,
      content: f.content,
    })),
  });
  const title = `Add what ${rules.join(", ")} need${rules.length === 1 ? "s" : ""}`;
  const { data: created } = await octokit.rest.git.createCommit({
    ...repo,
    message: `${title}\n\nSuggested by mlops-audit from this repository's own setup.`,
    tree: tree.sha,
    parents: [base.sha],
  });
  const branch = `mlops-audit/fix-${rules.join("-").replace(/[^\w.-]+/g, "-")}-${base.sha.slice(0, 7)}`;
  await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: created.sha });
  const { data: pr } = await octokit.rest.pulls.create({
    ...repo,
    title,
    head: branch,
    base: base.branch,
    body,
  });
  return pr.html_url;
}
