import type { Facts, FileKind } from "./facts/index.js";
import { kindsOf } from "./facts/index.js";
import type { Evidence, Finding, Predicate, Rule, Status } from "./model.js";
import { evaluatePredicate, type EvalContext } from "./predicates/index.js";

export interface RuleOverrides {
  /** Rule id → reason; the rule is shown, with the reason, and not scored. */
  exempt: Map<string, string>;
  weights: Map<string, number>;
}

const KINDS: Record<string, FileKind[]> = {
  python: ["python", "notebook"],
  tests: ["python"],
  serving: ["python"],
  ci: ["yaml", "ci", "shell"],
  ciPipeline: ["yaml", "ci", "shell"],
  compose: ["yaml", "docker", "ci", "shell"],
  dockerfile: ["docker", "shell", "python"],
  yaml: ["yaml"],
  terraform: ["terraform"],
  readme: ["readme"],
  dependencies: ["manifest", "yaml"],
  secrets: ["text"],
  text: ["text"],
};

/** The kinds of file a predicate reads, and whether it can turn false on more input (`not`). */
function analyse(p: Predicate, kinds: Set<FileKind>, definitions: Record<string, Predicate>): boolean {
  let negates = false;
  for (const [key, value] of Object.entries(p)) {
    if (key === "use") negates = analyse(definitions[value as string], kinds, definitions) || negates;
    else if (key === "all" || key === "any")
      for (const q of value as Predicate[]) negates = analyse(q, kinds, definitions) || negates;
    else if (key === "atLeast")
      for (const q of (value as { of: Predicate[] }).of) negates = analyse(q, kinds, definitions) || negates;
    else if (key === "not") {
      analyse(value as Predicate, kinds, definitions);
      negates = true;
    } else for (const k of KINDS[key] ?? []) kinds.add(k);
  }
  return negates;
}

const GENERIC = {
  partial: "Partly there; see the fix for what is missing.",
  fail: "Not found.",
};

function describe(status: Status, rule: Rule, evidence: Evidence[]): string {
  if (status === "pass" && rule.messages?.pass) return rule.messages.pass;
  if (status === "pass") {
    const e = evidence.find((x) => x.path) ?? evidence[0];
    return e
      ? `Found in ${e.path}${e.line ? `:${e.line}` : ""}${e.snippet ? ` — ${e.snippet}` : ""}`
      : "Passes.";
  }
  if (status === "partial") return rule.messages?.partial ?? GENERIC.partial;
  return rule.messages?.fail ?? GENERIC.fail;
}

export interface RuleEvaluator {
  evaluate(rule: Rule): Finding;
  statusOf(id: string): Status;
}

/** Evaluates rules in order; a rule may ask the status of one evaluated before it. */
export function ruleEvaluator(
  facts: Facts,
  rules: Rule[],
  overrides: RuleOverrides,
  definitions: Record<string, Predicate>,
): RuleEvaluator {
  const statuses = new Map<string, Status>();
  const byId = new Map(rules.map((r) => [r.id, r]));
  const ctx: EvalContext = {
    facts,
    definitions,
    statusOf: (id) => {
      if (!statuses.has(id) && byId.has(id)) evaluator.evaluate(byId.get(id)!);
      return statuses.get(id) ?? "fail";
    },
  };
  const unreadableKinds = new Map<FileKind, string[]>();
  for (const path of facts.unreadable.keys())
    for (const k of kindsOf(path)) unreadableKinds.set(k, [...(unreadableKinds.get(k) ?? []), path]);

  const evaluator: RuleEvaluator = {
    statusOf: ctx.statusOf,
    evaluate(rule) {
      const weight = overrides.weights.get(rule.id) ?? rule.weight;
      const base = {
        id: rule.id,
        phase: rule.phase,
        title: rule.title,
        weight,
        remediation: rule.remediation,
        docs: rule.docs,
      };
      const exempt = overrides.exempt.get(rule.id);
      if (exempt !== undefined) {
        statuses.set(rule.id, "exempt");
        return { ...base, status: "exempt", credit: null, message: `Exempt: ${exempt}`, evidence: [] };
      }
      const passed = evaluatePredicate(ctx, rule.pass);
      const partial = !passed.ok && rule.partial ? evaluatePredicate(ctx, rule.partial) : undefined;
      let status: Status = passed.ok ? "pass" : partial?.ok ? "partial" : "fail";
      const evidence = (passed.ok ? passed.evidence : partial?.ok ? partial.evidence : []).filter(
        (e) => e.path,
      );
      let message = describe(status, rule, evidence);

      const kinds = new Set<FileKind>();
      const negates =
        analyse(rule.pass, kinds, definitions) ||
        (rule.partial ? analyse(rule.partial, kinds, definitions) : false);
      const missing = [...kinds].flatMap((k) => unreadableKinds.get(k) ?? []);
      if (missing.length && (status !== "pass" || negates)) {
        status = "inconclusive";
        const first = missing[0];
        message = `Could not read ${first} (${facts.unreadable.get(first)})${missing.length > 1 ? ` and ${missing.length - 1} more` : ""}, which this rule needs.`;
      }
      if (status === "fail" || status === "partial") {
        const unused = (rule.packages ?? []).filter(
          (p) => facts.dependencies.declared.has(p) && !facts.imported.has(p),
        );
        if (unused.length)
          message += ` ${unused.join(", ")} ${unused.length > 1 ? "are" : "is"} declared but never used.`;
      }
      statuses.set(rule.id, status);
      const credit = status === "pass" ? 1 : status === "partial" ? 0.5 : status === "fail" ? 0 : null;
      return { ...base, status, credit, message, evidence: evidence.slice(0, 5) };
    },
  };
  return evaluator;
}
