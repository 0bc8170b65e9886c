import type { Scorecard } from "../engine/model.js";
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
}

/**
 * The sticky pull request comment: short enough to read in the conversation. The headline with the change
 * against the base, the rules whose status changed, the top next steps, and links to the full scorecard.
 */
export function renderComment(card: Scorecard, options: CommentOptions): string {
  const out = [
    COMMENT_MARKER,
    `### MLOps readiness ${headline(card, options.delta)} (${card.level.name})`,
    "",
  ];
  if (options.delta) out.push(...deltaLines(options.delta, COMMENT_CHANGES), "");
  out.push(...nextStepLines(card, options.links, COMMENT_NEXT_STEPS), "");
  const more = [
    options.pageUrl ? `[Full scorecard](${options.pageUrl})` : undefined,
    options.checkRunUrl ? `[every rule in the check run](${options.checkRunUrl})` : undefined,
  ].filter(Boolean);
  if (more.length) out.push(more.join(" · "), "");
  if (options.badge)
    out.push(
      "<details><summary>Add the badge to your README</summary>",
      "",
      "```markdown",
      options.badge,
      "```",
      "",
      "</details>",
      "",
    );
  out.push(footer(card, false));
  return out.join("\n");
}
