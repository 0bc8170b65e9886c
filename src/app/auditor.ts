import type { Logger } from "pino";
import { configWarnings, settingsFrom, type ConfigResult } from "../config/load.js";
import { MAX_FILE_BYTES, readSnapshot } from "../engine/audit.js";
import { textReachOf } from "../engine/text-reach.js";
import { judgeWithFixes, type FixPlan, type Judged } from "../fix/index.js";
import type { Catalogue, Scorecard } from "../engine/model.js";
import { conclusionOf, renderCheckRun, type Conclusion } from "../render/check-run.js";
import { deltaOf, type Delta } from "../render/delta.js";
import { linksAt } from "../render/status.js";
import type { GitCache } from "../sources/git-cache.js";
import { describeError, GitHubSnapshot, octokitGitReader } from "../sources/github.js";
import type { RecordsCache } from "../sources/github-records.js";
import { TOOL } from "../version.js";
import type { orgConfigCache } from "./config.js";
import type { Drain } from "./drain.js";
import type { EngineThreads } from "./engine-threads.js";
import type { Octokit, RepoRef } from "./github.js";
import type { Metrics } from "./metrics.js";
import { verifyScorecard } from "./verify.js";
import { cacheKey, type publicCache } from "./public/cache.js";
import type { PublicAudits } from "./public/uninstalled.js";
import {
  abandonCheckRun,
  completeCheckRun,
  findCheckRun,
  startCheckRun,
  type CheckRunTarget,
} from "./publish/check-run.js";
import type { Background, KeyedLock, WorkQueue } from "./queue/in-process.js";

export type Trigger = "push" | "check_suite" | "pull_request" | "rerequest" | "command";

/** What every handler shares: the rules, the object cache, the queue and the counters. */
export interface AppState {
  catalogue: Catalogue;
  /** Threads that judge the rules, off the thread that answers webhooks; without them, judged inline. */
  engine?: EngineThreads;
  /** How many files one audit reads at once. */
  blobConcurrency: number;
  /** Files read many at a time through GitHub's GraphQL API; without it, one REST request each. */
  batchedReads: boolean;
  /** An audit still running after this long shows an in-progress check run until it finishes. */
  inProgressAfterMs: number;
  cache: GitCache;
  /** Workflow runs and deployments read for recent audits. */
  records: RecordsCache;
  metrics: Metrics;
  queue: WorkQueue;
  /** Serialises writes to one issue or pull request's comments. */
  threads: KeyedLock;
  /** Handlers still running after their webhook was acknowledged. */
  background: Background;
  /** Org `.github` fallback configs by owner, for a while. */
  orgConfigs: ReturnType<typeof orgConfigCache>;
  /** Latest public scorecards by repository, forgotten when the app audits that repository again. */
  publicCards: ReturnType<typeof publicCache>;
  /** Refuses deliveries once the process shuts down, and knows which it took are not yet done. */
  drain: Drain;
  /** Audits of public repositories without the app, when turned on. */
  publicAudits?: PublicAudits;
}

export interface CommitJob {
  octokit: Octokit;
  repo: RepoRef;
  /** The repository's web address, for evidence links at the commit. */
  htmlUrl: string;
  /** The repository's public scorecard page, where it has one. */
  pageUrl?: string;
  /** Whose workflow runs count: GitHub's records are read on this branch only. */
  defaultBranch: string;
  /** Whether the repository is private, and its owner's account type: where its GHCR packages are looked up. */
  visibility?: { private: boolean; ownerType?: string };
  sha: string;
  trigger: Trigger;
  /** A re-run asks for a new check run even when one exists for the commit. */
  rerun: boolean;
  /** The caller needs the scorecard even when the commit was already checked (to write a comment). */
  needScorecard: boolean;
  config: ConfigResult;
  /** The commit's snapshot, when the handler opened it already (to read the config in it, or alongside it). */
  snapshot?: Promise<GitHubSnapshot>;
  /** For a pull request: the base to compare with. */
  base?: { sha: string; label: string };
  log: Logger;
}

export interface AuditOutcome {
  card: Scorecard;
  /** Files that would make failing rules pass, for the comment's suggested-file blocks. */
  fixes?: FixPlan;
  delta?: Delta;
  conclusion: Conclusion;
  /** The check run with every rule, when the commit has one of ours. */
  checkRunUrl?: string;
}

/** Where and how to audit: enough to judge a commit without a webhook (the public pages use it too). */
export type AuditTarget = Pick<CommitJob, "octokit" | "repo" | "htmlUrl" | "config">;

const GITHUB_WORKFLOW = /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;

/** The tree of a commit, from the cache when an earlier audit read it. */
export function openSnapshot(state: AppState, target: Pick<AuditTarget, "octokit" | "repo">, sha: string) {
  const git = octokitGitReader(target.octokit, target.repo.owner, target.repo.repo, state.batchedReads);
  return GitHubSnapshot.open(git, sha, state.cache);
}

/** A commit's tree and the files its rules read, as the target's config asks. */
export interface CommitFiles {
  snapshot: GitHubSnapshot;
  files: Awaited<ReturnType<typeof readSnapshot>>;
}

/** Opens the commit's tree (unless the caller did) and reads the files the config's rules ask for. */
export async function readCommit(
  state: AppState,
  target: Pick<AuditTarget, "octokit" | "repo" | "config">,
  sha: string,
  opened?: Promise<GitHubSnapshot>,
): Promise<CommitFiles> {
  const snapshot = await (opened ?? openSnapshot(state, target, sha));
  const settings = settingsFrom(target.config.config);
  // Plain text no rule reads (a project's JavaScript, its docs) is scanned for secrets as it arrives and let go,
  // as the CLI does: it is neither held for the audit nor sent to an engine thread.
  const reach = textReachOf(state.catalogue, settings.customRules);
  const files = await readSnapshot(
    snapshot,
    settings,
    MAX_FILE_BYTES,
    state.blobConcurrency,
    undefined,
    reach,
  );
  return { snapshot, files };
}

/** A commit's scorecard and the fixes for its failing rules, judged on an engine thread where there are some. */
export async function judgedOf(
  state: AppState,
  target: AuditTarget,
  sha: string,
  notes: string[] = [],
  read: Promise<CommitFiles> = readCommit(state, target, sha),
  /** Filled with the GitHub workflow files the audit read, for verification, which reads none again. */
  workflows?: Map<string, string>,
): Promise<Judged> {
  const { snapshot, files } = await read;
  const settings = settingsFrom(target.config.config);
  if (workflows)
    for (const [path, text] of files.texts) if (GITHUB_WORKFLOW.test(path)) workflows.set(path, text);
  const input = {
    settings,
    tool: TOOL,
    target: { name: `${target.repo.owner}/${target.repo.repo}`, commit: sha, url: target.htmlUrl },
    notes: [...notes, ...snapshot.notes],
  };
  return state.engine
    ? state.engine.judge(files, input)
    : judgeWithFixes(files, { ...input, catalogue: state.catalogue });
}

export async function scorecardOf(...args: Parameters<typeof judgedOf>): Promise<Scorecard> {
  return (await judgedOf(...args)).card;
}

/**
 * A commit judged, then checked against GitHub's records of the default branch. `recordsOf` names the head
 * whose audit reads them: a pull request's base reuses what its head read.
 */
export async function verifiedJudgedOf(
  state: AppState,
  target: AuditTarget & Pick<CommitJob, "defaultBranch" | "visibility">,
  sha: string,
  options: { notes?: string[]; read?: Promise<CommitFiles>; recordsOf?: string } = {},
): Promise<Judged> {
  const read = options.read ?? readCommit(state, target, sha);
  const workflows = new Map<string, string>();
  const judged = await judgedOf(state, target, sha, options.notes, read, workflows);
  const records = { ...target, sha: options.recordsOf ?? sha, snapshot: (await read).snapshot, workflows };
  return { ...judged, card: await verifyScorecard(judged.card, records, state.catalogue, state.records) };
}

export async function verifiedScorecardOf(...args: Parameters<typeof verifiedJudgedOf>): Promise<Scorecard> {
  return (await verifiedJudgedOf(...args)).card;
}

/** The base branch's scorecard, or nothing: a delta is a bonus, never a reason to fail the audit. */
async function baseScorecard(state: AppState, job: CommitJob) {
  if (!job.base) return undefined;
  try {
    // The default branch's runs, read once for this audit: the head's records serve an unchanged workflow.
    return await verifiedScorecardOf(state, job, job.base.sha, { recordsOf: job.sha });
  } catch (e) {
    job.log.warn({ base: job.base.sha, reason: describeError(e) }, "base branch not audited");
    return undefined;
  }
}

/**
 * The check run an audit publishes to. Most audits finish before anyone would see a spinner, so the run
 * is created only when the result is written, complete, in one request; an audit still running after
 * `inProgressAfterMs` opens an in-progress run first, which the result then completes.
 */
function pendingCheckRun(state: AppState, job: CommitJob, existing: number | undefined) {
  let opening: Promise<number | undefined> | undefined;
  const timer =
    existing === undefined
      ? setTimeout(() => {
          opening = startCheckRun(job.octokit, job.repo, job.sha).catch((e: unknown) => {
            job.log.warn({ reason: describeError(e) }, "could not open an in-progress check run");
            return undefined;
          });
        }, state.inProgressAfterMs)
      : undefined;
  return {
    /** Where the result goes: the open run, or a new one on the commit. */
    async target(): Promise<CheckRunTarget> {
      clearTimeout(timer);
      const id = existing ?? (await opening);
      return id === undefined ? { headSha: job.sha } : { id };
    },
  };
}

async function checkCommit(state: AppState, job: CommitJob): Promise<AuditOutcome | undefined> {
  const { octokit, repo, log } = job;
  // The files are read while GitHub lists the commit's runs: neither answer waits for the other. Listed
  // here, inside the commit's turn in the queue, the runs include any that a joined audit wrote.
  const read = readCommit(state, job, job.sha, job.snapshot);
  // An audit that stops at the list leaves the read unawaited; an audit that goes on meets its error.
  read.catch(() => {});
  const existing = job.rerun ? undefined : await findCheckRun(octokit, repo, job.sha);
  if (existing?.status === "completed" && !job.needScorecard) {
    log.info({ sha: job.sha, checkRun: existing.id }, "commit already audited; nothing to do");
    return undefined;
  }
  const started = Date.now();
  const run = existing?.status === "completed" ? undefined : pendingCheckRun(state, job, existing?.id);
  try {
    const notes = job.config.ok
      ? configWarnings(job.config.config).map((w) => `Config: ${w}.`)
      : [`The config is invalid, so this audit used the defaults: ${job.config.error}`];
    const { card, fixes } = await verifiedJudgedOf(state, job, job.sha, { notes, read });
    const base = await baseScorecard(state, job);
    const delta = base && job.base ? deltaOf(base, card, job.base.label) : undefined;
    const conclusion = conclusionOf(card.score, job.config.config.thresholds);
    let runId: number | undefined;
    if (run) {
      const root = job.config.config.paths.root;
      const output = renderCheckRun(card, { links: linksAt(job.htmlUrl, job.sha, root), delta, root });
      const sent = await completeCheckRun(octokit, repo, await run.target(), output, conclusion, job.pageUrl);
      runId = sent.id;
      if (sent.annotationsLost)
        log.warn(
          { checkRun: runId, lost: sent.annotationsLost, reason: describeError(sent.error) },
          "some annotations could not be added to the completed check run",
        );
    }
    state.publicCards.delete(cacheKey(repo.owner, repo.repo));
    state.metrics.audits.inc({ trigger: job.trigger, conclusion });
    state.metrics.duration.observe({ trigger: job.trigger }, (Date.now() - started) / 1000);
    log.info({ sha: job.sha, score: card.score, conclusion, checkRun: runId }, "audited");
    const runOfCommit = runId ?? existing?.id;
    const checkRunUrl = runOfCommit === undefined ? undefined : `${job.htmlUrl}/runs/${runOfCommit}`;
    return { card, fixes, delta, conclusion, checkRunUrl };
  } catch (e) {
    state.metrics.audits.inc({ trigger: job.trigger, conclusion: "error" });
    if (run)
      await abandonCheckRun(octokit, repo, await run.target(), describeError(e)).catch((err: unknown) =>
        log.error({ reason: describeError(err) }, "could not report the failed audit on its check run"),
      );
    throw e;
  }
}

/**
 * Audits one commit and publishes its check run. Concurrent events for the same commit join one
 * audit; a re-run always gets its own.
 */
export function auditCommit(state: AppState, job: CommitJob): Promise<AuditOutcome | undefined> {
  const key = `${job.repo.owner}/${job.repo.repo}@${job.sha}${job.base ? `..${job.base.sha}` : ""}`;
  return job.rerun
    ? state.queue.run(() => checkCommit(state, job))
    : state.queue.once(key, () => checkCommit(state, job));
}
