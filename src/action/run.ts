import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import * as core from "@actions/core";
import { upsertStickyComment } from "../app/publish/sticky.js";
import { main, type Io } from "../cli.js";
import type { Scorecard } from "../engine/model.js";
import { annotationsFor } from "../render/check-run.js";
import { deltaLines, deltaOf, type Delta } from "../render/delta.js";
import { renderComment } from "../render/comment.js";
import { COMMENT_MARKER, renderMarkdown } from "../render/markdown.js";
import { renderSarif } from "../render/sarif.js";
import { headline, linksAt } from "../render/status.js";
import { describeError } from "../sources/github.js";
import { GITHUB_API, restClient, type RestClient } from "../sources/github-repository.js";
import { RecordsCache } from "../sources/github-records.js";
import type { RecordsAccess } from "../sources/records-with-token.js";
import { TOOL } from "../version.js";

/**
 * The GitHub Action: audits the checked-out workspace with the CLI's own code path, then reports the
 * way a workflow expects (job summary, outputs, annotations, the app's sticky comment on a pull
 * request) and fails the step only below fail-below.
 */

interface PullRequest {
  number: number;
  base: { sha: string; ref: string };
}

/** The repository as the event names it: every event a workflow runs on carries it. */
interface EventRepository {
  default_branch?: string;
  private?: boolean;
  owner?: { type?: string };
}

/** The CLI, in this process, with its output captured. */
async function cli(args: string[], env: Record<string, string | undefined> = {}, records?: Io["records"]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    isTTY: false,
    env,
    records,
  });
  return { code, stdout, stderr: stderr.trim() };
}

function eventOf(): { pull_request?: PullRequest; repository?: EventRepository } {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as { pull_request?: PullRequest };
  } catch {
    return {};
  }
}

/**
 * Where the workspace's records are: the workflow's repository, read with the Action's token. The event
 * names its default branch and visibility; an event that does not costs one request for the repository.
 */
async function recordsAccess(
  octokit: RestClient | undefined,
  repository: string,
  sha: string,
  event: EventRepository | undefined,
  prefix: string,
  cache: RecordsCache,
): Promise<RecordsAccess | { unavailable: string }> {
  const [owner, repo] = repository.split("/");
  if (!octokit) return { unavailable: "the Action was given no token" };
  if (!owner || !repo) return { unavailable: "GITHUB_REPOSITORY does not name the repository" };
  let known = event;
  if (known?.default_branch === undefined || known.private === undefined)
    try {
      known = (await octokit.rest.repos.get({ owner, repo })).data;
    } catch (e) {
      return { unavailable: `the repository could not be read (${describeError(e)})` };
    }
  return {
    octokit,
    owner,
    repo,
    defaultBranch: known.default_branch!,
    private: known.private!,
    ownerType: known.owner?.type,
    head: sha,
    prefix,
    cache,
  };
}

/** The base branch's scorecard, read through GitHub's API: a delta is a bonus, never a reason to fail. */
async function baseDelta(
  card: Scorecard,
  pr: PullRequest,
  repository: string,
  token: string,
  config: string[],
  records: Io["records"],
) {
  const base = await cli(
    [`${repository}@${pr.base.sha}`, "--format", "json", "--api-url", process.env.GITHUB_API_URL || GITHUB_API, ...config],
    { GITHUB_TOKEN: token },
    records,
  );
  if (base.code === 2) {
    core.info(`The base branch was not audited, so the comment has no delta: ${base.stderr}`);
    return undefined;
  }
  return deltaOf(JSON.parse(base.stdout) as Scorecard, card, pr.base.ref);
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** One run of the Action, in the runner's environment; its exit code (the step fails on 1). */
export async function runAction(): Promise<number> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const repository = process.env.GITHUB_REPOSITORY ?? "";
  const sha = process.env.GITHUB_SHA ?? "";
  const token = core.getInput("token");
  const configInput = core.getInput("config");
  const failBelow = core.getInput("fail-below");
  const config = configInput ? ["--config", resolve(workspace, configInput)] : [];
  const event = eventOf();
  const octokit = token
    ? restClient({ token, apiUrl: process.env.GITHUB_API_URL, userAgent: `${TOOL.name}/${TOOL.version}` })
    : undefined;
  const audit = resolve(workspace, core.getInput("path") || ".");
  const inWorkspace = relative(workspace, audit).split("\\").join("/");
  // The records of the workflow's repository, read once: a pull request's base reuses them.
  const records = { cache: new RecordsCache(), head: sha };
  const directory = await recordsAccess(
    octokit,
    repository,
    sha,
    event.repository,
    inWorkspace ? `${inWorkspace}/` : "",
    records.cache,
  );

  const audited = await cli(
    [audit, "--format", "json", ...config, ...(failBelow ? ["--fail-below", failBelow] : [])],
    {},
    { directory },
  );
  if (audited.code === 2) {
    core.setFailed(audited.stderr.replace(/\nusage:[\s\S]*/, ""));
    return 1;
  }
  const card = JSON.parse(audited.stdout) as Scorecard;
  const htmlUrl = `${process.env.GITHUB_SERVER_URL || "https://github.com"}/${repository}`;
  card.target = { ...card.target, name: repository, commit: sha, url: htmlUrl };
  const links = linksAt(htmlUrl, sha, card.target.root);

  const pr = event.pull_request;
  const commentInput = core.getInput("comment") || "auto";
  const wantsComment = commentInput === "auto" ? !!pr : core.getBooleanInput("comment");
  let delta: Delta | undefined;
  if (pr && token) delta = await baseDelta(card, pr, repository, token, config, records);
  const summary = renderMarkdown(card, { links, preface: delta ? deltaLines(delta) : undefined });
  // The app's short comment; the whole scorecard is in the run's summary, which it links to.
  const runId = process.env.GITHUB_RUN_ID;
  const comment = renderComment(card, {
    links,
    delta,
    checkRunUrl: runId ? `${htmlUrl}/actions/runs/${runId}` : undefined,
  });

  const report = join(process.env.RUNNER_TEMP || tmpdir(), "mlops-audit", "report.json");
  writeFile(report, JSON.stringify(card, null, 2) + "\n");
  const sarif = core.getInput("sarif");
  if (sarif) writeFile(resolve(workspace, sarif), renderSarif(card));
  core.setOutput("score", card.score);
  core.setOutput("grade", card.grade);
  core.setOutput("level", card.level.value);
  core.setOutput("report", report);
  // Appended as core.summary does, without its memory of the first file it wrote: each run names its own.
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${summary}\n`);
  for (const a of annotationsFor(card, card.target.root)) {
    const at = { file: a.path, startLine: a.start_line, title: a.title };
    if (a.annotation_level === "failure") core.error(a.message, at);
    else core.warning(a.message, at);
  }
  core.info(`MLOps readiness ${headline(card)} (${card.level.name}) · ${TOOL.name} ${TOOL.version}`);

  if (wantsComment && !pr) core.info("comment: true, but this run is not for a pull request; no comment written.");
  if (wantsComment && pr) {
    const [owner, repo] = repository.split("/");
    try {
      const written = await upsertStickyComment(
        octokit ?? restClient({ apiUrl: process.env.GITHUB_API_URL, userAgent: `${TOOL.name}/${TOOL.version}` }),
        { owner, repo },
        pr.number,
        COMMENT_MARKER,
        comment,
      );
      core.info(`Pull request comment: ${written}.`);
    } catch (e) {
      // A pull request from a fork gets a read-only token: the scorecard is still in the summary.
      core.warning(`The pull request comment was not written: ${describeError(e)}`);
    }
  }

  if (audited.code === 1) {
    core.setFailed(`The readiness score ${card.score} is below fail-below (${failBelow || "the config's fail_below"}).`);
    return 1;
  }
  return 0;
}
