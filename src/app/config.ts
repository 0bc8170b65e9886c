import type { Context } from "probot";
import { CONFIG_PATH, validateConfig, validateFailure, type ConfigResult } from "../config/load.js";
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
export async function loadRepositoryConfig(context: Context, catalogue: Catalogue): Promise<ConfigResult> {
  let raw: unknown;
  try {
    raw = await context.config(CONFIG_FILE);
  } catch (e) {
    const cause = (e as { cause?: Error }).cause;
    const message = cause ? `not valid YAML: ${cause.message.split("\n")[0]}` : describeError(e);
    return validateFailure(CONFIG_PATH, message, yamlLine(e));
  }
  return validateConfig(raw ?? {}, CONFIG_PATH, catalogue);
}
