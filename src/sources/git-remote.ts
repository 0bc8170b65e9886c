import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The GitHub repository a local clone pushes to (its `origin`), read from `.git/config` without running git.
 * Nothing when the directory is not a clone of a GitHub repository.
 */
export function githubOrigin(dir: string): { owner: string; repo: string } | undefined {
  let config: string;
  try {
    config = readFileSync(join(dir, ".git", "config"), "utf8");
  } catch {
    return undefined;
  }
  const origin = /^\[remote "origin"\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(config)?.[1] ?? "";
  const url = /^\s*url\s*=\s*(\S+)\s*$/m.exec(origin)?.[1];
  const match = url && /github\.com[/:]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url);
  return match ? { owner: match[1], repo: match[2] } : undefined;
}
