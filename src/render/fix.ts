import type { Fix, FixPlan, ProposedFile } from "../fix/index.js";

/** GitHub's limit on a comment is 65,536 characters. */
const REPLY_LIMIT = 65_000;

/** The language GitHub highlights a file in, by its name. */
function languageOf(path: string): string {
  if (/\.ya?ml$/.test(path)) return "yaml";
  if (/\.py$/.test(path)) return "python";
  if (/\.toml$/.test(path)) return "toml";
  if (/(^|\/|\.)Dockerfile$/i.test(path)) return "dockerfile";
  return "";
}

/** A fence longer than any run of backticks in the text, so a file can never close its own block. */
function fenced(file: ProposedFile): string {
  const longest = Math.max(2, ...(file.content.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${languageOf(file.path)}\n${file.content.replace(/\n$/, "")}\n${fence}`;
}

function fileBlock(file: ProposedFile, label = "Suggested file"): string {
  const beside = file.beside ? ` (beside \`${file.beside}\`, which stays as it is)` : "";
  return `<details><summary>${label}: <code>${file.path}</code>${beside}</summary>\n\n${fenced(file)}\n\n</details>`;
}

/** The fix for one rule, if a fixer planned one. */
export function fixFor(plan: FixPlan, rule: string): Fix | undefined {
  return plan.fixes.find((f) => f.rules.includes(rule) && f.files.length);
}

/**
 * The collapsed "Suggested file" blocks under a rule's fix in the comment, or "" when they would take more than
 * `budget` characters: the comment stays short, and `/mlops-audit fix <rule>` always has the files in full.
 */
export function suggestedFileBlocks(plan: FixPlan, rule: string, budget: number): string {
  const fix = fixFor(plan, rule);
  if (!fix) return "";
  const text = fix.files.map((f) => fileBlock(f)).join("\n");
  return text.length <= budget ? text : "";
}

/** How to get the files without the app writing to the repository. */
function applyLocally(rules: string[]): string[] {
  return [
    "**To apply them**, in a clone of the repository:",
    "",
    "```bash",
    `npx mlops-audit fix . ${rules.join(" ")}`,
    "```",
    "",
    "It writes the same files (never over an existing one) and prints what is left to do; `--dry-run` shows the diff first.",
  ];
}

/**
 * The reply to `/mlops-audit fix <rule>`: every file in full, what is left for the learner, and how to apply them.
 * `canOpenPullRequest` is true only where the installation granted `contents: write`.
 */
export function renderFixReply(
  plan: FixPlan,
  rules: string[],
  options: { canOpenPullRequest: boolean; pullRequestUrl?: string },
): string {
  const fixes = plan.fixes.filter((f) => f.rules.some((r) => rules.includes(r)));
  const out = [`### Suggested files for ${rules.map((r) => `\`${r}\``).join(", ")}`, ""];
  for (const fix of fixes) {
    out.push(`**${fix.rules.map((r) => `\`${r}\``).join(", ")}**`, "");
    out.push(...fix.files.map((f) => fileBlock(f, "File")), "");
    if (fix.todo.length) out.push("Left for you:", "", ...fix.todo.map((t) => `- ${t}`), "");
  }
  for (const s of plan.skipped.filter((x) => rules.includes(x.rule)))
    out.push(`- \`${s.rule}\`: not fixed, ${s.reason}.`);
  if (!fixes.length && !plan.skipped.some((x) => rules.includes(x.rule)))
    out.push("Nothing to suggest: these rules already pass.");
  out.push("");
  if (options.pullRequestUrl) out.push(`Opened ${options.pullRequestUrl} with these files.`);
  else if (fixes.length) out.push(...applyLocally(rules));
  if (fixes.length && !options.canOpenPullRequest && !options.pullRequestUrl)
    out.push(
      "",
      `<sub>\`/mlops-audit fix-pr ${rules[0]}\` opens a pull request with them where the app is installed from \`app.write.yml\` (with \`contents: write\`).</sub>`,
    );
  const text = out.join("\n");
  // Generated files are small; should a reply ever outgrow a comment, the CLI still has them in full.
  return text.length <= REPLY_LIMIT
    ? text
    : `${out[0]}\n\nThe files are too large for a comment: run \`npx mlops-audit fix . ${rules.join(" ")}\` in a clone.`;
}
