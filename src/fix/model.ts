/** What a fixer proposes: new files, each with the reason, and what only the learner can do. */

export interface ProposedFile {
  /** Repository-relative path of a file that does not exist yet. */
  path: string;
  content: string;
  /** The path the fixer would have liked, when a file already holds it (so the new one sits beside it). */
  beside?: string;
}

export interface Fix {
  /** The fixer's id, e.g. `ci-workflow`. */
  fixer: string;
  /** The rules these files are meant to make pass. */
  rules: string[];
  files: ProposedFile[];
  /** Steps the files cannot take: a dependency to add, a command to run, a line to change. */
  todo: string[];
}

export interface FixPlan {
  fixes: Fix[];
  /** Rules asked for (or failing) that no fixer can help with, and why. */
  skipped: { rule: string; reason: string }[];
}
