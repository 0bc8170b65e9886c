import type { Evidence, Finding, Scorecard, Status } from "../engine/model.js";
import { escapeHtml, htmlInline } from "./inline.js";
import { PAGE_STYLE } from "./page-style.js";
import { definitionLine, deliveryRecords, evidenceLabel, verificationWords, type LinkFor } from "./status.js";

export { escapeHtml };

/**
 * The reviewer's page: one self-contained HTML document (no script, no font, no request to any other
 * origin), readable on a phone and on paper. Status is always written out, never shown by colour alone.
 */

const STATUS_TEXT: Record<Status, string> = {
  pass: "Pass",
  partial: "Partial",
  fail: "Fail",
  inconclusive: "Could not read",
  exempt: "Exempt",
};
const STATUS_MARK: Record<Status, string> = {
  pass: "✓",
  partial: "◐",
  fail: "✗",
  inconclusive: "?",
  exempt: "–",
};

/**
 * Only web links leave as they are; anything else (a file path) is made a relative link that cannot run.
 * Only leading `/` and `./` go: the dot of `.github/` is part of the name.
 */
export function safeHref(href: string): string {
  return /^https?:\/\//.test(href) ? href : `./${encodeURI(href.replace(/^(\.?\/)+/, ""))}`;
}

function statusLabel(status: Status): string {
  return `<span class="status st-${status}"><span aria-hidden="true">${STATUS_MARK[status]}</span> ${STATUS_TEXT[status]}</span>`;
}

/** `path:line`, linked to the file where a link is known. */
function evidenceLink(e: Evidence, links: LinkFor): string {
  const href = links(e);
  const label = `<code>${escapeHtml(evidenceLabel(e))}</code>`;
  return href ? `<a href="${escapeHtml(safeHref(href))}">${label}</a>` : label;
}

function evidenceItem(e: Evidence, links: LinkFor): string {
  return `<li>${evidenceLink(e, links)}${e.snippet ? ` <code>${escapeHtml(e.snippet)}</code>` : ""}</li>`;
}

/** The anchor of a rule on the page, so a checklist item or a next step can link to it. */
function ruleAnchor(id: string): string {
  return `rule-${id.replace(/[^a-z0-9-]/gi, "-")}`;
}

/** A small mark where GitHub's records speak for the finding: "verified by GitHub", linked to the run. */
function recordsMark(f: Finding, checkedAt: string | undefined): string {
  const v = f.verification;
  const words = verificationWords(v, checkedAt);
  if (!v || !words) return "";
  const label = v.state === "verified" ? `verified by GitHub: ${words}` : words;
  const text = escapeHtml(label);
  const body = v.url ? `<a href="${escapeHtml(safeHref(v.url))}">${text}</a>` : text;
  return `<span class="records records-${v.state}">${body}</span>`;
}

function ruleItem(f: Finding, links: LinkFor, checkedAt?: string): string {
  const head = `<div class="rule-head">${statusLabel(f.status)}<span class="rule-title">${escapeHtml(f.title)}</span><code>${escapeHtml(f.id)}</code>${recordsMark(f, checkedAt)}</div>`;
  const why = `<p class="why">${htmlInline(f.why)}</p>`;
  // The deployment and the published packages sit with the evidence of the delivery they are of.
  const held = deliveryRecords(f, checkedAt).map((r) => {
    const text = escapeHtml(r.words);
    return `<li class="records">${r.url ? `<a href="${escapeHtml(safeHref(r.url))}">${text}</a>` : text}</li>`;
  });
  const evidence =
    f.evidence.length || held.length
      ? `<ul class="evidence">${f.evidence.map((e) => evidenceItem(e, links)).join("")}${held.join("")}</ul>`
      : "";
  const shortfall =
    f.status === "partial" || f.status === "fail"
      ? `<p class="message">${htmlInline(f.message)}</p><p class="fix"><strong>Fix:</strong> ${htmlInline(f.remediation)} <a href="${escapeHtml(safeHref(f.docs))}">Docs<span class="visually-hidden"> for ${escapeHtml(f.id)}</span></a></p>`
      : f.status === "pass" && f.evidence.length
        ? ""
        : `<p class="message">${htmlInline(f.message)}</p>`;
  return `<li class="rule" id="${ruleAnchor(f.id)}">${head}${why}${evidence}${shortfall}</li>`;
}

/** Each checklist item with the rules that decide it, and their evidence a click away. */
function checklistItem(card: Scorecard, item: Scorecard["checklist"][number], links: LinkFor): string {
  const rules = item.rules.map((id) => card.rules.find((r) => r.id === id)).filter((r) => r !== undefined);
  const how = item.combine === "lowest" ? "the lowest of" : "the best of";
  const decided = rules
    .map((r) => {
      const proof = r.evidence[0] ? ` ${evidenceLink(r.evidence[0], links)}` : "";
      return `<li>${statusLabel(r.status)} <a href="#${ruleAnchor(r.id)}">${escapeHtml(r.title)}</a>${proof}</li>`;
    })
    .join("");
  return `<li>${statusLabel(item.status)}<span>${escapeHtml(item.title)}</span><details class="decided"><summary>Decided by ${how} ${rules.length === 1 ? "1 rule" : `${rules.length} rules`}</summary><ul class="plain">${decided}</ul></details></li>`;
}

function nextStepItem(step: Scorecard["nextSteps"][number], links: LinkFor): string {
  const where = step.path ? ` at ${evidenceLink({ path: step.path, line: step.line }, links)}` : "";
  const completes = step.completes ? `, completes <em>${escapeHtml(step.completes)}</em>` : "";
  return `<li>${htmlInline(step.action.replace(/\.$/, ""))}${where} <span class="gain">(+${step.points} point${step.points === 1 ? "" : "s"}${completes})</span> <a href="#${ruleAnchor(step.rule)}"><code>${escapeHtml(step.rule)}</code></a></li>`;
}

/**
 * One row per phase: its name, a meter and the number written out. Rows of HTML rather than a drawing, so
 * the text keeps its size on a phone (the name goes above its bar below 40rem).
 */
function phaseRows(card: Scorecard): string {
  const rows = card.phases.map((p) => {
    const value = p.score === null ? "n/a" : String(p.score);
    const meter =
      p.score === null
        ? `<span aria-hidden="true"></span>`
        : `<meter min="0" max="100" low="40" high="70" optimum="100" value="${p.score}" aria-hidden="true"></meter>`;
    return `<li><span class="name">${escapeHtml(p.name)}</span>${meter}<span class="value">${value}<span class="visually-hidden"> out of 100</span></span></li>`;
  });
  return `<ul class="plain phases">${rows.join("")}</ul>`;
}

export interface HtmlOptions {
  links: LinkFor;
  /** When the audit ran, as the reader should see it. */
  auditedAt?: Date;
  /** When the audited commit was made. */
  committedAt?: Date;
  /** A link to the audited commit. */
  commitUrl?: string;
  /** A link to the repository. */
  repositoryUrl?: string;
}

/** The audited commit (linked), the audit's date, and what the grade and level mean: beside the score. */
function provenance(card: Scorecard, options: HtmlOptions): string {
  const short = card.target.commit ? `<code>${escapeHtml(card.target.commit.slice(0, 7))}</code>` : "";
  const commit = !card.target.commit
    ? "a local directory"
    : options.commitUrl
      ? `commit <a href="${escapeHtml(safeHref(options.commitUrl))}">${short}</a>`
      : `commit ${short}`;
  const committed = options.committedAt ? ` (committed ${timeOf(options.committedAt)})` : "";
  const when = options.auditedAt ? ` on ${timeOf(options.auditedAt)}` : "";
  return `<p class="meta">Audited ${commit}${committed}${when}.</p><p class="definition">${escapeHtml(definitionLine(card))}</p>`;
}

function timeOf(date: Date): string {
  const iso = date.toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 16).replace("T", " ")} UTC</time>`;
}

export function renderHtml(card: Scorecard, options: HtmlOptions): string {
  const name = escapeHtml(card.target.name);
  const repoUrl = options.repositoryUrl ?? card.target.url;
  const title = repoUrl ? `<a href="${escapeHtml(safeHref(repoUrl))}">${name}</a>` : name;
  const out: string[] = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // An empty icon, so the browser does not ask the server for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<meta name="description" content="MLOps readiness of ${name}: ${card.score}/100, grade ${card.grade}, level ${card.level.value}.">`,
    `<title>MLOps readiness: ${name} — ${card.score}/100 · ${card.grade}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    "<header>",
    '<p class="eyebrow">MLOps readiness</p>',
    `<h1>${title}</h1>`,
    `<div class="headline"><span class="score" aria-label="Score ${card.score} out of 100">${card.score}<small>/100</small></span>`,
    `<span class="grade grade-${card.grade}">Grade ${card.grade}</span>`,
    `<span class="level">Level ${card.level.value}: ${escapeHtml(card.level.name)}</span></div>`,
    provenance(card, options),
    "</header>",
  ];
  const notes = card.verification ? [...card.notes, card.verification.note] : card.notes;
  for (const note of notes) out.push(`<p class="note" role="note">${htmlInline(note)}</p>`);
  out.push(
    '<section aria-labelledby="next-steps">',
    '<h2 id="next-steps">Next steps</h2>',
    card.nextSteps.length
      ? `<ol class="steps">${card.nextSteps.map((s) => nextStepItem(s, options.links)).join("")}</ol>`
      : "<p>None: every rule that can be scored passes.</p>",
    "</section>",
    '<section aria-labelledby="checklist">',
    '<h2 id="checklist">Portfolio checklist</h2>',
    '<ul class="plain checklist">',
    ...card.checklist.map((c) => checklistItem(card, c, options.links)),
    "</ul>",
    "</section>",
    '<section aria-labelledby="phases">',
    '<h2 id="phases">Score per phase, out of 100</h2>',
    phaseRows(card),
    "</section>",
    '<section aria-labelledby="rules">',
    '<h2 id="rules">Every rule, with its evidence or its fix</h2>',
  );
  for (const p of card.phases) {
    out.push(
      `<h3><span>${escapeHtml(p.name)}</span><span>${p.score === null ? "not scored" : `${p.score}/100`}</span></h3>`,
      '<ul class="plain">',
      ...card.rules
        .filter((r) => r.phase === p.id)
        .map((f) => ruleItem(f, options.links, card.verification?.at)),
      "</ul>",
    );
  }
  out.push(
    "</section>",
    `<footer><p>${escapeHtml(card.tool.name)} ${escapeHtml(card.tool.version)}, ruleset ${escapeHtml(card.rulesetVersion)}. The audit reads files and never runs them; something declared but not used earns nothing.</p></footer>`,
    "</main>",
    "</body>",
    "</html>",
    "",
  );
  return out.join("\n");
}
