import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { SimulatedGitHub } from "../test/github/simulated-github.js";
import type { GitHubApi } from "./redis-deployment.js";
import { portfolioTree } from "./trees.js";

/**
 * GitHub simulated with the portfolio tree in a process of its own: serving trees and blobs is work that a
 * real GitHub does elsewhere, so it must not share the event loop of the process being measured.
 */
export async function githubProcess(): Promise<GitHubApi> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "serve"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  // `once` rejects if the child fails before printing where it listens.
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  return {
    env: JSON.parse(line) as Record<string, string>,
    close: async () => {
      child.kill();
    },
  };
}

if (process.argv[2] === "serve") {
  const api = await new SimulatedGitHub(portfolioTree()).listen();
  process.stdout.write(`${JSON.stringify(api.env)}\n`);
}
