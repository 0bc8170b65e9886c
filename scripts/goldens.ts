import { main } from "../src/cli.js";
import { audit } from "../src/engine/audit.js";
import { badgeSnippet } from "../src/render/badge.js";
import { renderCheckRun } from "../src/render/check-run.js";
import { renderComment } from "../src/render/comment.js";
import { deltaOf } from "../src/render/delta.js";
import { linksAt } from "../src/render/status.js";
import { loadCatalogue } from "../src/rules/load.js";
import { LocalSource } from "../src/sources/local.js";
import { TOOL } from "../src/version.js";

/** The fixtures whose outputs are kept as goldens, and the formats a person reads. */
export const GOLDEN_FIXTURES = ["empty", "notebook-only", "middling", "complete", "hollow", "monorepo"];
export const GOLDEN_FORMATS = { text: "txt", markdown: "md", json: "json", html: "html" } as const;
/** One badge per grade, at a score inside that grade. */
export const GOLDEN_BADGES = [
  { score: 92, grade: "A" },
  { score: 78, grade: "B" },
  { score: 61, grade: "C" },
  { score: 45, grade: "D" },
  { score: 7, grade: "E" },
] as const;

/** Runs the CLI as a user would and captures what it prints. */
export async function cliOutput(
  args: string[],
  isTTY = false,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY });
  return { code, stdout, stderr };
}

/** The tool version changes with every release; goldens hold a placeholder so they change only with behaviour. */
export function stableOutput(text: string, version: string): string {
  return text.split(version).join("<version>");
}

/**
 * What the app posts on a pull request from `notebook-only` to `middling`: the sticky comment and the check
 * run, with links as the app makes them.
 */
export async function pullRequestPosts(): Promise<Record<string, string>> {
  const catalogue = loadCatalogue();
  const commit = "c".repeat(40);
  const htmlUrl = "https://github.com/learner/middling";
  const judge = async (fixture: string, sha?: string) =>
    audit(await LocalSource.open(`fixtures/repos/${fixture}`), {
      catalogue,
      tool: TOOL,
      target: { name: "learner/middling", ...(sha ? { commit: sha, url: htmlUrl } : {}) },
    });
  const head = await judge("middling", commit);
  const delta = deltaOf(await judge("notebook-only"), head, "main");
  const links = linksAt(htmlUrl, commit);
  const comment = renderComment(head, {
    links,
    delta,
    pageUrl: "https://audit.example.org/scorecards/learner/middling",
    checkRunUrl: `${htmlUrl}/runs/7`,
    badge: badgeSnippet("https://audit.example.org", "learner", "middling"),
  });
  const run = renderCheckRun(head, { links, delta });
  const checkRun = [`# ${run.title}`, "", run.summary, "", "---", "", run.text, ""].join("\n");
  return {
    "pull-request-comment.md": stableOutput(`${comment}\n`, TOOL.version),
    "pull-request-check-run.md": stableOutput(checkRun, TOOL.version),
  };
}
