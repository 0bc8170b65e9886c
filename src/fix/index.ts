import { ruleEvaluator } from "../engine/evaluate.js";
import { DEFAULT_SETTINGS, scorecardFromFacts, type AuditInput } from "../engine/audit.js";
import { buildFacts, type Facts, type ReadFiles } from "../engine/facts/index.js";
import type { Catalogue, Scorecard } from "../engine/model.js";
import { evaluatePredicate } from "../engine/predicates/index.js";
import type { FixContext, Fixer } from "./fixer.js";
import { ciWorkflowFixer } from "./fixers/ci-workflow.js";
import { containerFixer } from "./fixers/container.js";
import { deliveryFixer } from "./fixers/delivery.js";
import { dvcPipelineFixer } from "./fixers/dvc-pipeline.js";
import { metricsFixer } from "./fixers/metrics.js";
import { preCommitFixer } from "./fixers/pre-commit.js";
import type { Fix, FixPlan } from "./model.js";
import { projectOf } from "./project.js";

export type { Fix, FixPlan, ProposedFile } from "./model.js";

/**
 * Every fixer, in the order they run: the metrics module before the Dockerfile that starts it, the Dockerfile
 * before the job that publishes it.
 */
export const FIXERS: Fixer[] = [
  metricsFixer,
  containerFixer,
  deliveryFixer,
  ciWorkflowFixer,
  preCommitFixer,
  dvcPipelineFixer,
];

/** The rules some fixer can help with. */
export const FIXABLE_RULES = new Set(FIXERS.flatMap((f) => f.rules));

/**
 * The files that would make failing or partial rules pass, from the facts and scorecard of one audit: pure, so
 * the CLI writes them, the app shows them, and tests re-audit them in memory. `only` limits it to those rules.
 */
export function planFixes(
  facts: Facts,
  card: Scorecard,
  catalogue: Catalogue,
  only?: string[],
  fixers: Fixer[] = FIXERS,
): FixPlan {
  const status = new Map(card.rules.map((r) => [r.id, r.status]));
  const wanted = (rule: string) =>
    (only?.length ? only.includes(rule) : true) && ["fail", "partial"].includes(status.get(rule) ?? "");
  const evaluator = ruleEvaluator(facts, [], DEFAULT_SETTINGS, catalogue.definitions);
  const ctx: FixContext = {
    facts,
    card,
    project: projectOf(facts),
    planned: [],
    statusOf: (id) => status.get(id),
    holds: (p) => evaluatePredicate(evaluator.context, p).ok,
  };
  const fixes: Fix[] = [];
  const skipped: FixPlan["skipped"] = [];
  // Paths in an audit limited to a folder are relative to it, while workflows live at the repository's root.
  if (card.target.root)
    return {
      fixes,
      skipped: FIXERS.flatMap((f) => f.rules)
        .filter((r, i, all) => wanted(r) && all.indexOf(r) === i)
        .map((rule) => ({
          rule,
          reason: `the audit is limited to ${card.target.root} (paths.root), which fixes do not support yet`,
        })),
    };
  for (const fixer of fixers) {
    const rules = fixer.rules.filter(wanted);
    if (!rules.length) continue;
    const proposal = fixer.propose(ctx);
    if ("skip" in proposal) {
      for (const rule of rules) skipped.push({ rule, reason: proposal.skip });
      continue;
    }
    const { notFixed = [], ...fix } = proposal;
    for (const n of notFixed) if (rules.includes(n.rule)) skipped.push(n);
    const fixed = rules.filter((r) => !notFixed.some((n) => n.rule === r));
    if (!fixed.length) continue;
    ctx.planned.push(...fix.files);
    // Later fixers see these paths as taken, so no two fixes claim one file.
    for (const f of fix.files) ctx.project.paths.add(f.path);
    fixes.push({ fixer: fixer.id, rules: fixed, ...fix });
  }
  for (const rule of only ?? [])
    if (!FIXABLE_RULES.has(rule)) skipped.push({ rule, reason: "no fixer for this rule yet" });
    else if (!wanted(rule) && status.has(rule)) skipped.push({ rule, reason: `already ${status.get(rule)}` });
  return { fixes, skipped };
}

/** A scorecard and the fixes for it, from one build of the facts: what the app's engine threads return. */
export interface Judged {
  card: Scorecard;
  fixes: FixPlan;
}

export function judgeWithFixes(files: ReadFiles, input: AuditInput): Judged {
  const facts = buildFacts(files);
  const card = scorecardFromFacts(facts, input);
  return { card, fixes: planFixes(facts, card, input.catalogue) };
}
