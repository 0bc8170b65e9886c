import type { Context } from "probot";
import { LRUCache } from "lru-cache";
import {
  CONFIG_PATH,
  parseConfig,
  validateConfig,
  validateFailure,
  type ConfigResult,
} from "../config/load.js";
import type { Snapshot } from "../engine/snapshot.js";
import type { Catalogue } from "../engine/model.js";
import { describeError } from "../sources/github.js";

const CONFIG_FILE = "mlops-audit.yml";

/** Where a YAML error is, from the parse error the config plugin keeps as its cause. */
function yamlLine(e: unknown): number | undefined {
  const cause = (e as { cause?: { linePos?: { line: number }[] } }).cause;
  return cause?.linePos?.[0]?.line;
}

/**
 * The repository's config through Probot's `context.config`: read from the default branch (so a pull
 * request cannot rewrite its own audit), with the org's `.github` fallback and `_extends`. A config
 * that cannot be read or is invalid gives the defaults and an error the check run shows.
 */
export function loadRepositoryConfig(context: Context, catalogue: Catalogue): Promise<ConfigResult> {
  return validated(() => context.config(CONFIG_FILE), catalogue);
}

/** A config read through Probot's config plugin, validated; a read that fails says why. */
async function validated(read: () => Promise<unknown>, catalogue: Catalogue): Promise<ConfigResult> {
  let raw: unknown;
  try {
    raw = await read();
  } catch (e) {
    const cause = (e as { cause?: Error }).cause;
    const message = cause ? `not valid YAML: ${cause.message.split("\n")[0]}` : describeError(e);
    return validateFailure(CONFIG_PATH, message, yamlLine(e));
  }
  return validateConfig(raw ?? {}, CONFIG_PATH, catalogue);
}

/** How long the org's fallback config is trusted before it is read again. */
const ORG_CONFIG_TTL_MS = 10 * 60_000;
export const orgConfigCache = () =>
  new LRUCache<string, ConfigResult>({ max: 10_000, ttl: ORG_CONFIG_TTL_MS });

/** The org's `.github` fallback config, remembered per owner for ten minutes. */
export async function loadOrgConfig(
  context: Context,
  catalogue: Catalogue,
  orgConfigs: ReturnType<typeof orgConfigCache>,
): Promise<ConfigResult> {
  const { owner } = context.repo();
  const known = orgConfigs.get(owner);
  if (known) return known;
  const org = await validated(async () => {
    const { config, files } = await context.octokit.config.get({ owner, repo: ".github", path: CONFIG_PATH });
    return files.some((f) => f.config !== null) ? config : null;
  }, catalogue);
  // A failed read (GitHub down, a YAML error being fixed) is tried again next time.
  if (org.ok) orgConfigs.set(owner, org);
  return org;
}

/**
 * The config of a new head on the default branch, read from the audited commit itself: the tree is
 * read for the audit anyway, and the file's blob is cached by SHA, so a re-audit pays nothing for it.
 * A file that uses `_extends` is left to Probot, which knows how to follow it. Without a file, the
 * org's `.github` repository is the fallback (`orgConfig`, which the caller may have asked for already).
 */
export async function loadHeadConfig(
  context: Context,
  snapshot: Snapshot,
  catalogue: Catalogue,
  orgConfig: Promise<ConfigResult>,
): Promise<ConfigResult> {
  const file = await snapshot.read(CONFIG_PATH);
  if (file.ok) {
    const text = new TextDecoder().decode(file.bytes);
    if (/^_extends\s*:/m.test(text)) return loadRepositoryConfig(context, catalogue);
    return parseConfig(text, CONFIG_PATH, catalogue);
  }
  if (file.reason !== "not in the tree") return validateFailure(CONFIG_PATH, file.reason);
  return orgConfig;
}
