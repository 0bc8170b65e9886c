import { KWARG_PATTERN } from "../engine/predicates/python.js";
import { linearPatternProblem } from "../engine/predicates/result.js";

export interface PatternProblem {
  /** Where in the custom rule, as a key path. */
  path: (string | number)[];
  pattern: string;
  problem: string;
}

/** Keys whose string lists are regular expressions in the rule language. */
const PATTERN_LISTS = new Set(["pattern", "command", "start", "text"]);
/** Keys whose single string is a regular expression. */
const PATTERN_VALUES = new Set(["apiVersion", "value"]);

/** Every regular expression in a custom rule, with its key path. */
function* patternsIn(node: unknown, path: (string | number)[]): Generator<[(string | number)[], string]> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* patternsIn(item, [...path, i]);
    return;
  }
  if (!node || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    const at = [...path, key];
    if (PATTERN_LISTS.has(key) && Array.isArray(value)) {
      for (const [i, item] of value.entries()) if (typeof item === "string") yield [[...at, i], item];
    } else if (PATTERN_VALUES.has(key) && typeof value === "string") yield [at, value];
    else if ((key === "call" || key === "decorator") && Array.isArray(value)) {
      for (const [i, item] of value.entries()) {
        const kwargValue = typeof item === "string" ? item.match(KWARG_PATTERN)?.[4] : undefined;
        if (kwargValue !== undefined) yield [[...at, i], kwargValue];
      }
    } else if (key === "with" && value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) if (typeof v === "string") yield [[...at, k], v];
    } else yield* patternsIn(value, at);
  }
}

/**
 * The first regular expression of a custom rule that the linear-time engine cannot run, or that is too
 * long. Patterns from a repository are a stranger's code: they run only where they cannot backtrack.
 */
export function firstPatternProblem(rule: { pass: unknown; partial?: unknown }): PatternProblem | undefined {
  for (const [path, pattern] of patternsIn({ pass: rule.pass, partial: rule.partial }, [])) {
    const problem = linearPatternProblem(pattern);
    if (problem) return { path, pattern, problem };
  }
  return undefined;
}
