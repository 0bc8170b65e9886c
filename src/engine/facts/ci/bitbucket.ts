import { asList, asMap, lineOf, type YamlFile } from "../yaml.js";
import type { IndirectionContext } from "./expand.js";
import type { CiPipeline, CiStep, Trigger } from "./model.js";
import { buildStep, scriptItems } from "./steps.js";

function stepsIn(
  file: YamlFile,
  items: unknown,
  ctx: IndirectionContext,
  trigger: Trigger,
  out: (CiStep & { triggers?: Set<Trigger> })[],
): void {
  for (const item of asList(items)) {
    const m = asMap(item);
    if (!m) continue;
    if (m.parallel) stepsIn(file, asMap(m.parallel)?.steps ?? m.parallel, ctx, trigger, out);
    if (asMap(m.stage)) stepsIn(file, asMap(m.stage)!.steps, ctx, trigger, out);
    const step = asMap(m.step);
    if (!step) continue;
    const script = asList(step.script);
    for (const [i, entry] of script.entries()) {
      const pipe = asMap(entry)?.pipe;
      if (typeof pipe === "string")
        out.push({
          ...buildStep(
            file.path,
            { line: lineOf(script, i) ?? 1, uses: pipe, with: asMap(asMap(entry)?.variables) },
            ctx,
          ),
          triggers: new Set([trigger]),
        });
    }
    for (const l of scriptItems(script, (i) => lineOf(script, i), file)) {
      out.push({
        ...buildStep(
          file.path,
          { line: l.line, name: typeof step.name === "string" ? step.name : undefined, script: l },
          ctx,
        ),
        triggers: new Set([trigger]),
      });
    }
  }
}

export function bitbucketPipeline(file: YamlFile, ctx: IndirectionContext): CiPipeline | null {
  const pipelines = asMap(asMap(file.docs[0])?.pipelines);
  if (!pipelines) return null;
  const steps: (CiStep & { triggers?: Set<Trigger> })[] = [];
  const triggers = new Set<Trigger>();
  const sections: [string, Trigger][] = [
    ["default", "push"],
    ["branches", "push"],
    ["tags", "push"],
    ["pull-requests", "pull_request"],
    ["custom", "manual"],
  ];
  for (const [key, trigger] of sections) {
    const section = pipelines[key];
    if (!section) continue;
    triggers.add(trigger);
    const groups = key === "default" ? [section] : Object.values(asMap(section) ?? {});
    for (const group of groups) stepsIn(file, group, ctx, trigger, steps);
  }
  return { provider: "bitbucket", path: file.path, triggers, steps, images: [] };
}
