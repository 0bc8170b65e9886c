import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_PATH, DEFAULT_CONFIG, parseConfig, type ConfigResult } from "./config/load.js";
import type { Catalogue } from "./engine/model.js";

/** The config a local audit uses: `--config FILE`, else the directory's own, else the defaults; or an error line. */
export function localConfig(
  dir: string,
  configArg: string | undefined,
  catalogue: Catalogue,
): { ok: true; config: typeof DEFAULT_CONFIG } | { ok: false; error: string } {
  const configFile = configArg ?? join(dir, CONFIG_PATH);
  if (configArg === undefined && !existsSync(configFile)) return { ok: true, config: DEFAULT_CONFIG };
  let text: string;
  try {
    text = readFileSync(configFile, "utf8");
  } catch {
    return { ok: false, error: `cannot read config ${configFile}` };
  }
  const config: ConfigResult = parseConfig(text, configArg ?? CONFIG_PATH, catalogue);
  return config.ok ? config : { ok: false, error: `invalid config: ${config.error}` };
}
