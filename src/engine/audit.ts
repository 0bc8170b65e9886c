import { filled, ruleEvaluator } from "./evaluate.js";
import { buildFacts, wantsContent, type Facts, type ReadFiles } from "./facts/index.js";
import type { Catalogue, Finding, Rule, Scorecard } from "./model.js";
import { nextStepsOf } from "./next-steps.js";
import { isExcludedPath, matchAny, rootPrefix } from "./paths.js";
import { checklistOf, gradeOf, levelOf, weightedScore } from "./score.js";
import type { Snapshot } from "./snapshot.js";
import { decodeText } from "./text.js";

export const MAX_FILE_BYTES = 1024 * 1024;
/**
 * Notebooks are mostly stored outputs (plots as base64); their code is small. They get a larger cap so a
 * plotted EDA notebook is still read, and only its code cells are kept.
 */
export const MAX_NOTEBOOK_BYTES = 8 * 1024 * 1024;

export interface AuditSettings {
  /** Rule id → reason shown on the scorecard. */
  exempt: Map<string, string>;
  weights: Map<string, number>;
  ignore: string[];
  /** Audit only this folder (a project inside a monorepo). */
  root?: string;
  customRules: Rule[];
}

export const DEFAULT_SETTINGS: AuditSettings = {
  exempt: new Map(),
  weights: new Map(),
  ignore: [],
  customRules: [],
};

export interface AuditInput {
  catalogue: Catalogue;
  settings?: AuditSettings;
  tool: { name: string; version: string };
  target: Scorecard["target"];
  maxFileBytes?: number;
  /** How many reads may be in flight at once (a remote source wants a bound). */
  concurrency?: number;
  /** Notes to carry onto the scorecard, such as a config error. */
  notes?: string[];
}

/** Reads what the rules need: each wanted file once, none over the size cap. */
export async function readSnapshot(
  snapshot: Snapshot,
  settings: AuditSettings,
  maxBytes: number,
  concurrency: number,
) {
  const prefix = rootPrefix(settings.root);
  const entries = snapshot.entries.filter((e) => e.path.startsWith(prefix));
  const paths: string[] = [];
  const wanted: { path: string; full: string; size: number }[] = [];
  for (const e of entries) {
    const path = e.path.slice(prefix.length);
    if (!path || isExcludedPath(path) || matchAny(path, settings.ignore)) continue;
    paths.push(path);
    if (wantsContent(path)) wanted.push({ path, full: e.path, size: e.size });
  }
  const texts = new Map<string, string>();
  const unreadable = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const w = wanted[next++];
      const cap = w.path.endsWith(".ipynb") ? Math.max(maxBytes, MAX_NOTEBOOK_BYTES) : maxBytes;
      if (w.size > cap) {
        unreadable.set(
          w.path,
          `${(w.size / 1048576).toFixed(1)} MB, over the ${Math.round(cap / 1024)} KB cap`,
        );
        continue;
      }
      const result = await snapshot.read(w.full);
      if (!result.ok) {
        unreadable.set(w.path, result.reason);
        continue;
      }
      const decoded = decodeText(result.bytes);
      if (decoded.ok) texts.set(w.path, decoded.text);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  // Reads finish out of order; facts are built in path order so that every output is stable.
  const ordered = new Map([...texts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { paths: paths.sort(), texts: ordered, unreadable };
}

export function scorecardFromFacts(facts: Facts, input: AuditInput): Scorecard {
  const settings = input.settings ?? DEFAULT_SETTINGS;
  const { catalogue } = input;
  const phases = catalogue.phases.map((p) => ({ ...p, rules: [...p.rules] }));
  for (const rule of settings.customRules) {
    const phase = phases.find((p) => p.id === rule.phase) ?? phases[phases.length - 1];
    phase.rules.push(rule);
  }
  const allRules = phases.flatMap((p) => p.rules);
  const evaluator = ruleEvaluator(facts, allRules, settings, catalogue.definitions);
  const findings: Finding[] = allRules.map((r) => evaluator.evaluate(r));
  const score = Math.round(weightedScore(findings) ?? 0);
  const notes = [...(input.notes ?? [])];
  if (facts.unreadable.size)
    notes.push(
      `${facts.unreadable.size} file(s) could not be read; rules that needed them are inconclusive.`,
    );
  const checklist = checklistOf(catalogue, evaluator);
  const byId = new Map(allRules.map((r) => [r.id, r]));
  const nextOf = (f: Finding) => {
    const template = f.status === "partial" ? byId.get(f.id)?.messages?.next : undefined;
    return template ? filled(template, f.evidence) : undefined;
  };
  return {
    schemaVersion: 1,
    tool: input.tool,
    rulesetVersion: catalogue.version,
    target: { ...input.target, ...(settings.root ? { root: settings.root } : {}) },
    score,
    grade: gradeOf(score),
    level: levelOf(evaluator.statusOf),
    nextSteps: nextStepsOf({ checklist, rules: findings, score }, nextOf),
    checklist,
    phases: phases.map((p) => {
      const s = weightedScore(findings.filter((f) => f.phase === p.id));
      return { id: p.id, name: p.name, score: s === null ? null : Math.round(s) };
    }),
    rules: findings,
    notes,
  };
}

/** Facts built once from the read files, every rule judged, the scorecard scored: the engine's synchronous part. */
export function judgeFiles(files: ReadFiles, input: AuditInput): Scorecard {
  return scorecardFromFacts(buildFacts(files), input);
}

/** The whole audit: read the snapshot, build facts once, judge every rule, score. */
export async function audit(snapshot: Snapshot, input: AuditInput): Promise<Scorecard> {
  const settings = input.settings ?? DEFAULT_SETTINGS;
  const files = await readSnapshot(
    snapshot,
    settings,
    input.maxFileBytes ?? MAX_FILE_BYTES,
    input.concurrency ?? 8,
  );
  return judgeFiles(files, input);
}
