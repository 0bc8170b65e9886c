import { main } from "../src/cli.js";

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
