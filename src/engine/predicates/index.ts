import type { Predicate } from "../model.js";
import { evalCi, evalCiPipeline } from "./ci.js";
import { evalCompose, evalDockerfile } from "./containers.js";
import { evalFiles, evalText, evalYaml } from "./files.js";
import {
  evalDependencies,
  evalReadme,
  evalSecrets,
  evalServing,
  evalTerraform,
  evalTests,
} from "./project.js";
import { evalPython } from "./python.js";
import { NO, type EvalContext, type PredicateResult } from "./result.js";

export type { EvalContext, PredicateResult } from "./result.js";

/** Evaluates a predicate: `ok`, with the evidence that made it so. */
export function evaluatePredicate(ctx: EvalContext, p: Predicate): PredicateResult {
  if ("use" in p) return evaluatePredicate(ctx, ctx.definitions[p.use]);
  if ("all" in p) {
    const results = p.all.map((q) => evaluatePredicate(ctx, q));
    return results.every((r) => r.ok) ? { ok: true, evidence: results.flatMap((r) => r.evidence) } : NO;
  }
  if ("any" in p) {
    const results = p.any.map((q) => evaluatePredicate(ctx, q)).filter((r) => r.ok);
    return results.length ? { ok: true, evidence: results.flatMap((r) => r.evidence) } : NO;
  }
  if ("not" in p) {
    // A failed `not` keeps what it found: a committed secret is shown where it is.
    const inner = evaluatePredicate(ctx, p.not);
    return inner.ok ? { ok: false, evidence: inner.evidence } : { ok: true, evidence: [] };
  }
  if ("atLeast" in p) {
    const results = p.atLeast.of.map((q) => evaluatePredicate(ctx, q)).filter((r) => r.ok);
    return results.length >= p.atLeast.count
      ? { ok: true, evidence: results.flatMap((r) => r.evidence) }
      : NO;
  }
  if ("rule" in p) {
    const status = ctx.statusOf(p.rule.id);
    if (!(p.rule.status as string[]).includes(status)) return NO;
    const evidence = ctx.evidenceOf(p.rule.id).slice(0, 1);
    return {
      ok: true,
      evidence: evidence.length ? evidence : [{ path: "", snippet: `${p.rule.id}: ${status}` }],
    };
  }
  if ("files" in p) return evalFiles(ctx, p.files);
  if ("text" in p) return evalText(ctx, p.text);
  if ("python" in p) return evalPython(ctx, p.python);
  if ("ci" in p) return evalCi(ctx, p.ci);
  if ("ciPipeline" in p) return evalCiPipeline(ctx, p.ciPipeline);
  if ("dockerfile" in p) return evalDockerfile(ctx, p.dockerfile);
  if ("compose" in p) return evalCompose(ctx, p.compose);
  if ("yaml" in p) return evalYaml(ctx, p.yaml);
  if ("terraform" in p) return evalTerraform(ctx, p.terraform);
  if ("readme" in p) return evalReadme(ctx, p.readme);
  if ("tests" in p) return evalTests(ctx, p.tests);
  if ("dependencies" in p) return evalDependencies(ctx, p.dependencies);
  if ("secrets" in p) return evalSecrets(ctx);
  return evalServing(ctx, p.serving);
}
