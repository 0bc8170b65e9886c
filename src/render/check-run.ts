import { rootPrefix } from "../engine/paths.js";
import type { Evidence, Finding, Scorecard } from "../engine/model.js";
import { deltaLines, type Delta } from "./delta.js";
import { plainText } from "./inline.js";
import {
  checklistLines,
  fitToLimit,
  footer,
  nextStepLines,
  noteLines,
  phaseLines,
  recordsLines,
  ruleDetailLines,
} from "./markdown.js";
import { headline, type LinkFor } from "./status.js";

/** GitHub's limits on a check run's output. */
export const CHECK_TEXT_LIMIT = 65_535;
export const ANNOTATIONS_PER_REQUEST = 50;
/** Enough to point at every reason; beyond it the annotations would bury the page. */
export const MAX_ANNOTATIONS = 200;
const MAX_ANNOTATIONS_PER_RULE = 10;

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  text: string;
  annotations: Annotation[];
}

export type Conclusion = "success" | "neutral" | "failure";

export interface Thresholds {
  pass: number;
  fail_below?: number;
}

/** Success at or above the pass mark; failure only below an explicit fail_below; neutral between. */
export function conclusionOf(score: number, thresholds: Thresholds): Conclusion {
  if (thresholds.fail_below !== undefined && score < thresholds.fail_below) return "failure";
  return score >= thresholds.pass ? "success" : "neutral";
}

/**
 * An annotation marks a file that is the reason a rule fell short: a masked test step, a committed
 * secret (its snippet is already redacted), a Dockerfile that starts nothing. Only evidence with a line.
 */
function annotationsOf(f: Finding, filePath: (e: Evidence) => string): Annotation[] {
  if (f.status !== "fail" && f.status !== "partial") return [];
  return f.evidence
    .filter((e) => e.path && e.line)
    .slice(0, f.status === "fail" ? MAX_ANNOTATIONS_PER_RULE : 1)
    .map((e) => ({
      path: filePath(e),
      start_line: e.line!,
      end_line: e.line!,
      annotation_level: f.status === "fail" ? "failure" : "warning",
      title: `${f.title} (${f.id})`.slice(0, 255),
      // GitHub shows an annotation's message as plain text: code spans lose their backticks.
      message: plainText(`${f.message} Fix: ${f.remediation}`),
    }));
}

export interface CheckRunOptions {
  links: LinkFor;
  delta?: Delta;
  /** Evidence paths are relative to the audited root; annotations need the repository path. */
  root?: string;
}

export function renderCheckRun(card: Scorecard, options: CheckRunOptions): CheckRunOutput {
  // Notes come first: an invalid config or unreadable files change how the rest should be read.
  const summary: string[] = card.notes.length ? [...noteLines(card).slice(1), ""] : [];
  summary.push(...nextStepLines(card, options.links), "");
  if (options.delta) summary.push("**What changed**", "", ...deltaLines(options.delta), "");
  summary.push(...checklistLines(card), "", ...phaseLines(card), ...recordsLines(card), "", footer(card));
  return {
    title: `Readiness ${headline(card, options.delta)}`,
    summary: fitToLimit(() => summary.join("\n"), CHECK_TEXT_LIMIT),
    text: fitToLimit(
      (withEvidence) => ruleDetailLines(card, options.links, withEvidence).join("\n"),
      CHECK_TEXT_LIMIT,
    ),
    annotations: annotationsFor(card, options.root),
  };
}

/** The lines that are reasons a rule fell short, as repository paths (the Action annotates them too). */
export function annotationsFor(card: Scorecard, root?: string): Annotation[] {
  const prefix = rootPrefix(root);
  return card.rules.flatMap((f) => annotationsOf(f, (e) => prefix + e.path)).slice(0, MAX_ANNOTATIONS);
}
