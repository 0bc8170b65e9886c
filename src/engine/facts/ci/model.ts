/** CI of every provider, normalised to pipelines of steps of shell commands. */
import type { WorkflowRef } from "../../model.js";

export type Trigger = "push" | "pull_request" | "schedule" | "manual" | "data" | "other";

export interface CiCommand {
  /** One simple command, prefixes such as `poetry run` removed. */
  text: string;
  path: string;
  line: number;
  /** Its failure cannot fail the pipeline (`|| true`, `continue-on-error`, a script without `set -e`). */
  masked: boolean;
  /** What masks it, as the reader should see it: `|| true`, `continue-on-error`, `no set -e in x.sh`. */
  mask?: string;
  /** The hops that led here: `Makefile:test`, `scripts/ci.sh`. Empty when written in the CI file. */
  via: string[];
  /** The repository folder it runs in, where a working directory or a `cd` says so. */
  dir?: string;
  /** Whether the shell it runs in stops on a failure (`set -e`), where a script it belongs to says so. */
  errexit?: boolean;
}

export interface CiStep {
  path: string;
  line: number;
  name?: string;
  /** A GitHub action, CircleCI orb command, Azure task or Cloud Build builder image. */
  uses?: string;
  with: Record<string, unknown>;
  masked: boolean;
  commands: CiCommand[];
  /** When only this job's own conditions start it (a GitLab job `only: schedules`), else the pipeline's. */
  triggers?: Set<Trigger>;
}

export interface CiPipeline {
  provider:
    "github" | "gitlab" | "jenkins" | "azure" | "circleci" | "cloudbuild" | "bitbucket" | "pre-commit";
  path: string;
  triggers: Set<Trigger>;
  steps: CiStep[];
  /** Images a Cloud Build config publishes through `images:`. */
  images: string[];
}

export interface RawStep {
  line: number;
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  masked?: boolean;
  /** The setting that masks the step, as written: `continue-on-error: true`, `allow_failure: true`. */
  maskedBy?: string;
  /** Shell text and the line its first line sits on. */
  script?: { text: string; line: number };
  /** Whether each line's failure fails the step on its own (bash -e, Jenkins sh, GitLab script lines). */
  errexit?: boolean;
}

/** The GitHub Actions workflow a pipeline is, whose runs GitHub records; other CI keeps no records we read. */
export function workflowOf(pipeline: CiPipeline): { workflow?: WorkflowRef } {
  return pipeline.provider === "github"
    ? { workflow: { path: pipeline.path, scheduled: pipeline.triggers.has("schedule") } }
    : {};
}
