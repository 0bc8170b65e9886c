import { filled } from "./evaluate.js";
import type { Finding, NextStep, Rule, Scorecard } from "./model.js";
import { weightedScore } from "./score.js";

/** How many next steps a scorecard leads with. */
export const MAX_NEXT_STEPS = 5;

/** The first sentence of a remediation: the step itself, without the alternatives that follow it. */
function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}

/** How far the readiness score rises when `finding` passes and nothing else changes. */
function pointsFor(finding: Finding, findings: Finding[], score: number): number {
  const raised = findings.map((f) => (f === finding ? { ...f, credit: 1 } : f));
  return Math.round(weightedScore(raised) ?? 0) - score;
}

/**
 * The checklist item a passing rule would complete: one it decides, not yet passed, whose other rules all
 * pass already. A "best of" item is not claimed: its rules count only on some of their evidence.
 */
function completes(card: Pick<Scorecard, "checklist" | "rules">, id: string): string | undefined {
  const status = new Map(card.rules.map((r) => [r.id, r.status]));
  return card.checklist.find(
    (item) =>
      item.status !== "pass" &&
      item.combine === "lowest" &&
      item.rules.includes(id) &&
      item.rules.every((r) => r === id || status.get(r) === "pass"),
  )?.title;
}

/** A rule's own next-step sentence for a partial finding, its evidence filled in. */
export function ruleNextAction(rules: Rule[]): (f: Finding) => string | undefined {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return (f) => {
    const template = f.status === "partial" ? byId.get(f.id)?.messages?.next : undefined;
    return template ? filled(template, f.evidence) : undefined;
  };
}

/**
 * The changes worth the most points, those that complete a checklist item first, then by weight × missing
 * credit as readiness points, each with
 * the line to change where the evidence knows it. `action` gives a rule's own next-step sentence (with the
 * finding's evidence filled in) or nothing; then what is missing, or the remediation's first sentence, says it.
 */
export function nextStepsOf(
  card: Pick<Scorecard, "checklist" | "rules" | "score">,
  action: (finding: Finding) => string | undefined,
): NextStep[] {
  const order = new Map(card.rules.map((r, i) => [r.id, i]));
  return (
    card.rules
      .filter((f) => f.credit !== null && f.credit < 1)
      .map((f): NextStep => {
        const own = action(f);
        // Only a rule's own next step knows its evidence is the line to change; other evidence is proof.
        const where = own ? (f.evidence.find((e) => e.line) ?? f.evidence[0]) : undefined;
        const done = completes(card, f.id);
        return {
          rule: f.id,
          title: f.title,
          points: pointsFor(f, card.rules, card.score),
          action:
            own ??
            (f.status === "partial" && f.missing
              ? `Add what is missing: ${f.missing.join(", ")}.`
              : firstSentence(f.remediation)),
          ...(where ? { path: where.path, ...(where.line ? { line: where.line } : {}) } : {}),
          ...(done ? { completes: done } : {}),
        };
      })
      .filter((s) => s.points > 0)
      // A step that completes a checklist item comes first: the checklist is what a reviewer reads first.
      .sort(
        (a, b) =>
          Number(Boolean(b.completes)) - Number(Boolean(a.completes)) ||
          b.points - a.points ||
          order.get(a.rule)! - order.get(b.rule)!,
      )
      .slice(0, MAX_NEXT_STEPS)
  );
}
