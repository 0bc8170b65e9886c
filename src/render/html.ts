import { createHash } from "node:crypto";
import type { Evidence, Finding, Scorecard, Status } from "../engine/model.js";
import { evidenceLabel, type LinkFor } from "./status.js";

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

const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--pass:#1a7f37;--partial:#8a5a00;--fail:#c62828;--other:#59636e;--accent:#0b5cad}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:60rem;margin:0 auto;padding:1.5rem 1rem 3rem;overflow-wrap:anywhere}
a{color:var(--accent)}
a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
h1{font-size:1.6rem;margin:.2rem 0 1rem;word-break:break-word}
h2{font-size:1.25rem;margin:2rem 0 .75rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:1.5rem 0 .5rem;display:flex;justify-content:space-between;gap:1rem}
.eyebrow{margin:0;color:var(--muted);text-transform:uppercase;letter-spacing:.06em;font-size:.8rem}
.headline{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5rem 1.5rem}
.score{font-size:3.5rem;font-weight:700;line-height:1}
.score small{font-size:1.25rem;color:var(--muted);font-weight:400}
.grade{font-size:1.5rem;font-weight:700;border:2px solid currentColor;border-radius:.4rem;padding:0 .5rem}
.grade-A,.grade-B{color:var(--pass)}.grade-C{color:var(--partial)}.grade-D,.grade-E{color:var(--fail)}
.level{font-size:1.1rem}
.level-note{color:var(--muted);margin:.5rem 0 0}
ul.plain{list-style:none;padding:0;margin:0}
.checklist li{display:flex;gap:.75rem;align-items:baseline;padding:.45rem 0;border-bottom:1px solid var(--line)}
.status{display:inline-block;min-width:7.5rem;font-weight:600;white-space:nowrap}
.st-pass{color:var(--pass)}.st-partial{color:var(--partial)}.st-fail{color:var(--fail)}.st-inconclusive,.st-exempt{color:var(--other)}
.chart{width:100%;height:auto;max-width:44rem}
.chart text{font:13px system-ui,sans-serif;fill:var(--fg)}
.rule{padding:.6rem 0;border-bottom:1px solid var(--line)}
.rule-head{display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:baseline}
.rule-title{font-weight:600}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:.1rem .3rem;border-radius:.25rem;word-break:break-word}
.evidence{margin:.35rem 0 0 1rem;padding:0}
.evidence li{margin:.2rem 0}
.message{margin:.35rem 0 0}
.fix{margin:.35rem 0 0}
.note{background:var(--soft);border-left:4px solid var(--partial);padding:.5rem .75rem;margin:1rem 0}
pre{background:var(--soft);padding:.75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{margin-top:2.5rem;color:var(--muted);font-size:.9rem}
@media (max-width:40rem){.score{font-size:2.75rem}.status{min-width:0}.checklist li{flex-direction:column;gap:0}}
@media print{body{font-size:11pt}main{max-width:none;padding:0}a{color:inherit;text-decoration:none}.badge-snippet{display:none}.rule{break-inside:avoid}}
`.trim();

/** The page's Content-Security-Policy: its one inline style block is allowed by hash, nothing else loads. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Only web links leave as they are; anything else (a file path) is made a relative link that cannot run. */
function safeHref(href: string): string {
  return /^https?:\/\//.test(href) ? href : `./${encodeURI(href.replace(/^[./]+/, ""))}`;
}

function statusLabel(status: Status): string {
  return `<span class="status st-${status}"><span aria-hidden="true">${STATUS_MARK[status]}</span> ${STATUS_TEXT[status]}</span>`;
}

function evidenceItem(e: Evidence, links: LinkFor): string {
  const href = links(e);
  const label = `<code>${escapeHtml(evidenceLabel(e))}</code>`;
  const target = href ? `<a href="${escapeHtml(safeHref(href))}">${label}</a>` : label;
  return `<li>${target}${e.snippet ? ` ${escapeHtml(e.snippet)}` : ""}</li>`;
}

function ruleItem(f: Finding, links: LinkFor): string {
  const head = `<div class="rule-head">${statusLabel(f.status)}<span class="rule-title">${escapeHtml(f.title)}</span><code>${escapeHtml(f.id)}</code></div>`;
  const evidence = f.evidence.length
    ? `<ul class="evidence">${f.evidence.map((e) => evidenceItem(e, links)).join("")}</ul>`
    : "";
  const shortfall =
    f.status === "partial" || f.status === "fail"
      ? `<p class="message">${escapeHtml(f.message)}</p><p class="fix"><strong>Fix:</strong> ${escapeHtml(f.remediation)} <a href="${escapeHtml(safeHref(f.docs))}">Docs<span class="visually-hidden"> for ${escapeHtml(f.id)}</span></a></p>`
      : f.status === "pass"
        ? ""
        : `<p class="message">${escapeHtml(f.message)}</p>`;
  return `<li class="rule">${head}${evidence}${shortfall}</li>`;
}

/** Ten horizontal bars, each with its phase name and number written beside it. */
function phaseChart(card: Scorecard): string {
  const row = 30;
  const labelWidth = 270;
  const barWidth = 230;
  const height = card.phases.length * row + 10;
  const bars = card.phases.map((p, i) => {
    const y = i * row + 5;
    const value = p.score ?? 0;
    const colour =
      p.score === null ? "#d1d9e0" : value >= 70 ? "#1a7f37" : value >= 40 ? "#b07d00" : "#c62828";
    return [
      `<text x="0" y="${y + 17}">${escapeHtml(p.name)}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${barWidth}" height="18" rx="3" fill="#eef1f4"/>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${Math.round((barWidth * value) / 100)}" height="18" rx="3" fill="${colour}"/>`,
      `<text x="${labelWidth + barWidth + 10}" y="${y + 17}">${p.score === null ? "n/a" : p.score}</text>`,
    ].join("");
  });
  const described = card.phases
    .map((p) => `${p.name} ${p.score === null ? "not scored" : p.score}`)
    .join(", ");
  return `<svg class="chart" viewBox="0 0 ${labelWidth + barWidth + 45} ${height}" role="img" aria-labelledby="chart-title"><title id="chart-title">Score per phase, out of 100: ${escapeHtml(described)}</title>${bars.join("")}</svg>`;
}

export interface HtmlOptions {
  links: LinkFor;
  /** When the audit ran, as the reader should see it. */
  auditedAt?: Date;
  /** Markdown for a README badge, offered on the page. */
  badgeSnippet?: string;
  /** A link to the audited commit. */
  commitUrl?: string;
}

export function renderHtml(card: Scorecard, options: HtmlOptions): string {
  const name = escapeHtml(card.target.name);
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
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    "<header>",
    '<p class="eyebrow">MLOps readiness</p>',
    `<h1>${name}</h1>`,
    `<div class="headline"><span class="score" aria-label="Score ${card.score} out of 100">${card.score}<small>/100</small></span>`,
    `<span class="grade grade-${card.grade}">Grade ${card.grade}</span>`,
    `<span class="level">Level ${card.level.value}: ${escapeHtml(card.level.name)}</span></div>`,
    `<p class="level-note">Level ${card.level.value} is ${escapeHtml(card.level.note)}.</p>`,
    "</header>",
  ];
  for (const note of card.notes) out.push(`<p class="note" role="note">${escapeHtml(note)}</p>`);
  out.push(
    '<section aria-labelledby="checklist">',
    '<h2 id="checklist">Portfolio checklist</h2>',
    '<ul class="plain checklist">',
    ...card.checklist.map((c) => `<li>${statusLabel(c.status)}<span>${escapeHtml(c.title)}</span></li>`),
    "</ul>",
    "</section>",
    '<section aria-labelledby="phases">',
    '<h2 id="phases">Phases</h2>',
    phaseChart(card),
    "</section>",
    '<section aria-labelledby="rules">',
    '<h2 id="rules">Every rule, with its evidence or its fix</h2>',
  );
  for (const p of card.phases) {
    out.push(
      `<h3><span>${escapeHtml(p.name)}</span><span>${p.score === null ? "not scored" : `${p.score}/100`}</span></h3>`,
      '<ul class="plain">',
      ...card.rules.filter((r) => r.phase === p.id).map((f) => ruleItem(f, options.links)),
      "</ul>",
    );
  }
  out.push("</section>");
  if (options.badgeSnippet)
    out.push(
      '<section class="badge-snippet" aria-labelledby="badge">',
      '<h2 id="badge">Add the badge to your README</h2>',
      `<pre><code>${escapeHtml(options.badgeSnippet)}</code></pre>`,
      "</section>",
    );
  const commit = card.target.commit
    ? options.commitUrl
      ? `commit <a href="${escapeHtml(safeHref(options.commitUrl))}"><code>${escapeHtml(card.target.commit.slice(0, 7))}</code></a>`
      : `commit <code>${escapeHtml(card.target.commit.slice(0, 7))}</code>`
    : "a local directory";
  const when = options.auditedAt
    ? ` on <time datetime="${options.auditedAt.toISOString()}">${options.auditedAt.toISOString().slice(0, 16).replace("T", " ")} UTC</time>`
    : "";
  out.push(
    `<footer><p>Audited ${commit}${when} by ${escapeHtml(card.tool.name)} ${escapeHtml(card.tool.version)}, ruleset ${escapeHtml(card.rulesetVersion)}. The audit reads files and never runs them; something declared but not used earns nothing.</p></footer>`,
    "</main>",
    "</body>",
    "</html>",
    "",
  );
  return out.join("\n");
}
