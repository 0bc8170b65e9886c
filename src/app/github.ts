import type { ProbotOctokit } from "probot";

/** An installation's authenticated client, as Probot hands it to a handler. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}
