import { ruleEvaluator } from "./evaluate.js";
import { isRequirementsFile, requirementIncludes } from "./facts/dependencies.js";
import { buildFacts, kindsOf, wantsContent, type Facts, type ReadFiles } from "./facts/index.js";
import type { Catalogue, Finding, Rule, Scorecard } from "./model.js";
import { nextStepsOf, ruleNextAction } from "./next-steps.js";
import { isExcludedPath, matchAny, rootPrefix } from "./paths.js";
import { checklistOf, gradeOf, levelOf, weightedScore } from "./score.js";
import type { Snapshot, TextResult } from "./snapshot.js";
import { findSecrets, type SecretFinding } from "./facts/secrets.js";
import { textOfRead } from "./text.js";
import { textReachOf, type TextReach } from "./text-reach.js";
import { describeUnread } from "./unread.js";

export const MAX_FILE_BYTES = 1024 * 1024;
/**
 * Notebooks are mostly stored outputs (plots as base64); their code is small. They get a larger cap so a
 * plotted EDA notebook is still read, and only its code cells are kept.
 */
export const MAX_NOTEBOOK_BYTES = 8 * 1024 * 1024;
/**
 * Plain text that no parser reads (JSON, XML, logs, configs) is scanned for secrets up to 10 MB, as the
 * catalogue asks; past the read cap it is scanned and released, not kept for other rules.
 */
export const MAX_TEXT_BYTES = 10 * 1024 * 1024;

/** The most bytes kept of one file for the rules: the cap, raised for notebooks. */
function keepCapOf(path: string, maxBytes: number): number {
  return path.endsWith(".ipynb") ? Math.max(maxBytes, MAX_NOTEBOOK_BYTES) : maxBytes;
}

/** The most bytes read of one file: what is kept, and for plain text what the secret scan reads. */
export function readCapOf(path: string, maxBytes: number): number {
  const kinds = kindsOf(path);
  return kinds.length === 1 && kinds[0] === "text"
    ? Math.max(maxBytes, MAX_TEXT_BYTES)
    : keepCapOf(path, maxBytes);
}

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

/** What an audit is doing, for a progress line: listing the tree, reading files, judging rules. */
export type ProgressReport = (
  stage: "listing files" | "reading files" | "judging rules",
  done: number,
  total?: number,
) => void;

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
  /** Told as files are read and rules judged (the CLI's progress line). */
  progress?: ProgressReport;
}

/**
 * Reads what the rules need: each wanted file once, none over the size cap. With `reach`, plain text that
 * nothing but the secret scan reads is scanned as it is read and let go; without it every text is kept (the
 * fixers read configuration files by name).
 */
export async function readSnapshot(
  snapshot: Snapshot,
  settings: AuditSettings,
  maxBytes: number,
  concurrency: number,
  progress?: ProgressReport,
  reach?: TextReach,
): Promise<ReadFiles> {
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
  snapshot.prefetch?.(wanted.filter((w) => w.size <= readCapOf(w.path, maxBytes)).map((w) => w.full));
  const texts = new Map<string, string>();
  const unreadable = new Map<string, string>();
  const scanned: { paths: string[]; findings: SecretFinding[] } = { paths: [], findings: [] };
  const released = new Map<string, SecretFinding[]>();
  for (const [folder, reason] of snapshot.unlisted ?? []) {
    const path = folder.slice(prefix.length);
    if (folder.startsWith(prefix) && path && !isExcludedPath(path) && !matchAny(path, settings.ignore))
      unreadable.set(path, reason);
  }
  // Files every fact may read (code, configuration) are kept whatever their text says: read in batches.
  const read = batchedReader(
    snapshot,
    wanted.filter((w) => w.size <= readCapOf(w.path, maxBytes) && (!reach || alwaysKept(w.path))),
  );
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const w = wanted[next++];
      progress?.("reading files", next, wanted.length);
      const cap = readCapOf(w.path, maxBytes);
      if (w.size > cap) {
        unreadable.set(
          w.path,
          `${(w.size / 1048576).toFixed(1)} MB, over the ${Math.round(cap / 1024)} KB cap`,
        );
        continue;
      }
      const decoded = await read(w.full);
      if (!decoded.ok) {
        // A binary file is simply not text; any other failure clouds the rules that would have read it.
        if (!decoded.binary) unreadable.set(w.path, decoded.reason);
        continue;
      }
      if (w.size > keepCapOf(w.path, maxBytes)) {
        // Plain text past the read cap: scanned for secrets now and let go, so memory holds findings only.
        scanned.paths.push(w.path);
        scanned.findings.push(...findSecrets(w.path, decoded.text));
        unreadable.set(
          w.path,
          `${(w.size / 1048576).toFixed(1)} MB, over the ${Math.round(maxBytes / 1024)} KB cap`,
        );
      } else if (reach && !reach(w.path, decoded.text))
        released.set(w.path, findSecrets(w.path, decoded.text));
      else texts.set(w.path, decoded.text);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  await readIncludedRequirements(snapshot, prefix, texts, released);
  // Reads finish out of order; facts are built in path order so that every output is stable.
  const ordered = new Map([...texts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    paths: paths.sort(),
    texts: ordered,
    unreadable,
    scannedForSecrets: scanned,
    released: { paths: new Set(released.keys()), findings: [...released.values()].flat() },
  };
}

/** How many bytes of files a source that reads in batches is asked for at once. */
const BATCH_BYTES = 1024 * 1024;

/** A file that some fact reads whatever its text: anything but plain text. */
const alwaysKept = (path: string) => kindsOf(path).some((kind) => kind !== "text");

/**
 * Reads files one by one, or, where the source reads batches and the file is one of `batchable` (in the
 * order they will be asked for), with the next few megabytes of them. Each batch is asked for once: the
 * readers running side by side wait on the same one.
 */
function batchedReader(
  snapshot: Snapshot,
  batchable: readonly { full: string; size: number }[],
): (path: string) => Promise<TextResult> {
  const readTexts = snapshot.readTexts?.bind(snapshot);
  if (!readTexts) return (path) => readText(snapshot, path);
  const order = new Map(batchable.map((w, i) => [w.full, i]));
  const pending = new Map<string, Promise<TextResult>>();
  return (path) => {
    const at = order.get(path);
    if (at === undefined) return readText(snapshot, path);
    if (!pending.has(path)) {
      const batch: string[] = [];
      for (let i = at, bytes = 0; i < batchable.length && (bytes < BATCH_BYTES || !batch.length); i++) {
        if (pending.has(batchable[i].full)) break;
        batch.push(batchable[i].full);
        bytes += batchable[i].size;
      }
      const texts = readTexts(batch);
      for (const full of batch)
        pending.set(
          full,
          texts.then((found) => found.get(full)!),
        );
    }
    const text = pending.get(path)!;
    pending.delete(path);
    return text;
  };
}

/** A file's text, decoded by the source where it can, else from its bytes. */
async function readText(snapshot: Snapshot, path: string): Promise<TextResult> {
  return snapshot.readText ? snapshot.readText(path) : textOfRead(await snapshot.read(path));
}

/**
 * A requirements file may include a file of any name (`-r base.txt`), which the dependency facts then
 * read: one whose text was let go is read again, as are the files it includes in turn.
 */
async function readIncludedRequirements(
  snapshot: Snapshot,
  prefix: string,
  texts: Map<string, string>,
  released: Map<string, SecretFinding[]>,
): Promise<void> {
  if (!released.size) return;
  const pending = [...texts.keys()].filter(isRequirementsFile);
  const seen = new Set(pending);
  while (pending.length) {
    const path = pending.pop()!;
    for (const target of requirementIncludes(path, texts.get(path)!)) {
      if (seen.has(target)) continue;
      seen.add(target);
      if (released.has(target)) {
        const decoded = await readText(snapshot, prefix + target);
        if (!decoded.ok) continue;
        released.delete(target);
        texts.set(target, decoded.text);
      }
      if (texts.has(target)) pending.push(target);
    }
  }
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
  const findings: Finding[] = allRules.map((r, i) => {
    input.progress?.("judging rules", i + 1, allRules.length);
    return evaluator.evaluate(r);
  });
  const score = Math.round(weightedScore(findings) ?? 0);
  const notes = [...(input.notes ?? [])];
  // An empty folder, or the wrong one, would otherwise get a full scorecard of fails and no word why.
  if (!facts.texts.size && !facts.released.size && !facts.unreadable.size)
    notes.push(
      settings.root
        ? `paths.root "${settings.root}" holds no file the audit reads (code, configuration, CI, documentation): nothing under it was audited.`
        : "The audited folder holds no file the audit reads (code, configuration, CI, documentation): every rule fails for want of anything to judge.",
    );
  if (facts.unreadable.size) {
    const unread = [...facts.unreadable.keys()];
    notes.push(
      `Could not read ${describeUnread(unread, facts.unreadable)}; rules whose status they could have changed are inconclusive.`,
    );
  }
  const checklist = checklistOf(catalogue, evaluator);
  const nextOf = ruleNextAction(allRules);
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
    input.progress,
    textReachOf(input.catalogue, settings.customRules),
  );
  return judgeFiles(files, input);
}
