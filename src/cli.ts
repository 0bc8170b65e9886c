import { existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { settingsFrom } from "./config/load.js";
import { fixMain } from "./cli-fix.js";
import { audit } from "./engine/audit.js";
import { badgeSnippet } from "./render/badge.js";
import { localFilesOnly } from "./engine/verification.js";
import { progressLine } from "./render/progress.js";
import { loadCatalogue } from "./rules/load.js";
import { auditByName } from "./cli-by-name.js";
import { FORMATS, render, type Format } from "./cli-render.js";
import { githubOrigin } from "./sources/git-remote.js";
import { parseRepositoryName, type RepositoryName } from "./sources/github-repository.js";
import { localConfig } from "./cli-config.js";
import { LocalSource, reasonOf } from "./sources/local.js";
import type { RecordsCache } from "./sources/github-records.js";
import { keepingWorkflows, verifyWithToken, type RecordsAccess } from "./sources/records-with-token.js";
import { TOOL } from "./version.js";

const USAGE = `usage: mlops-audit DIR | OWNER/REPO[@REF] | https://github.com/OWNER/REPO [options]
       mlops-audit fix DIR [RULE-ID...] [--dry-run]   write the missing pieces (see mlops-audit fix --help)
  --format text|markdown|json|sarif|html   what to print (default text)
  --config FILE        a .github/mlops-audit.yml to use instead of the audited one
  --fail-below N       exit 1 when the score is under N (0-100)
  --api-url URL        GitHub's API for OWNER/REPO (default $GITHUB_API_URL or https://api.github.com)
  --version, --help
A path that exists is audited as a directory; OWNER/REPO is read through GitHub's API, with $GITHUB_TOKEN
when it is set. Exit codes: 0 audited, 1 under --fail-below, 2 bad arguments or unreadable target.`;

class UsageError extends Error {}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  /** The folder relative paths are resolved against (the caller's, under `npm run audit`). */
  cwd?: string;
  /** Whether stderr is a terminal: a long audit then shows a progress line there. */
  stderrIsTTY?: boolean;
  /** The environment (GITHUB_TOKEN, GITHUB_API_URL); the process's own when not given. */
  env?: Record<string, string | undefined>;
  /** GitHub's records, where the caller can read them for an audit the CLI cannot place on GitHub alone. */
  records?: {
    /** Where a directory's records are: the Action knows which repository and commit its workspace is. */
    directory?: RecordsAccess | { unavailable: string };
    /** Records read for another audit of the repository: a pull request's base reuses its head's. */
    cache?: RecordsCache;
    head?: string;
  };
}

function parse(argv: string[], cwd: string) {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: "string", default: "text" },
        config: { type: "string" },
        "fail-below": { type: "string" },
        "api-url": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return { help: true as const };
  if (values.version) return { version: true as const };
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length ? "give exactly one directory or repository" : "no directory or repository given",
    );
  if (!FORMATS.includes(values.format as Format)) throw new UsageError(`unknown format "${values.format}"`);
  let failBelow: number | undefined;
  if (values["fail-below"] !== undefined) {
    // Number("") is 0, which would silently turn the gate off.
    failBelow = values["fail-below"].trim() === "" ? NaN : Number(values["fail-below"]);
    if (!Number.isFinite(failBelow) || failBelow < 0 || failBelow > 100)
      throw new UsageError("--fail-below takes a number from 0 to 100");
  }
  // A path on disk wins over a name that merely looks like OWNER/REPO ("fixtures/repos").
  const target = positionals[0];
  const repository: RepositoryName | undefined = existsSync(resolve(cwd, target))
    ? undefined
    : parseRepositoryName(target);
  if (values["api-url"] !== undefined && !repository)
    throw new UsageError("--api-url applies only to an OWNER/REPO target");
  return {
    dir: target,
    repository,
    apiUrl: values["api-url"],
    format: values.format as Format,
    config: values.config,
    failBelow,
  };
}

/**
 * The README badge, for the repository's own people at their terminal: when the app's public address is set
 * (PUBLIC_URL) and the directory is a clone of a GitHub repository.
 */
function badgeOf(dir: string): string | undefined {
  const base = process.env.PUBLIC_URL;
  const origin = base ? githubOrigin(dir) : undefined;
  return base && origin ? badgeSnippet(base, origin.owner, origin.repo) : undefined;
}

export type CliArgs = Exclude<ReturnType<typeof parse>, { help: true } | { version: true }>;

/** Runs the CLI and returns its exit code: 0 audited, 1 below --fail-below, 2 bad usage, directory or config. */
export async function main(argv: string[], io: Io): Promise<number> {
  // `fix` is a command unless it is the one argument and a directory of that name exists.
  if (argv[0] === "fix" && !(argv.length === 1 && existsSync(resolve(io.cwd ?? process.cwd(), "fix"))))
    return fixMain(argv.slice(1), io);
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv, io.cwd ?? process.cwd());
  } catch (e) {
    io.stderr(`mlops-audit: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if ("help" in args) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if ("version" in args) {
    io.stdout(`${TOOL.name} ${TOOL.version}\n`);
    return 0;
  }
  if (args.repository) return auditByName(args, args.repository, io);
  const cwd = io.cwd ?? process.cwd();
  const dir = resolve(cwd, args.dir);
  const catalogue = loadCatalogue();
  const config = localConfig(dir, args.config, cwd, catalogue);
  if (!config.ok) {
    io.stderr(`mlops-audit: ${config.error}\n`);
    return 2;
  }
  for (const warning of config.warnings) io.stderr(`mlops-audit: warning: ${warning}\n`);
  const root = config.config.paths.root;
  if (root !== undefined && !isFolder(join(dir, root))) {
    io.stderr(`mlops-audit: paths.root "${root}" is not a folder of ${args.dir}\n`);
    return 2;
  }
  const progress = io.stderrIsTTY ? progressLine(io.stderr) : undefined;
  let source: LocalSource;
  try {
    source = await LocalSource.open(dir, progress?.report);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.stderr(
      `mlops-audit: cannot read ${args.dir}: ${code === "ENOENT" ? "no such directory" : reasonOf(e)}\n`,
    );
    return 2;
  }
  const access = io.records?.directory;
  const kept = access ? keepingWorkflows(source) : undefined;
  const judged = await audit(kept?.snapshot ?? source, {
    catalogue,
    settings: settingsFrom(config.config),
    tool: TOOL,
    target: { name: basename(dir), path: args.dir },
    progress: progress?.report,
  });
  // A directory alone has no workflow runs to read: said once, in the header.
  const card =
    access && kept
      ? await verifyWithToken(judged, access, kept.workflows, catalogue)
      : localFilesOnly(judged);
  progress?.end();
  io.stdout(render(card, args.format, io.isTTY, badgeOf(dir)));
  const failBelow = args.failBelow ?? config.config.thresholds.fail_below;
  return failBelow !== undefined && card.score < failBelow ? 1 : 0;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `npm run audit` runs in the package's folder; npm names the caller's in INIT_CWD, so `npm run -s audit -- .`
 * in a sub-folder audits that sub-folder. Only for this package's own script: elsewhere INIT_CWD is some
 * outer npm command's folder, not where this one was started.
 */
export function callerDirectory(): string {
  const env = process.env;
  const ownScript = env.npm_lifecycle_event === "audit" && env.npm_package_name === "mlops-audit";
  return ownScript && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}
