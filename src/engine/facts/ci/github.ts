import { joinPath } from "../../paths.js";
import { asList, asMap, lineOf, type YamlFile } from "../yaml.js";
import type { IndirectionContext } from "./expand.js";
import type { CiPipeline, CiStep, Trigger } from "./model.js";
import { addDataTrigger, buildStep, scriptStart, truthy } from "./steps.js";

export const GITHUB_WORKFLOW_GLOB = ".github/workflows/*.{yml,yaml}";

const EVENT_TRIGGERS: Record<string, Trigger> = {
  push: "push",
  pull_request: "pull_request",
  pull_request_target: "pull_request",
  merge_group: "pull_request",
  schedule: "schedule",
  workflow_dispatch: "manual",
  repository_dispatch: "manual",
};

function triggersOf(on: unknown): Set<Trigger> {
  const triggers = new Set<Trigger>();
  const events: [string, unknown][] =
    typeof on === "string"
      ? [[on, null]]
      : Array.isArray(on)
        ? on.map((e) => [String(e), null])
        : Object.entries(asMap(on) ?? {});
  for (const [event, filter] of events) {
    triggers.add(EVENT_TRIGGERS[event] ?? "other");
    if (event === "push" || event === "pull_request") addDataTrigger(triggers, filter);
  }
  return triggers;
}

function stepsOf(
  file: YamlFile,
  steps: unknown,
  ctx: IndirectionContext,
  masked: boolean,
  depth: number,
  workingDir: string,
): CiStep[] {
  const out: CiStep[] = [];
  for (const item of asList(steps)) {
    const step = asMap(item);
    if (!step) continue;
    const stepMasked = masked || truthy(step["continue-on-error"]);
    const uses = typeof step.uses === "string" ? step.uses : undefined;
    const dir = typeof step["working-directory"] === "string" ? step["working-directory"] : workingDir;
    out.push(
      buildStep(
        file.path,
        {
          line: lineOf(step) ?? 1,
          name: typeof step.name === "string" ? step.name : undefined,
          uses,
          with: asMap(step.with),
          masked: stepMasked,
          maskedBy: "continue-on-error: true",
          script:
            typeof step.run === "string"
              ? { text: step.run, line: scriptStart(file, lineOf(step, "run")) }
              : undefined,
        },
        ctx,
        dir,
      ),
    );
    // A composite action inside the repository is part of the config.
    if (uses?.startsWith("./") && depth < 3) {
      for (const name of ["action.yml", "action.yaml"]) {
        const path = joinPath(uses, name);
        const action = path ? ctx.yaml.get(path) : undefined;
        const runs = asMap(asMap(action?.docs[0])?.runs);
        if (action && runs) out.push(...stepsOf(action, runs.steps, ctx, stepMasked, depth + 1, ""));
      }
    }
  }
  return out;
}

export function githubPipeline(file: YamlFile, ctx: IndirectionContext, depth = 0): CiPipeline | null {
  const doc = asMap(file.docs[0]);
  if (!doc || !asMap(doc.jobs)) return null;
  const steps: CiStep[] = [];
  for (const value of Object.values(asMap(doc.jobs) ?? {})) {
    const job = asMap(value);
    if (!job) continue;
    const masked = truthy(job["continue-on-error"]);
    const workingDir = String(asMap(asMap(job.defaults)?.run)?.["working-directory"] ?? "");
    steps.push(...stepsOf(file, job.steps, ctx, masked, 0, workingDir));
    // A reusable workflow inside the repository runs as part of this one.
    if (typeof job.uses === "string" && job.uses.startsWith("./") && depth < 2) {
      const called = ctx.yaml.get(job.uses.replace(/^\.\//, "").replace(/@.*$/, ""));
      const inner = called ? githubPipeline(called, ctx, depth + 1) : null;
      if (inner)
        steps.push(
          ...inner.steps.map((s) => ({
            ...s,
            masked: s.masked || masked,
            commands: s.commands.map((c) => ({
              ...c,
              masked: c.masked || masked,
              mask: c.mask ?? (masked ? "continue-on-error: true" : undefined),
            })),
          })),
        );
    }
  }
  return { provider: "github", path: file.path, triggers: triggersOf(doc.on ?? doc.true), steps, images: [] };
}
