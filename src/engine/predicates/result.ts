import type { Facts } from "../facts/index.js";
import type { Evidence, Predicate, Status } from "../model.js";

export interface PredicateResult {
  ok: boolean;
  evidence: Evidence[];
}

export interface EvalContext {
  facts: Facts;
  /** The status of another rule, for rules built on rules (the capstone). */
  statusOf(id: string): Status;
  /** The evidence another rule's verdict rests on, so a rule built on rules still links to proof. */
  evidenceOf(id: string): Evidence[];
  definitions: Record<string, Predicate>;
}

export const NO: PredicateResult = { ok: false, evidence: [] };

export function found(evidence: Evidence[]): PredicateResult {
  return { ok: evidence.length > 0, evidence };
}

const regexCache = new Map<string, RegExp>();

/** Rule patterns are compiled once per process. */
export function regex(pattern: string, flags = ""): RegExp {
  const key = `${flags}/${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    re = new RegExp(pattern, flags);
    regexCache.set(key, re);
  }
  return re;
}

/** A dotted-name glob (`mlflow.log_*`, `*.MlflowClient().create_registered_model`, `logging.{info,error}`), anchored. */
export function nameGlob(glob: string): RegExp {
  const body = glob
    .replace(/[.+?^$()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\{([^{}]*)\}/g, (_, alternatives: string) => `(?:${alternatives.split(",").join("|")})`);
  return regex(`^${body}$`);
}
