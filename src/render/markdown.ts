import type { Finding, Scorecard } from "../engine/model.js";
import { evidenceLabel, headline, STATUS_EMOJI, type LinkFor } from "./status.js";

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

export function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ").replace(/</g, "&lt;");
}

function ruleLine(f: Finding, links: LinkFor, withEvidence: boolean): string {
  const head = `${STATUS_EMOJI[f.status]} **${f.title}** \`${f.id}\``;
  if (f.status === "pass" || (f.status === "partial" && f.evidence.length)) {
    const proof = withEvidence
      ? f.evidence
          .slice(0, 3)
          .map((e) => {
            const link = links(e);
            const label = `\`${escapeCell(evidenceLabel(e))}\``;
            return `${link ? `[${label}](${link})` : label}${e.snippet ? ` ${escapeCell(e.snippet)}` : ""}`;
          })
          .join("; ")
      : "";
    const fix =
      f.status === "partial" ? ` — ${escapeCell(f.message)} **Fix:** ${escapeCell(f.remediation)}` : "";
    return `- ${head} — ${proof || escapeCell(f.message)}${fix}`;
  }
  if (f.status === "fail")
    return `- ${head} — ${escapeCell(f.message)} **Fix:** ${escapeCell(f.remediation)} ([docs](${f.docs}))`;
  return `- ${head} — ${escapeCell(f.message)}`;
}

export function checklistLines(card: Scorecard): string[] {
  const out = ["| | Portfolio checklist |", "|:-:|---|"];
  for (const item of card.checklist) out.push(`| ${STATUS_EMOJI[item.status]} | ${escapeCell(item.title)} |`);
  return out;
}

export function phaseLines(card: Scorecard): string[] {
  const out = ["| Phase | Score |", "|---|--:|"];
  for (const p of card.phases) out.push(`| ${p.name} | ${p.score === null ? "–" : p.score} |`);
  return out;
}

export function noteLines(card: Scorecard): string[] {
  return card.notes.flatMap((note) => ["", `> **Note:** ${escapeCell(note)}`]);
}

/** Every rule, phase by phase, with its evidence (when there is room) or its fix. */
export function ruleDetailLines(card: Scorecard, links: LinkFor, withEvidence: boolean): string[] {
  const out: string[] = [];
  for (const p of card.phases) {
    out.push(`#### ${p.name}`, "");
    for (const f of card.rules.filter((r) => r.phase === p.id)) out.push(ruleLine(f, links, withEvidence));
    out.push("");
  }
  return out;
}

export function footer(card: Scorecard): string {
  const commit = card.target.commit ? ` at \`${card.target.commit.slice(0, 7)}\`` : "";
  return `<sub>Level is ${card.level.note}. ${card.tool.name} ${card.tool.version}, ruleset ${card.rulesetVersion}${commit}. ✅ pass · 🟡 partial · ❌ fail · ❔ could not be read · ➖ exempt</sub>`;
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
  out.push(...checklistLines(card), "", ...phaseLines(card), ...noteLines(card));
  out.push("", "<details><summary>Every rule, with its evidence or its fix</summary>", "");
  out.push(...ruleDetailLines(card, options.links, withEvidence));
  out.push("</details>", "");
  if (options.badge) out.push(`README badge: \`${options.badge}\``, "");
  out.push(footer(card));
  return out.join("\n");
}

/** The scorecard as the Markdown the app posts; evidence is dropped, then the text cut, to stay inside GitHub's limits. */
export function renderMarkdown(card: Scorecard, options: MarkdownOptions): string {
  return fitToLimit((withEvidence) => render(card, options, withEvidence), options.limit ?? MARKDOWN_LIMIT);
}
