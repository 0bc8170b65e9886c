import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CONFIG_PATH, configWarnings, DEFAULT_CONFIG, parseConfig } from "./config/load.js";
import type { Config } from "./config/schema.js";
import type { Catalogue } from "./engine/model.js";
import { reasonOf } from "./sources/local.js";

/**
 * The config a local audit uses: `--config FILE` (resolved against the caller's folder), else the
 * directory's own, else the defaults; with the warnings it deserves, or the one line that refuses it.
 */
export function localConfig(
  dir: string,
  configArg: string | undefined,
  cwd: string,
  catalogue: Catalogue,
): { ok: true; config: Config; warnings: string[] } | { ok: false; error: string } {
  const configFile = configArg !== undefined ? resolve(cwd, configArg) : join(dir, CONFIG_PATH);
  if (configArg === undefined && !existsSync(configFile))
    return { ok: true, config: DEFAULT_CONFIG, warnings: [] };
  const shown = configArg ?? CONFIG_PATH;
  let text: string;
  try {
    text = readFileSync(configFile, "utf8");
  } catch (e) {
    return { ok: false, error: `cannot read config ${shown}: ${reasonOf(e)}` };
  }
  const config = parseConfig(text, shown, catalogue);
  if (!config.ok) return { ok: false, error: `invalid config: ${config.error}` };
  return { ok: true, config: config.config, warnings: configWarnings(config.config) };
}
