import { LineCounter, parseDocument, isNode, type Node } from "yaml";
import type { AuditSettings } from "../engine/audit.js";
import type { Catalogue } from "../engine/model.js";
import { configSchema, type Config } from "./schema.js";

export const CONFIG_PATH = ".github/mlops-audit.yml";
const MAX_CONFIG_BYTES = 64 * 1024;

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

/**
 * Parses and validates a config file. An invalid one is never silently ignored: the result says
 * where and what is wrong, and carries the defaults so an audit can still run.
 */
export function parseConfig(text: string, source: string, catalogue: Catalogue): ConfigResult {
  const fail = (line: number | undefined, message: string): ConfigResult => ({
    ok: false,
    error: `${source}${line ? `:${line}` : ""}: ${message}`,
    config: DEFAULT_CONFIG,
  });
  if (text.length > MAX_CONFIG_BYTES)
    return fail(undefined, `the file is larger than ${MAX_CONFIG_BYTES / 1024} KB`);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    return fail(counter.linePos(e.pos[0]).line, e.message.split("\n")[0]);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    return fail(undefined, (e as Error).message);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join(".");
    return fail(lineOfPath(doc, counter, issue.path), `${key ? `${key}: ` : ""}${issue.message}`);
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
      return fail(lineOfPath(doc, counter, path), `rules.${section}: unknown rule id "${ids[i]}"`);
    }
  }
  for (const [i, custom] of rules.custom.entries()) {
    if (known.has(custom.id))
      return fail(
        lineOfPath(doc, counter, ["rules", "custom", i, "id"]),
        `rules.custom: "${custom.id}" is a catalogue rule; custom rules need their own id`,
      );
    if (!phases.has(custom.phase))
      return fail(
        lineOfPath(doc, counter, ["rules", "custom", i, "phase"]),
        `rules.custom: unknown phase "${custom.phase}" (one of ${[...phases].join(", ")})`,
      );
  }
  return { ok: true, config: parsed.data };
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
