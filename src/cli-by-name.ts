import { readFileSync } from "node:fs";
import { configInSnapshot, parseConfig, settingsFrom, type ConfigResult } from "./config/load.js";
import { audit } from "./engine/audit.js";
import type { Snapshot } from "./engine/snapshot.js";
import { linksAt } from "./render/status.js";
import { loadCatalogue } from "./rules/load.js";
import { RecordsCache } from "./sources/github-records.js";
import { keepingWorkflows, verifyWithToken } from "./sources/records-with-token.js";
import {
  countingSnapshot,
  GITHUB_API,
  openRepository,
  RepositoryError,
  restClient,
  type RepositoryName,
} from "./sources/github-repository.js";
import { TOOL } from "./version.js";
import type { CliArgs, Io } from "./cli.js";
import { render } from "./cli-render.js";

/** How many blobs are fetched at once: GitHub asks clients not to hammer it, and 8 keeps a 300-file audit quick. */
const BLOB_CONCURRENCY = 8;

/** One progress line on a terminal's stderr, rewritten in place; nothing at all anywhere else. */
function progressLine(io: Io) {
  let shown = false;
  return {
    show(text: string) {
      if (!io.stderrIsTTY) return;
      io.stderr(`\r\x1b[K${text}`);
      shown = true;
    },
    clear() {
      if (shown) io.stderr("\r\x1b[K");
    },
  };
}

async function configOf(args: CliArgs, snapshot: Snapshot, catalogue: ReturnType<typeof loadCatalogue>) {
  let config: ConfigResult;
  if (args.config !== undefined) {
    let text: string;
    try {
      text = readFileSync(args.config, "utf8");
    } catch (e) {
      throw new RepositoryError(`cannot read config ${args.config}: ${(e as Error).message}`);
    }
    config = parseConfig(text, args.config, catalogue);
  } else config = await configInSnapshot(snapshot, catalogue);
  if (!config.ok) throw new RepositoryError(`invalid config: ${config.error}`);
  return config;
}

/** Audits a repository on GitHub by name, as `main` audits a directory. */
export async function auditByName(args: CliArgs, name: RepositoryName, io: Io): Promise<number> {
  const env = io.env ?? process.env;
  const apiUrl = args.apiUrl || env.GITHUB_API_URL || GITHUB_API;
  const token = env.GITHUB_TOKEN || undefined;
  const where = { apiUrl, authenticated: !!token };
  const progress = progressLine(io);
  const label = `${name.owner}/${name.repo}${name.ref ? `@${name.ref}` : ""}`;
  try {
    progress.show(`${label}: reading the tree…`);
    const octokit = restClient({ token, apiUrl, userAgent: `${TOOL.name}/${TOOL.version}` });
    const repo = await openRepository(octokit, name, where);
    const at = `${repo.fullName}@${repo.sha.slice(0, 7)}`;
    const kept = keepingWorkflows(repo.snapshot);
    const snapshot = countingSnapshot(kept.snapshot, (done, of) =>
      progress.show(`${at}: tree read (${repo.snapshot.entries.length} files); read ${done} of ${of}`),
    );
    const catalogue = loadCatalogue();
    const config = await configOf(args, snapshot, catalogue);
    const judged = await audit(snapshot, {
      catalogue,
      settings: settingsFrom(config.config),
      tool: TOOL,
      target: { name: repo.fullName, commit: repo.sha, url: repo.htmlUrl },
      concurrency: BLOB_CONCURRENCY,
    });
    repo.checkReads();
    // Without a token the hourly 60 requests go to the files; the records are read with one only.
    const [owner, repoName] = repo.fullName.split("/");
    const access = token
      ? {
          octokit,
          owner,
          repo: repoName,
          defaultBranch: repo.defaultBranch,
          private: repo.private,
          ownerType: repo.ownerType,
          head: io.records?.head ?? repo.sha,
          prefix: "",
          cache: io.records?.cache ?? new RecordsCache(),
        }
      : { unavailable: "no GITHUB_TOKEN is set" };
    if (token) progress.show(`${at}: reading GitHub's records…`);
    const card = await verifyWithToken(judged, access, kept.workflows, catalogue);
    progress.clear();
    const links = linksAt(repo.htmlUrl, repo.sha, config.config.paths.root);
    io.stdout(render(card, args.format, io.isTTY, undefined, links));
    const failBelow = args.failBelow ?? config.config.thresholds.fail_below;
    return failBelow !== undefined && card.score < failBelow ? 1 : 0;
  } catch (e) {
    progress.clear();
    if (!(e instanceof RepositoryError)) throw e;
    io.stderr(`mlops-audit: ${label}: ${e.message}\n`);
    return 2;
  }
}
