import type { Finding, NextStep, Scorecard } from "../engine/model.js";
import { codeSpan, markdownCell, markdownInline } from "./inline.js";
import {
  definitionLine,
  deliveryRecords,
  evidenceLabel,
  headline,
  STATUS_EMOJI,
  verificationWords,
  type LinkFor,
} from "./status.js";

/** GitHub's limit on a comment and on a check run's text is 65,536; stay clear of it. */
export const MARKDOWN_LIMIT = 65_000;
export const COMMENT_MARKER = "<!-- mlops-audit:scorecard -->";

export interface MarkdownOptions {
  links: LinkFor;
  /** Lines to put under the headline, such as the change against the base branch. */
  preface?: string[];
  /** Markdown for a README badge, offered at the end. */
  badge?: string;
  limit?: number;
}

function evidenceLink(e: Finding["evidence"][number], links: LinkFor): string {
  const link = links(e);
  const label = codeSpan(evidenceLabel(e));
  return link ? `[${label}](${link})` : label;
}

/** `1. Remove … at [path:12](…) (+2 points, completes *CI/CD pipeline configuration*)` */
export function nextStepLines(card: Scorecard, links: LinkFor, count = card.nextSteps.length): string[] {
  if (!card.nextSteps.length) return ["**Next steps:** none; every rule that can be scored passes."];
  return [
    "**Next steps**",
    "",
    ...card.nextSteps.slice(0, count).map((s: NextStep, i) => {
      const where = s.path ? ` at ${evidenceLink({ path: s.path, line: s.line }, links)}` : "";
      const completes = s.completes ? `, completes *${markdownInline(s.completes)}*` : "";
      return `${i + 1}. ${markdownInline(s.action.replace(/\.$/, ""))}${where} (**+${s.points} point${s.points === 1 ? "" : "s"}**${completes}) ${codeSpan(s.rule)}`;
    }),
  ];
}

/** ` · [last run ✓ 2 days ago](run)`, ` · deployed to production: success, today`: what GitHub's records say. */
function recordsSaid(f: Finding, checkedAt: string | undefined): string {
  const words = verificationWords(f.verification, checkedAt);
  const run = words ? ` · ${f.verification?.url ? `[${words}](${f.verification.url})` : words}` : "";
  const held = deliveryRecords(f, checkedAt)
    .map((r) => ` · ${r.url ? `[${markdownInline(r.words)}](${r.url})` : markdownInline(r.words)}`)
    .join("");
  return run + held;
}

function ruleLine(f: Finding, links: LinkFor, withEvidence: boolean, checkedAt?: string): string {
  const head = `${STATUS_EMOJI[f.status]} **${markdownInline(f.title)}** ${codeSpan(f.id)}${recordsSaid(f, checkedAt)}`;
  const why = withEvidence ? ` <sub>${markdownInline(f.why)}</sub>` : "";
  const proof =
    withEvidence && (f.status === "pass" || f.status === "partial")
      ? f.evidence
          .slice(0, 3)
          .map((e) => `${evidenceLink(e, links)}${e.snippet ? ` ${codeSpan(e.snippet)}` : ""}`)
          .join("; ")
      : "";
  if (f.status === "pass") return `- ${head} — ${proof || markdownInline(f.message)}${why}`;
  if (f.status === "partial" || f.status === "fail") {
    const found = proof ? ` (${proof})` : "";
    const docs = f.status === "fail" ? ` ([docs](${f.docs}))` : "";
    return `- ${head} — ${markdownInline(f.message)}${found} **Fix:** ${markdownInline(f.remediation)}${docs}${why}`;
  }
  return `- ${head} — ${markdownInline(f.message)}${why}`;
}

export function checklistLines(card: Scorecard): string[] {
  const out = ["| | Portfolio checklist | Decided by |", "|:-:|---|---|"];
  for (const item of card.checklist) {
    const by = item.rules.map(codeSpan).join(item.combine === "lowest" ? " and " : " or ");
    out.push(`| ${STATUS_EMOJI[item.status]} | ${markdownCell(item.title)} | ${by.replace(/\|/g, "\\|")} |`);
  }
  return out;
}

export function phaseLines(card: Scorecard): string[] {
  const out = ["| Phase | Score |", "|---|--:|"];
  for (const p of card.phases) out.push(`| ${markdownCell(p.name)} | ${p.score === null ? "–" : p.score} |`);
  return out;
}

export function noteLines(card: Scorecard): string[] {
  return card.notes.flatMap((note) => ["", `> **Note:** ${markdownInline(note)}`]);
}

/** Once per audit: whether GitHub's records were read, and what they said overall. */
export function recordsLines(card: Scorecard): string[] {
  return card.verification ? ["", `<sub>${markdownInline(card.verification.note)}</sub>`] : [];
}

/** Every rule, phase by phase, with its evidence (when there is room) or its fix. */
export function ruleDetailLines(card: Scorecard, links: LinkFor, withEvidence: boolean): string[] {
  const out: string[] = [];
  for (const p of card.phases) {
    out.push(`#### ${markdownInline(p.name)}`, "");
    for (const f of card.rules.filter((r) => r.phase === p.id))
      out.push(ruleLine(f, links, withEvidence, card.verification?.at));
    out.push("");
  }
  return out;
}

/** What the grade and level mean, and which tool, ruleset and commit made the scorecard; with the status legend when statuses are shown. */
export function footer(card: Scorecard, legend = true): string {
  const commit = card.target.commit ? ` at ${codeSpan(card.target.commit.slice(0, 7))}` : "";
  const key = legend ? " ✅ pass · 🟡 partial · ❌ fail · ❔ could not be read · ➖ exempt" : "";
  return `<sub>${definitionLine(card)} ${card.tool.name} ${card.tool.version}, ruleset ${card.rulesetVersion}${commit}.${key}</sub>`;
}

/**
 * Renders with evidence, then without it, then cuts the text, so the result stays inside a GitHub
 * limit and says so when it was cut.
 */
export function fitToLimit(render: (withEvidence: boolean) => string, limit: number): string {
  let text = render(true);
  if (text.length <= limit) return text;
  text = render(false);
  if (text.length <= limit) return text;
  const note = "\n\n… cut to fit GitHub's size limit; run the CLI for the full report.";
  return text.slice(0, limit - note.length) + note;
}

function render(card: Scorecard, options: MarkdownOptions, withEvidence: boolean): string {
  const out: string[] = [COMMENT_MARKER, `## MLOps readiness: ${headline(card)} (${card.level.name})`, ""];
  if (options.preface?.length) out.push(...options.preface, "");
  out.push(...nextStepLines(card, options.links), "");
  out.push(...checklistLines(card), "", ...phaseLines(card), ...recordsLines(card), ...noteLines(card));
  out.push("", "<details><summary>Every rule, with its evidence or its fix</summary>", "");
  out.push(...ruleDetailLines(card, options.links, withEvidence));
  out.push("</details>", "");
  if (options.badge) out.push(`README badge: ${codeSpan(options.badge)}`, "");
  out.push(footer(card));
  return out.join("\n");
}

/** The whole scorecard as Markdown (the CLI's, the readiness issue's); evidence is dropped, then the text cut, to stay inside GitHub's limits. */
export function renderMarkdown(card: Scorecard, options: MarkdownOptions): string {
  return fitToLimit((withEvidence) => render(card, options, withEvidence), options.limit ?? MARKDOWN_LIMIT);
}
