import { LineCounter, parseDocument, isNode, type Node } from "yaml";
import type { AuditSettings } from "../engine/audit.js";
import type { Catalogue } from "../engine/model.js";
import type { Snapshot } from "../engine/snapshot.js";
import { decodeText } from "../engine/text.js";
import { firstPatternProblem } from "./patterns.js";
import { configSchema, type Config } from "./schema.js";

export const CONFIG_PATH = ".github/mlops-audit.yml";
const MAX_CONFIG_BYTES = 64 * 1024;
const MAX_CONFIG_NODES = 20_000;

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string; config: Config };

export const DEFAULT_CONFIG: Config = configSchema.parse({});

function lineOfPath(
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
  path: PropertyKey[],
): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true);
    if (isNode(node) && (node as Node).range) return counter.linePos((node as Node).range![0]).line;
  }
  return undefined;
}

/** Finds the line of a key path in the source, where there is a source to look in. */
type Locate = (path: PropertyKey[]) => number | undefined;

/** Counts nodes, stopping early: YAML aliases can make a small file into a huge object graph. */
function tooLarge(value: unknown, budget: number): boolean {
  const stack = [value];
  let seen = 0;
  while (stack.length) {
    const v = stack.pop();
    if (++seen > budget) return true;
    if (v && typeof v === "object") stack.push(...Object.values(v));
  }
  return false;
}

/**
 * Validates a config that is already parsed (the app gets it merged through `context.config`). An
 * invalid one is never silently ignored: the result says where and what is wrong, and carries the
 * defaults so an audit can still run.
 */
export function validateConfig(
  raw: unknown,
  source: string,
  catalogue: Catalogue,
  locate: Locate = () => undefined,
): ConfigResult {
  const fail = (line: number | undefined, message: string) => validateFailure(source, message, line);
  if (tooLarge(raw, MAX_CONFIG_NODES))
    return fail(undefined, `the config has more than ${MAX_CONFIG_NODES} values once aliases are expanded`);
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join(".");
    return fail(locate(issue.path), `${key ? `${key}: ` : ""}${issue.message}`);
  }
  const known = new Set(catalogue.phases.flatMap((p) => p.rules.map((r) => r.id)));
  const phases = new Set(catalogue.phases.map((p) => p.id));
  const { rules } = parsed.data;
  for (const [section, ids] of [
    ["disable", rules.disable],
    ["exempt", Object.keys(rules.exempt)],
    ["weights", Object.keys(rules.weights)],
  ] as const) {
    const i = ids.findIndex((id) => !known.has(id) && !rules.custom.some((c) => c.id === id));
    if (i !== -1) {
      const path = section === "disable" ? ["rules", section, i] : ["rules", section, ids[i]];
      return fail(locate(path), `rules.${section}: unknown rule id "${ids[i]}"`);
    }
  }
  for (const [i, custom] of rules.custom.entries()) {
    if (known.has(custom.id))
      return fail(
        locate(["rules", "custom", i, "id"]),
        `rules.custom: "${custom.id}" is a catalogue rule; custom rules need their own id`,
      );
    if (!phases.has(custom.phase))
      return fail(
        locate(["rules", "custom", i, "phase"]),
        `rules.custom: unknown phase "${custom.phase}" (one of ${[...phases].join(", ")})`,
      );
    const bad = firstPatternProblem(custom);
    if (bad) {
      const path = ["rules", "custom", i, ...bad.path];
      const shown = bad.pattern.length > 60 ? `${bad.pattern.slice(0, 60)}…` : bad.pattern;
      return fail(locate(path), `${path.join(".")}: the pattern "${shown}" is ${bad.problem}`);
    }
  }
  return { ok: true, config: parsed.data };
}

/** Parses and validates a config file's text, naming the line of any error. */
export function parseConfig(text: string, source: string, catalogue: Catalogue): ConfigResult {
  if (text.length > MAX_CONFIG_BYTES)
    return validateFailure(source, `the file is larger than ${MAX_CONFIG_BYTES / 1024} KB`);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    return validateFailure(
      source,
      `not valid YAML: ${e.message.split("\n")[0]}`,
      counter.linePos(e.pos[0]).line,
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    return validateFailure(source, (e as Error).message);
  }
  return validateConfig(raw, source, catalogue, (path) => lineOfPath(doc, counter, path));
}

/** What a valid config may still get wrong: said once, where the user can see it. */
export function configWarnings(config: Config): string[] {
  const { pass, fail_below } = config.thresholds;
  return fail_below !== undefined && fail_below > pass
    ? [
        `thresholds.fail_below (${fail_below}) is above thresholds.pass (${pass}), so a score between them fails although it reaches pass`,
      ]
    : [];
}

/** The repository's own config file, read from its snapshot; the defaults when it has none. */
export async function configInSnapshot(snapshot: Snapshot, catalogue: Catalogue): Promise<ConfigResult> {
  const read = await snapshot.read(CONFIG_PATH);
  const decoded = read.ok ? decodeText(read.bytes) : undefined;
  if (!decoded?.ok) return { ok: true, config: DEFAULT_CONFIG };
  return parseConfig(decoded.text, CONFIG_PATH, catalogue);
}

/** A config that could not be read at all, reported like one that failed validation. */
export function validateFailure(source: string, message: string, line?: number): ConfigResult {
  return { ok: false, error: `${source}${line ? `:${line}` : ""}: ${message}`, config: DEFAULT_CONFIG };
}

export function settingsFrom(config: Config): AuditSettings {
  const exempt = new Map(Object.entries(config.rules.exempt));
  for (const id of config.rules.disable)
    if (!exempt.has(id)) exempt.set(id, "disabled in the repository's config");
  return {
    exempt,
    weights: new Map(Object.entries(config.rules.weights)),
    ignore: config.paths.ignore,
    root: config.paths.root,
    customRules: config.rules.custom,
  };
}
