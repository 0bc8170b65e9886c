import type { CiPipeline, CiStep } from "../facts/ci/index.js";
import { workflowOf } from "../facts/ci/model.js";
import type { CiQuery, Evidence, Trigger } from "../model.js";
import { snippetOf } from "../text.js";
import { found, nameGlob, type EvalContext, type PatternEngine, type PredicateResult } from "./result.js";

function triggered(pipeline: CiPipeline, step: CiStep, wanted?: Trigger[]): boolean {
  if (!wanted) return true;
  const triggers = step.triggers ?? pipeline.triggers;
  return wanted.some((t) => triggers.has(t));
}

function withMatches(step: CiStep, pattern: PatternEngine, want?: Record<string, string>): boolean {
  if (!want) return true;
  return Object.entries(want).every(([key, wanted]) => {
    const value = step.with[key];
    return value !== undefined && value !== null && pattern(`^(?:${wanted})$`, "is").test(String(value));
  });
}

/** CI steps (by action) and commands (after Makefile and script indirection) that match. */
export function evalCi(ctx: EvalContext, q: CiQuery): PredicateResult {
  const evidence: Evidence[] = [];
  const seen = new Set<string>();
  const add = (e: Evidence) => {
    const key = `${e.path}:${e.line}`;
    if (!seen.has(key)) {
      seen.add(key);
      evidence.push(e);
    }
  };
  for (const pipeline of q.hooks ? ctx.facts.preCommit : ctx.facts.ci) {
    for (const step of pipeline.steps) {
      if (!triggered(pipeline, step, q.trigger)) continue;
      if (q.uses && step.uses && (q.masked === undefined || q.masked === step.masked)) {
        if (q.uses.some((u) => nameGlob(u).test(step.uses!)) && withMatches(step, ctx.pattern, q.with)) {
          add({
            path: step.path,
            line: step.line,
            snippet: snippetOf(`uses: ${step.uses}${step.name ? ` (${step.name})` : ""}`),
            ...workflowOf(pipeline),
          });
        }
      }
      if (!q.command) continue;
      for (const c of step.commands) {
        if (q.masked !== undefined && q.masked !== c.masked) continue;
        if (
          q.command.some((p) => ctx.pattern(p).test(c.text)) &&
          !q.unless?.some((p) => ctx.pattern(p).test(c.text))
        ) {
          const via = c.via.length ? ` (via ${c.via.join(" → ")})` : "";
          // A masked command shows what masks it, so the reader sees the text to remove.
          const mask = !c.masked
            ? ""
            : c.mask?.startsWith("||")
              ? ` ${c.mask}`
              : ` (masked: ${c.mask ?? "failure ignored"})`;
          add({
            path: c.path,
            line: c.line,
            snippet: snippetOf(c.text + mask + via),
            ...workflowOf(pipeline),
          });
        }
      }
    }
  }
  return found(evidence.slice(0, 5));
}

const TRIVIAL_ACTIONS =
  /^(actions\/(checkout|setup-\w+|cache|upload-artifact|download-artifact)|checkout)(@|$)/;

/** A pipeline, optionally with given triggers and at least one step that does real work. */
export function evalCiPipeline(
  ctx: EvalContext,
  q: { trigger?: Trigger[]; work?: boolean },
): PredicateResult {
  const evidence: Evidence[] = [];
  for (const p of ctx.facts.ci) {
    if (q.trigger && !q.trigger.some((t) => p.triggers.has(t))) continue;
    const worker = p.steps.find((s) => s.commands.length > 0 || (s.uses && !TRIVIAL_ACTIONS.test(s.uses)));
    if (q.work && !worker) continue;
    const triggers = [...p.triggers].join(", ");
    evidence.push({
      path: p.path,
      line: worker?.line,
      snippet: `${p.provider} pipeline on ${triggers || "no trigger"}`,
      ...workflowOf(p),
    });
  }
  return found(evidence.slice(0, 5));
}
