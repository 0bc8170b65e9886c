import type { Catalogue, ChecklistSource, Finding, Predicate, Rule, Scorecard, Status } from "./model.js";
import type { RuleEvaluator } from "./evaluate.js";
import { nextStepsOf } from "./next-steps.js";
import { evaluatePredicate } from "./predicates/index.js";

const RANK: Record<Status, number> = { fail: 0, partial: 1, pass: 2, inconclusive: -1, exempt: -1 };

export function weightedScore(findings: Finding[]): number | null {
  const scored = findings.filter((f) => f.credit !== null);
  const total = scored.reduce((s, f) => s + f.weight, 0);
  if (total === 0) return null;
  return (100 * scored.reduce((s, f) => s + f.weight * (f.credit ?? 0), 0)) / total;
}

export function gradeOf(score: number): Scorecard["grade"] {
  return score >= 80 ? "A" : score >= 60 ? "B" : score >= 40 ? "C" : score >= 20 ? "D" : "E";
}

/** Google Cloud's MLOps levels, as a static lower bound read from the repository. */
export function levelOf(status: (id: string) => Status): Scorecard["level"] {
  const pass = (id: string) => status(id) === "pass";
  const atLeastPartial = (id: string) => ["pass", "partial"].includes(status(id));
  const level1 =
    (pass("orchestration.pipeline") || pass("data.pipeline")) &&
    pass("tracking.experiments") &&
    atLeastPartial("retraining.automated") &&
    atLeastPartial("data.validation");
  const level2 =
    level1 && ["cicd.tests", "cicd.delivery", "tracking.registry", "monitoring.drift"].every(pass);
  const note = "a lower bound read from the repository's files";
  if (level2) return { value: 2, name: "CI/CD automation", note };
  if (level1) return { value: 1, name: "pipeline automation", note };
  return { value: 0, name: "manual", note };
}

function sourceStatus(src: ChecklistSource, evaluator: RuleEvaluator): Status {
  const ctx = evaluator.context;
  if ("rule" in src) return evaluator.statusOf(src.rule);
  if (evaluatePredicate(ctx, src.pass).ok) return "pass";
  return src.partial && evaluatePredicate(ctx, src.partial).ok ? "partial" : "fail";
}

/** Lowest or best of several statuses; an unknown (inconclusive, exempt) one decides only when nothing else can. */
function combine(statuses: Status[], mode: "lowest" | "best"): Status {
  const known = statuses.filter((s) => RANK[s] >= 0);
  if (!known.length) return statuses.includes("inconclusive") ? "inconclusive" : "exempt";
  if (mode === "lowest" && statuses.includes("inconclusive") && known.every((s) => s !== "fail"))
    return "inconclusive";
  const sorted = [...known].sort((a, b) => RANK[a] - RANK[b]);
  return mode === "lowest" ? sorted[0] : sorted[sorted.length - 1];
}

/** The names a predicate `use`s directly (not through the definitions it names). */
function usedNames(p: Predicate | undefined, out = new Set<string>()): Set<string> {
  if (!p || typeof p !== "object") return out;
  if ("use" in p) out.add(p.use);
  for (const v of Object.values(p))
    for (const x of Array.isArray(v) ? v : [v])
      if (x && typeof x === "object") usedNames(x as Predicate, out);
  return out;
}

/**
 * The rules behind a checklist source: the rule it names, or the rules built on the same definitions as its
 * inline predicate (MLflow tracking is decided by the rule that uses MLflow tracking).
 */
function decidingRules(src: ChecklistSource, rules: Rule[]): string[] {
  if ("rule" in src) return [src.rule];
  const names = usedNames(src.pass, usedNames(src.partial));
  return rules
    .filter((r) => [...usedNames(r.pass, usedNames(r.partial))].some((n) => names.has(n)))
    .map((r) => r.id);
}

export function checklistOf(catalogue: Catalogue, evaluator: RuleEvaluator): Scorecard["checklist"] {
  const rules = catalogue.phases.flatMap((p) => p.rules);
  return catalogue.checklist.map((item) => {
    const combineBy = item.best ? "best" : "lowest";
    const sources = item.best ?? item.lowest ?? [];
    return {
      id: item.id,
      title: item.title,
      status: combine(
        sources.map((s) => sourceStatus(s, evaluator)),
        combineBy,
      ),
      rules: [...new Set(sources.flatMap((s) => decidingRules(s, rules)))],
      combine: combineBy,
    };
  });
}

/**
 * Scores, grade, level and checklist again after statuses changed outside the rules (GitHub's records).
 * A checklist item made of rules is combined again; one with inline predicates reads files only, which
 * records never change, so it keeps its status.
 */
export function rescored(
  card: Scorecard,
  catalogue: Catalogue,
  action: (f: Finding) => string | undefined,
): Scorecard {
  const byId = new Map(card.rules.map((f) => [f.id, f.status]));
  const statusOf = (id: string): Status => byId.get(id) ?? "fail";
  const score = Math.round(weightedScore(card.rules) ?? 0);
  const checklist = card.checklist.map((c) => {
    const item = catalogue.checklist.find((i) => i.id === c.id);
    const sources = item?.best ?? item?.lowest ?? [];
    if (!item || !sources.every((s) => "rule" in s)) return c;
    const statuses = sources.map((s) => statusOf((s as { rule: string }).rule));
    return { ...c, status: combine(statuses, c.combine) };
  });
  return {
    ...card,
    score,
    grade: gradeOf(score),
    level: levelOf(statusOf),
    checklist,
    nextSteps: nextStepsOf({ checklist, rules: card.rules, score }, action),
    phases: card.phases.map((p) => {
      const s = weightedScore(card.rules.filter((f) => f.phase === p.id));
      return { ...p, score: s === null ? null : Math.round(s) };
    }),
  };
}
