import type { Scorecard } from "../engine/model.js";
import type { FixPlan } from "../fix/index.js";
import { fixFor, suggestedFileBlocks } from "./fix.js";
import { deltaLines, type Delta } from "./delta.js";
import { COMMENT_MARKER, footer, nextStepLines } from "./markdown.js";
import { headline, type LinkFor } from "./status.js";

/** How many next steps a pull request comment names; the check run and the page have them all. */
export const COMMENT_NEXT_STEPS = 3;
/** How many changed rules a comment lists; the check run lists them all. */
export const COMMENT_CHANGES = 5;

export interface CommentOptions {
  links: LinkFor;
  delta?: Delta;
  /** The public scorecard page, where the repository has one. */
  pageUrl?: string;
  /** The check run with every rule. */
  checkRunUrl?: string;
  /** Markdown for a README badge: the comment is read by the repository's own people. */
  badge?: string;
  /** The fixes planned for this commit: a next step with one gets its file in a collapsed block. */
  fixes?: FixPlan;
}

/**
 * The short comment's size: what a reviewer reads in the conversation without scrolling. Suggested files are
 * added, collapsed, only while the whole comment stays inside it; `/mlops-audit fix <rule>` has them all.
 */
export const COMMENT_LIMITS = { chars: 3000, lines: 25 };

/** Non-empty Markdown lines: never fewer than the lines GitHub renders from them. */
const linesOf = (text: string) => text.split("\n").filter((l) => l.trim()).length;

/**
 * The collapsed suggested files of the comment's next steps, as many as fit inside the comment's limits beside
 * the `rest` of it.
 */
function suggestionLines(rest: string, card: Scorecard, fixes: FixPlan | undefined): string[] {
  if (!fixes) return [];
  const note = "<sub>`/mlops-audit fix <rule-id>` answers with every suggested file.</sub>";
  const blocks: string[] = [];
  const shown = new Set<string>();
  for (const step of card.nextSteps.slice(0, COMMENT_NEXT_STEPS)) {
    const fix = fixFor(fixes, step.rule);
    if (!fix || shown.has(fix.fixer)) continue;
    const block = suggestedFileBlocks(fixes, step.rule, Infinity);
    const candidate = [...blocks, block, note].join("\n");
    if (rest.length + candidate.length + 2 >= COMMENT_LIMITS.chars) continue;
    if (linesOf(rest) + linesOf(candidate) >= COMMENT_LIMITS.lines) continue;
    shown.add(fix.fixer);
    blocks.push(block);
  }
  return blocks.length ? [...blocks, note, ""] : [];
}

/**
 * The sticky pull request comment: short enough to read in the conversation. The headline with the change
 * against the base, the rules whose status changed, the top next steps (with a suggested file, collapsed, where
 * one fits), and links to the full scorecard.
 */
export function renderComment(card: Scorecard, options: CommentOptions): string {
  const head = [
    COMMENT_MARKER,
    `### MLOps readiness ${headline(card, options.delta)} (${card.level.name})`,
    "",
  ];
  if (options.delta) head.push(...deltaLines(options.delta, COMMENT_CHANGES), "");
  head.push(...nextStepLines(card, options.links, COMMENT_NEXT_STEPS), "");
  const tail: string[] = [];
  const more = [
    options.pageUrl ? `[Full scorecard](${options.pageUrl})` : undefined,
    options.checkRunUrl ? `[every rule in the check run](${options.checkRunUrl})` : undefined,
  ].filter(Boolean);
  if (more.length) tail.push(more.join(" · "), "");
  if (options.badge)
    tail.push(
      "<details><summary>Add the badge to your README</summary>",
      "",
      "```markdown",
      options.badge,
      "```",
      "",
      "</details>",
      "",
    );
  tail.push(footer(card, false));
  const suggestions = suggestionLines([...head, ...tail].join("\n"), card, options.fixes);
  return [...head, ...suggestions, ...tail].join("\n");
}
