import { payload } from "./probot.js";

/**
 * A completed run as the Actions API lists it: GitHub's own example of a workflow run, on the default
 * branch of `repo`, adjusted by `patch`.
 */
export function completedRun(
  repo: string,
  conclusion: string,
  id: number,
  patch: Record<string, unknown> = {},
) {
  const example = payload("workflow_run", "completed").workflow_run as Record<string, unknown>;
  return {
    ...example,
    id,
    status: "completed",
    conclusion,
    event: "push",
    head_branch: "main",
    html_url: `https://github.com/${repo}/actions/runs/${id}`,
    updated_at: `2026-12-0${id % 9}T10:00:00Z`,
    head_repository: { ...(example.head_repository as object), full_name: repo },
    ...patch,
  };
}

/** The runs endpoint's answer listing these runs. */
export const runsAnswer = (...list: unknown[]): [number, Record<string, unknown>] => [
  200,
  { total_count: list.length, workflow_runs: list },
];
