import { asList, asMap, lineOf, type YamlFile } from "../yaml.js";
import type { IndirectionContext } from "./expand.js";
import type { CiPipeline, CiStep, Trigger } from "./model.js";
import { buildStep, scriptStart } from "./steps.js";

export function circlePipeline(file: YamlFile, ctx: IndirectionContext): CiPipeline | null {
  const doc = asMap(file.docs[0]);
  const jobs = asMap(doc?.jobs);
  if (!doc || !jobs) return null;
  const steps: CiStep[] = [];
  for (const job of Object.values(jobs)) {
    for (const item of asList(asMap(job)?.steps)) {
      const step = asMap(item);
      if (!step) continue;
      const [key, value] = Object.entries(step)[0] ?? [];
      if (key === "run") {
        const run = asMap(value);
        const text = typeof value === "string" ? value : typeof run?.command === "string" ? run.command : "";
        const keyLine = typeof value === "string" ? lineOf(step, "run") : lineOf(run, "command");
        steps.push(
          buildStep(
            file.path,
            {
              line: lineOf(step) ?? 1,
              name: typeof run?.name === "string" ? run.name : undefined,
              script: { text, line: scriptStart(file, keyLine) },
            },
            ctx,
          ),
        );
      } else if (key) {
        steps.push(buildStep(file.path, { line: lineOf(step) ?? 1, uses: key, with: asMap(value) }, ctx));
      }
    }
  }
  const triggers = new Set<Trigger>(["push", "pull_request"]);
  for (const wf of Object.values(asMap(doc.workflows) ?? {})) {
    if (asList(asMap(wf)?.triggers).some((t) => asMap(t)?.schedule)) triggers.add("schedule");
  }
  return { provider: "circleci", path: file.path, triggers, steps, images: [] };
}
