import { asList, asMap, lineOf, type YamlFile } from "../yaml.js";
import type { IndirectionContext } from "./expand.js";
import type { CiPipeline, CiStep, Trigger } from "./model.js";
import { buildStep, scriptItems, truthy } from "./steps.js";

const RESERVED = new Set([
  "stages",
  "variables",
  "default",
  "include",
  "workflow",
  "image",
  "services",
  "before_script",
  "after_script",
  "cache",
  "pages",
]);

/** `include: local` files, which GitLab merges into the config. */
function includedFiles(doc: Record<string, unknown>, ctx: IndirectionContext): YamlFile[] {
  const out: YamlFile[] = [];
  for (const inc of asList(doc.include)) {
    const path = typeof inc === "string" ? inc : asMap(inc)?.local;
    if (typeof path !== "string" || /^https?:/.test(path)) continue;
    const file = ctx.yaml.get(path.replace(/^\//, ""));
    if (file) out.push(file);
  }
  return out;
}

function jobTriggers(job: Record<string, unknown>): Set<Trigger> | undefined {
  const only = asList(job.only ?? asMap(job.only)?.refs).map(String);
  const rules = asList(job.rules).map((r) => String(asMap(r)?.if ?? ""));
  if (job.when === "manual") return new Set(["manual"]);
  if (only.length && only.every((o) => o === "schedules")) return new Set(["schedule"]);
  if (rules.length && rules.every((r) => /CI_PIPELINE_SOURCE\s*==\s*["']schedule["']/.test(r)))
    return new Set(["schedule"]);
  return undefined;
}

export function gitlabPipeline(file: YamlFile, ctx: IndirectionContext): CiPipeline | null {
  const root = asMap(file.docs[0]);
  if (!root) return null;
  const steps: (CiStep & { triggers?: Set<Trigger> })[] = [];
  const triggers = new Set<Trigger>(["push", "pull_request"]);
  for (const source of [file, ...includedFiles(root, ctx)]) {
    const doc = asMap(source.docs[0]) ?? {};
    for (const [name, value] of Object.entries(doc)) {
      const job = asMap(value);
      if (RESERVED.has(name) || name.startsWith(".") || !job || !("script" in job || "trigger" in job))
        continue;
      const masked = truthy(job.allow_failure) || !!asMap(job.allow_failure);
      const lines = ["before_script", "script", "after_script"].flatMap((key) =>
        scriptItems(asList(job[key]), (i) => lineOf(job[key], i), source),
      );
      const jobOnly = jobTriggers(job);
      if (jobOnly?.has("schedule")) triggers.add("schedule");
      for (const l of lines) {
        const step = buildStep(
          source.path,
          { line: l.line, name, masked, maskedBy: "allow_failure", script: l },
          ctx,
        );
        steps.push(jobOnly ? { ...step, triggers: jobOnly } : step);
      }
    }
  }
  if (/CI_PIPELINE_SOURCE\s*==\s*["']schedule["']/.test(file.lines.join("\n"))) triggers.add("schedule");
  return { provider: "gitlab", path: file.path, triggers, steps, images: [] };
}
