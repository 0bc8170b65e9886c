import { normalisedName } from "./facts/imported.js";
import type { Facts } from "./facts/index.js";
import { needsOf } from "./needs.js";
import type { Evidence, Finding, Predicate, PythonQuery, Rule, Status } from "./model.js";
import { textNeedlesOf } from "./predicates/python.js";
import { evaluatePredicate, type EvalContext } from "./predicates/index.js";
import { linearPatterns, nativePatterns } from "./predicates/result.js";
import { describeUnread } from "./unread.js";

export interface RuleOverrides {
  /** Rule id → reason; the rule is shown, with the reason, and not scored. */
  exempt: Map<string, string>;
  weights: Map<string, number>;
  /** Rules from a repository's config: their patterns run on the linear-time engine. */
  customRules?: Rule[];
}

const GENERIC = {
  partial: "Partly there; see the fix for what is missing.",
  fail: "Not found.",
};

/** A rule's message with `{snippet}` filled from the first evidence that has one (or dropped with its brackets). */
export function filled(template: string, evidence: Evidence[]): string {
  const snippet = evidence.find((e) => e.snippet)?.snippet;
  if (snippet !== undefined) return template.replace(/\{snippet\}/g, snippet);
  return template.replace(/\s*\(\{snippet\}\)|:?\s*\{snippet\}/g, "");
}

function describe(status: Status, rule: Rule, evidence: Evidence[]): string {
  if (status === "pass" && rule.messages?.pass) return filled(rule.messages.pass, evidence);
  if (status === "pass") {
    const e = evidence.find((x) => x.path) ?? evidence[0];
    return e
      ? `Found in ${e.path}${e.line ? `:${e.line}` : ""}${e.snippet ? ` — ${e.snippet}` : ""}`
      : "Passes.";
  }
  if (status === "partial") return filled(rule.messages?.partial ?? GENERIC.partial, evidence);
  return filled(rule.messages?.fail ?? GENERIC.fail, evidence);
}

/** The named parts of a rule that do not hold ("a schedule"), so a message says which half is absent. */
function missingParts(rule: Rule, ctx: EvalContext): string[] {
  return Object.entries(rule.messages?.missing ?? {})
    .filter(([name]) => !evaluatePredicate(ctx, { use: name }).ok)
    .map(([, phrase]) => phrase);
}

const needlesIn = new WeakMap<object, string[]>();

/** The text needles of every Python query in a rule or the definitions, worked out once for each. */
function textNeedlesIn(node: object): string[] {
  let needles = needlesIn.get(node);
  if (!needles) needlesIn.set(node, (needles = pythonQueriesOf(node).flatMap(textNeedlesOf)));
  return needles;
}

/** Every Python query in the rules, found by shape (a `python` key), so no combinator is missed. */
function pythonQueriesOf(node: unknown, out: PythonQuery[] = []): PythonQuery[] {
  if (Array.isArray(node)) for (const item of node) pythonQueriesOf(item, out);
  else if (node && typeof node === "object")
    for (const [key, value] of Object.entries(node)) {
      if (key === "python" && value && typeof value === "object") out.push(value as PythonQuery);
      else pythonQueriesOf(value, out);
    }
  return out;
}

/** The name a `packages` entry is imported by, normalised: `apache-airflow=airflow` is `airflow`. */
const importedName = (entry: string) => normalisedName(entry.split("=")[1] ?? entry);

/**
 * "Declared is not used": names the rule's packages that a manifest declares but no code imports, or that
 * code imports without the calls the rule looks for. A `packages` entry may name its import: `apache-airflow=airflow`.
 */
function unusedPackagesNote(rule: Rule, facts: Facts): string {
  const declaredOnly: string[] = [];
  const importedOnly: string[] = [];
  for (const entry of rule.packages ?? []) {
    const [pkg, module = pkg] = entry.split("=");
    if (facts.imported.has(importedName(entry))) importedOnly.push(module);
    else if (facts.dependencies.declared.has(pkg)) declaredOnly.push(pkg);
  }
  const say = (names: string[], what: string) =>
    names.length ? ` ${names.join(", ")} ${names.length > 1 ? "are" : "is"} ${what}.` : "";
  return (
    say(declaredOnly, "declared but never used") +
    say(importedOnly, "imported but never used as this rule needs")
  );
}

export interface RuleEvaluator {
  /** The finding for a rule, judged once; later calls return the same finding. */
  evaluate(rule: Rule): Finding;
  statusOf(id: string): Status;
  /** The context rules are judged in, for predicates evaluated outside a rule (the checklist). */
  context: EvalContext;
}

/** Evaluates rules; a rule may ask the verdict of another, which is then judged first. */
export function ruleEvaluator(
  facts: Facts,
  rules: Rule[],
  overrides: RuleOverrides,
  definitions: Record<string, Predicate>,
): RuleEvaluator {
  const findings = new Map<string, Finding>();
  const byId = new Map(rules.map((r) => [r.id, r]));
  // "Declared but never used" asks about every rule's packages, and the Python queries about their text:
  // each kind is looked up together.
  facts.imported.expect(rules.flatMap((r) => (r.packages ?? []).map(importedName)));
  facts.moduleTexts.expect([...new Set([...rules, definitions].flatMap(textNeedlesIn))]);
  const findingOf = (id: string): Finding | undefined => {
    const rule = byId.get(id);
    return rule ? judge(rule) : undefined;
  };
  const ctx: EvalContext = {
    facts,
    definitions,
    statusOf: (id) => findingOf(id)?.status ?? "fail",
    evidenceOf: (id) => findingOf(id)?.evidence ?? [],
    pattern: nativePatterns,
  };
  const untrusted = new Set((overrides.customRules ?? []).map((r) => r.id));
  const untrustedCtx: EvalContext = { ...ctx, pattern: linearPatterns };
  function judge(rule: Rule): Finding {
    const cached = findings.get(rule.id);
    if (cached) return cached;
    const finding = judgeOnce(rule);
    findings.set(rule.id, finding);
    return finding;
  }

  function judgeOnce(rule: Rule): Finding {
    const weight = overrides.weights.get(rule.id) ?? rule.weight;
    const base = {
      id: rule.id,
      phase: rule.phase,
      title: rule.title,
      weight,
      why: rule.why,
      remediation: rule.remediation,
      docs: rule.docs,
    };
    const exempt = overrides.exempt.get(rule.id);
    if (exempt !== undefined)
      return { ...base, status: "exempt", credit: null, message: `Exempt: ${exempt}`, evidence: [] };
    const on = untrusted.has(rule.id) ? untrustedCtx : ctx;
    const passed = evaluatePredicate(on, rule.pass);
    const partial = !passed.ok && rule.partial ? evaluatePredicate(on, rule.partial) : undefined;
    let status: Status = passed.ok ? "pass" : partial?.ok ? "partial" : "fail";
    const evidence = (passed.ok ? passed.evidence : partial?.ok ? partial.evidence : passed.evidence).filter(
      (e) => e.path,
    );
    let message = describe(status, rule, evidence);

    const unreadable = [...facts.unreadable.keys()];
    // Each part is settled once: a nested `all` would otherwise judge its parts again at every level.
    const settled = new Map<Predicate, boolean>();
    const settledFalse = (p: Predicate): boolean => {
      let answer = settled.get(p);
      if (answer === undefined) {
        answer =
          !evaluatePredicate(on, p).ok &&
          !unreadable.some(needsOf([p], definitions, facts.scannedForSecrets, settledFalse).reads);
        settled.set(p, answer);
      }
      return answer;
    };
    const needs = needsOf(
      [rule.pass, rule.partial],
      definitions,
      facts.scannedForSecrets,
      // A pass stands (below) without it, so only a verdict short of pass pays for settling parts.
      unreadable.length && status !== "pass" ? settledFalse : undefined,
    );
    const unread = unreadable.filter(needs.reads);
    const deciding = unread.filter(needs.decides);
    // A pass stands unless the rule negates: one more file cannot take away what was found.
    if (deciding.length && (status !== "pass" || needs.negates)) {
      status = "inconclusive";
      message = `Could not read ${describeUnread(deciding, facts.unreadable)}, which this rule needs.`;
    } else if (unread.length) {
      message = `${/[.!?]$/.test(message) ? message : `${message}.`} Not read, and could not change this: ${describeUnread(unread, facts.unreadable)}.`;
    }
    const absent = status === "fail" || status === "partial" ? missingParts(rule, on) : [];
    if (absent.length) message += ` Not found: ${absent.join(", ")}.`;
    if (status === "fail" || status === "partial") message += unusedPackagesNote(rule, facts);
    const credit = status === "pass" ? 1 : status === "partial" ? 0.5 : status === "fail" ? 0 : null;
    return {
      ...base,
      status,
      credit,
      message,
      ...(absent.length ? { missing: absent } : {}),
      evidence: evidence.slice(0, 5),
    };
  }

  return { evaluate: judge, statusOf: ctx.statusOf, context: ctx };
}
