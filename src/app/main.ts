import { run } from "probot";
import app from "./index.js";
import { AppOctokit } from "./octokit.js";

// `probot run` would use Probot's default client, whose secondary-rate-limit handler never retries;
// starting through `run` here gives every request the app's own retry policy.
await run(app, { Octokit: AppOctokit });
