import { baseName, matchGlob } from "../../paths.js";
import { asList, asMap, lineOf, type YamlFile } from "../yaml.js";
import { azurePipelines, looksLikeAzure } from "./azure.js";
import { bitbucketPipeline } from "./bitbucket.js";
import { circlePipeline } from "./circleci.js";
import { cloudBuildPipeline, looksLikeCloudBuild } from "./cloudbuild.js";
import type { IndirectionContext } from "./expand.js";
import { GITHUB_WORKFLOW_GLOB, githubPipeline } from "./github.js";
import { gitlabPipeline } from "./gitlab.js";
import { jenkinsPipeline } from "./jenkins.js";
import type { CiPipeline } from "./model.js";
import { buildStep } from "./steps.js";

export type { CiCommand, CiPipeline, CiStep, Trigger } from "./model.js";

/** Top-level keys without which a YAML file is no Azure pipeline or Cloud Build config. */
const CI_KEYS = /^(trigger|pr|stages|steps|jobs|schedules|extends)\s*:/m;

/** Files that are some other tool's YAML, never an Azure pipeline. */
const NOT_AZURE =
  /(^|\/)(\.github\/|\.gitlab-ci\.ya?ml$|\.circleci\/|bitbucket-pipelines\.ya?ml$|dvc\.ya?ml$|docker-compose|compose\.ya?ml$)/;

export function isJenkinsfile(path: string): boolean {
  return /^Jenkinsfile/.test(baseName(path));
}

/**
 * Every CI pipeline of the repository. Cloud Build configs count as triggered only where the repository
 * defines their trigger; `cloudBuildTriggered` says whether it does.
 */
export function extractCi(
  jenkinsfiles: Map<string, string>,
  ctx: IndirectionContext,
  cloudBuildTriggerDefined: boolean,
): CiPipeline[] {
  const pipelines: CiPipeline[] = [];
  const azureCandidates: YamlFile[] = [];
  const cloudBuilds: YamlFile[] = [];
  // Only files that can be CI are parsed: by their path, or by a top-level key a provider needs.
  const candidates = ctx.yaml.where(
    (path, text) =>
      /(^|\/)(\.github\/workflows\/|\.gitlab-ci\.ya?ml$|\.circleci\/|bitbucket-pipelines\.ya?ml$)/.test(
        path,
      ) || CI_KEYS.test(text),
  );
  for (const file of candidates) {
    if (file.docs.length === 0) continue;
    const path = file.path;
    let pipeline: CiPipeline | null = null;
    if (matchGlob(path, GITHUB_WORKFLOW_GLOB)) pipeline = githubPipeline(file, ctx);
    else if (/(^|\/)\.gitlab-ci\.ya?ml$/.test(path)) pipeline = gitlabPipeline(file, ctx);
    else if (path === ".circleci/config.yml" || path === ".circleci/config.yaml")
      pipeline = circlePipeline(file, ctx);
    else if (/(^|\/)bitbucket-pipelines\.ya?ml$/.test(path)) pipeline = bitbucketPipeline(file, ctx);
    else if (looksLikeCloudBuild(file)) cloudBuilds.push(file);
    else if (!NOT_AZURE.test(path) && looksLikeAzure(file.docs[0])) azureCandidates.push(file);
    if (pipeline) pipelines.push(pipeline);
  }
  for (const [path, text] of jenkinsfiles) pipelines.push(jenkinsPipeline(path, text, ctx));
  pipelines.push(...azurePipelines(azureCandidates, ctx));

  const submitsCloudBuild = pipelines.some((p) =>
    p.steps.some((s) => s.commands.some((c) => /\bgcloud\s+(beta\s+)?builds\s+submit\b/.test(c.text))),
  );
  for (const file of cloudBuilds) {
    const pipeline = cloudBuildPipeline(file, ctx);
    if (cloudBuildTriggerDefined || submitsCloudBuild) pipeline.triggers = new Set(["push"]);
    pipelines.push(pipeline);
  }
  return pipelines;
}

/**
 * The commands of a pre-commit config's local hooks (`repo: local`, `entry: make lint`), followed through
 * make targets and scripts like CI steps. Kept apart from CI: a hook runs on a developer's commit.
 */
export function preCommitHooks(ctx: IndirectionContext): CiPipeline[] {
  const out: CiPipeline[] = [];
  for (const file of ctx.yaml.where((path) => /(^|\/)\.pre-commit-config\.ya?ml$/.test(path))) {
    const steps = [];
    for (const repo of asList(asMap(file.docs[0])?.repos)) {
      if (asMap(repo)?.repo !== "local") continue;
      for (const hook of asList(asMap(repo)?.hooks)) {
        const h = asMap(hook);
        if (typeof h?.entry !== "string") continue;
        const args = asList(h.args).filter((a): a is string => typeof a === "string");
        const line = lineOf(h, "entry") ?? lineOf(h) ?? 1;
        steps.push(
          buildStep(
            file.path,
            {
              line,
              name: typeof h.id === "string" ? h.id : undefined,
              script: { text: [h.entry, ...args].join(" "), line },
            },
            ctx,
          ),
        );
      }
    }
    if (steps.length)
      out.push({ provider: "pre-commit", path: file.path, triggers: new Set(["other"]), steps, images: [] });
  }
  return out;
}
