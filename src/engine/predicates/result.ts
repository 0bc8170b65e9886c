import { RE2JS } from "re2js";
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
  /** Compiles a rule's regular expressions: the native engine for the catalogue, a linear one for a config's. */
  pattern: PatternEngine;
}

export const NO: PredicateResult = { ok: false, evidence: [] };

export function found(evidence: Evidence[]): PredicateResult {
  return { ok: evidence.length > 0, evidence };
}

/** A rule's compiled regular expression, whichever engine runs it. */
export interface Pattern {
  test(text: string): boolean;
  /** Where each match starts. */
  offsets(text: string): number[];
}

/** Flags are those of JavaScript: `i`, `s` and `m`. */
export type PatternEngine = (pattern: string, flags?: string) => Pattern;

function cached(compile: (pattern: string, flags: string) => Pattern): PatternEngine {
  const cache = new Map<string, Pattern>();
  return (pattern, flags = "") => {
    const key = `${flags}/${pattern}`;
    let compiled = cache.get(key);
    if (!compiled) {
      compiled = compile(pattern, flags);
      cache.set(key, compiled);
    }
    return compiled;
  };
}

/** V8's engine, for the catalogue's own patterns: fast, and written by us. */
export const nativePatterns: PatternEngine = cached((pattern, flags) => {
  const once = new RegExp(pattern, flags);
  const every = new RegExp(pattern, `${flags}g`);
  return {
    test: (text) => once.test(text),
    offsets: (text) => Array.from(text.matchAll(every), (m) => m.index),
  };
});

/**
 * RE2's linear-time engine, for patterns from a repository's config: a stranger's `(a+)+$` must not hold
 * an audit for minutes. Config validation has already refused what RE2 cannot run.
 */
export const linearPatterns: PatternEngine = cached((pattern, flags) => {
  const re = RE2JS.compile(pattern, re2Flags(flags));
  return {
    test: (text) => re.matcher(text).find(),
    offsets: (text) => {
      const matcher = re.matcher(text);
      const out: number[] = [];
      while (matcher.find()) out.push(matcher.start());
      return out;
    },
  };
});

function re2Flags(flags: string): number {
  return (
    (flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0) |
    (flags.includes("s") ? RE2JS.DOTALL : 0) |
    (flags.includes("m") ? RE2JS.MULTILINE : 0)
  );
}

export const MAX_PATTERN_LENGTH = 500;

/** Why a config's pattern cannot be used, or undefined when it can. */
export function linearPatternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    return `not supported by the linear-time engine (${(e as Error).message.replace(/^error parsing regexp: /, "")})`;
  }
}

const regexCache = new Map<string, RegExp>();

/** Patterns the engine builds itself (name globs, with every other character escaped). */
function regex(pattern: string, flags = ""): RegExp {
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
