import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type * as z from "zod";
import type { Catalogue, Phase } from "../engine/model.js";
import {
  catalogueCacheDir,
  readCachedCatalogue,
  trustedCacheDir,
  writeCachedCatalogue,
  type Warn,
} from "./cache.js";
import { phaseFileSchema, rulesetFileSchema } from "./schema.js";

/**
 * The rules folder shipped beside the code: the nearest `rules/ruleset.yml` above this module, which is
 * `src/rules/` from a checkout, `dist/src/rules/` when compiled, and one bundled file in the installed CLI
 * or the Action.
 */
function findRulesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, "rules", "ruleset.yml"))) return join(dir, "rules");
    dir = dirname(dir);
  }
  throw new RuleFileError(`no rules/ruleset.yml above ${fileURLToPath(import.meta.url)}`);
}

export class RuleFileError extends Error {}

export const RULES_DIR = findRulesDir();

/** A zod issue as a person reads it: the rule id and the key path that is wrong. */
export function describeIssue(doc: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  let ruleId: string | undefined;
  if (path[0] === "rules" && Array.isArray((doc as { rules?: unknown[] })?.rules)) {
    const rule = (doc as { rules: { id?: unknown }[] }).rules[Number(path[1])];
    if (typeof rule?.id === "string") ruleId = rule.id;
  }
  const key = path.join(".");
  return `${ruleId ? `rule ${ruleId}: ` : ""}${key ? `at ${key}: ` : ""}${issue.message}`;
}

export function parsePhaseFile(file: string, text: string): Phase & { order: number } {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new RuleFileError(`${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const parsed = phaseFileSchema.safeParse(doc);
  if (!parsed.success) throw new RuleFileError(`${file}: ${describeIssue(doc, parsed.error.issues[0])}`);
  const { phase, name, order, rules } = parsed.data;
  for (const r of rules) {
    if (!r.id.startsWith(`${phase}.`))
      throw new RuleFileError(`${file}: rule ${r.id}: id must start with "${phase}."`);
  }
  return { id: phase, name, order, rules: rules.map((r) => ({ ...r, phase })) };
}

export interface LoadOptions {
  /** Where the compiled catalogue is cached; by default the user's own cache folder. */
  cacheDir?: string;
  /** Where a cache that cannot be trusted is reported. */
  warn?: Warn;
}

const warnOnStderr: Warn = (message) => process.stderr.write(`mlops-audit: warning: ${message}\n`);

/**
 * Loads and validates every rule file; a broken one fails loudly, naming file, rule and key.
 * Parsing 90 KB of YAML is the slow part of starting the CLI, so the validated catalogue is cached,
 * keyed by a hash of every rule file's bytes: any edit to a rule file misses the cache.
 */
export function loadCatalogue(dir = RULES_DIR, options: LoadOptions = {}): Catalogue {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .sort();
  const texts = new Map(names.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
  const hash = createHash("sha256");
  for (const [name, text] of texts) hash.update(`${name}\0${text}\0`);
  const key = hash.digest("hex");
  const warn = options.warn ?? warnOnStderr;
  const cacheDir = trustedCacheDir(options.cacheDir ?? catalogueCacheDir(), warn);
  const cached = cacheDir && readCachedCatalogue(cacheDir, key, warn);
  if (cached) return cached;
  const catalogue = parseCatalogue(dir, texts);
  if (cacheDir) writeCachedCatalogue(cacheDir, key, catalogue);
  return catalogue;
}

/** Validates the rule files of a folder, given their texts (file name → YAML). */
export function parseCatalogue(dir: string, texts: Map<string, string>): Catalogue {
  const phases = [...texts]
    .filter(([f]) => f !== "ruleset.yml")
    .map(([f, text]) => parsePhaseFile(join(dir, f), text));
  phases.sort((a, b) => a.order - b.order);
  const rulesetPath = join(dir, "ruleset.yml");
  const doc = parse(texts.get("ruleset.yml") ?? "");
  const ruleset = rulesetFileSchema.safeParse(doc);
  if (!ruleset.success)
    throw new RuleFileError(`${rulesetPath}: ${describeIssue(doc, ruleset.error.issues[0])}`);
  const ids = new Set<string>();
  for (const r of phases.flatMap((p) => p.rules)) {
    if (ids.has(r.id)) throw new RuleFileError(`rule ${r.id} is defined twice`);
    ids.add(r.id);
  }
  const definitions = ruleset.data.definitions;
  const missing = (where: string, p: unknown): void => {
    if (!p || typeof p !== "object") return;
    const use = (p as { use?: unknown }).use;
    if (typeof use === "string" && !(use in definitions))
      throw new RuleFileError(`${where}: uses "${use}", which rules/ruleset.yml does not define`);
    for (const v of Object.values(p)) (Array.isArray(v) ? v : [v]).forEach((x) => missing(where, x));
  };
  for (const r of phases.flatMap((p) => p.rules)) {
    missing(`rule ${r.id}`, [r.pass, r.partial]);
    for (const name of Object.keys(r.messages?.missing ?? {}))
      if (!(name in definitions))
        throw new RuleFileError(
          `rule ${r.id}: messages.missing names "${name}", which rules/ruleset.yml does not define`,
        );
  }
  missing("the checklist", ruleset.data.checklist);
  return {
    version: ruleset.data.version,
    definitions,
    phases: phases.map(({ order: _order, ...p }) => p),
    checklist: ruleset.data.checklist,
  };
}
