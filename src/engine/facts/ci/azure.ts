import { dirName, joinPath } from "../../paths.js";
import { asList, asMap, lineOf, type YamlFile } from "../yaml.js";
import type { IndirectionContext } from "./expand.js";
import type { CiPipeline, CiStep, Trigger } from "./model.js";
import { buildStep, pathsMentionData, scriptStart, truthy } from "./steps.js";

const SCRIPT_KEYS = ["script", "bash", "pwsh", "powershell"];

function isStepList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.some((s) => {
      const m = asMap(s);
      return !!m && (SCRIPT_KEYS.some((k) => k in m) || "task" in m || "template" in m || "checkout" in m);
    })
  );
}

/** Whether a YAML document reads as an Azure Pipelines file (or template). */
export function looksLikeAzure(doc: unknown): boolean {
  const m = asMap(doc);
  if (!m) return false;
  if ("trigger" in m || "pr" in m) return "steps" in m || "jobs" in m || "stages" in m || "extends" in m;
  const stages = asList(m.stages);
  if (stages.length && stages.every((s) => asMap(s) && ("stage" in asMap(s)! || "template" in asMap(s)!)))
    return true;
  const jobs = asList(m.jobs);
  if (
    jobs.length &&
    jobs.every(
      (j) => asMap(j) && ("job" in asMap(j)! || "deployment" in asMap(j)! || "template" in asMap(j)!),
    )
  )
    return true;
  return isStepList(m.steps);
}

function triggersOf(doc: Record<string, unknown>): Set<Trigger> {
  const triggers = new Set<Trigger>();
  if (doc.trigger !== "none") triggers.add("push");
  if ("pr" in doc ? doc.pr !== "none" : doc.trigger !== "none") triggers.add("pull_request");
  if (asList(doc.schedules).length) triggers.add("schedule");
  if (pathsMentionData(asMap(asMap(doc.trigger)?.paths)?.include)) triggers.add("data");
  if (triggers.size === 0) triggers.add("manual");
  return triggers;
}

/** Every step in a document, wherever it sits (stages → jobs → steps, deployment strategies), templates followed. */
function collectSteps(
  file: YamlFile,
  value: unknown,
  ctx: IndirectionContext,
  masked: boolean,
  depth: number,
  out: CiStep[],
  used: Set<string>,
): void {
  if (depth > 40) return;
  if (Array.isArray(value)) {
    value.forEach((v) => collectSteps(file, v, ctx, masked, depth + 1, out, used));
    return;
  }
  const m = asMap(value);
  if (!m) return;
  const here = masked || truthy(m.continueOnError);
  if (typeof m.template === "string" && depth < 30) {
    const path = joinPath(dirName(file.path), m.template.replace(/@.*$/, "")) ?? "";
    const template = ctx.yaml.get(path) ?? ctx.yaml.get(m.template);
    if (template && !used.has(template.path)) {
      used.add(template.path);
      collectSteps(template, template.docs[0], ctx, here, depth + 10, out, used);
    }
  }
  const scriptKey = SCRIPT_KEYS.find((k) => typeof m[k] === "string");
  const inputs = asMap(m.inputs);
  if (scriptKey || typeof m.task === "string") {
    const inline =
      typeof inputs?.script === "string"
        ? "script"
        : typeof inputs?.inlineScript === "string"
          ? "inlineScript"
          : undefined;
    const text = scriptKey ? String(m[scriptKey]) : inline ? String(inputs![inline]) : undefined;
    const keyLine = scriptKey ? lineOf(m, scriptKey) : inline ? lineOf(inputs, inline) : undefined;
    out.push(
      buildStep(
        file.path,
        {
          line: lineOf(m) ?? 1,
          name: typeof m.displayName === "string" ? m.displayName : undefined,
          uses: typeof m.task === "string" ? m.task : undefined,
          with: inputs,
          masked: here,
          maskedBy: "continueOnError: true",
          script: text !== undefined ? { text, line: scriptStart(file, keyLine) } : undefined,
        },
        ctx,
      ),
    );
    return;
  }
  for (const [key, v] of Object.entries(m))
    if (key !== "template" && v && typeof v === "object")
      collectSteps(file, v, ctx, here, depth + 1, out, used);
}

/** Azure pipelines, minus files that other pipelines include as templates (they run as part of those). */
export function azurePipelines(files: YamlFile[], ctx: IndirectionContext): CiPipeline[] {
  const built = files.map((file) => {
    const steps: CiStep[] = [];
    const used = new Set<string>();
    collectSteps(file, file.docs[0], ctx, false, 0, steps, used);
    return { file, steps, used };
  });
  const templates = new Set(built.flatMap((b) => [...b.used]));
  return built
    .filter((b) => !templates.has(b.file.path))
    .map((b) => ({
      provider: "azure" as const,
      path: b.file.path,
      triggers: triggersOf(asMap(b.file.docs[0]) ?? {}),
      steps: b.steps,
      images: [],
    }));
}
