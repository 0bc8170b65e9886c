// Scores the audit against the blind labels in eval/labels: agreement and over-credit, per repository and in all.
// Usage: npx tsx eval/score.ts --repos DIR [--set NAME] [--markdown] [--json FILE] [LABEL.yml …]
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG, settingsFrom } from "../src/config/load.js";
import { audit } from "../src/engine/audit.js";
import type { Status } from "../src/engine/model.js";
import { loadCatalogue } from "../src/rules/load.js";
import { LocalSource } from "../src/sources/local.js";
import { TOOL } from "../src/version.js";

const LABELS_DIR = resolve(import.meta.dirname, "labels");
const STATUSES: Status[] = ["pass", "partial", "fail", "exempt", "inconclusive"];
const CREDIT: Record<string, number> = { pass: 1, partial: 0.5, fail: 0 };

interface Label {
  file: string;
  repository: string;
  commit: string;
  set: string;
  verdicts: Map<string, { status: Status; reason: string }>;
}

interface Miss {
  rule: string;
  audit: Status;
  label: Status;
  reason: string;
  overCredit: boolean;
}

/**
 * A label file is YAML, but its verdict lines are read as lines: a reason is free text, and free text
 * holds colons that YAML would take for keys.
 */
function readLabel(file: string): Label {
  const text = readFileSync(file, "utf8");
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, "m").exec(text)?.[1].trim() ?? "";
  const verdicts = new Map<string, { status: Status; reason: string }>();
  const block = text.split(/^verdicts:\s*$/m)[1]?.split(/^\S/m)[0] ?? "";
  for (const line of block.split("\n")) {
    const m = /^\s+([a-z]+\.[a-z-]+):\s*(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, rule, status, reason] = m;
    if (!STATUSES.includes(status as Status))
      throw new Error(`${basename(file)}: ${rule}: unknown status "${status}"`);
    verdicts.set(rule, { status: status as Status, reason });
  }
  return { file, repository: field("repository"), commit: field("commit"), set: field("set"), verdicts };
}

/** An over-credit is the audit giving more credit than the label; an excluded status (inconclusive) gives none. */
function isOverCredit(auditStatus: Status, label: Status): boolean {
  return auditStatus in CREDIT && label in CREDIT && CREDIT[auditStatus] > CREDIT[label];
}

async function scoreOne(label: Label, reposDir: string) {
  const dir = join(reposDir, label.repository.replace("/", "__"));
  const catalogue = loadCatalogue();
  const card = await audit(await LocalSource.open(dir), {
    catalogue,
    settings: settingsFrom(DEFAULT_CONFIG),
    tool: TOOL,
    target: { name: label.repository, path: dir },
  });
  const missing = catalogue.phases
    .flatMap((p) => p.rules.map((r) => r.id))
    .filter((id) => !label.verdicts.has(id));
  if (missing.length) throw new Error(`${basename(label.file)}: no verdict for ${missing.join(", ")}`);
  const misses: Miss[] = [];
  let agree = 0;
  for (const finding of card.rules) {
    const expected = label.verdicts.get(finding.id);
    if (!expected) continue;
    if (finding.status === expected.status) agree += 1;
    else
      misses.push({
        rule: finding.id,
        audit: finding.status,
        label: expected.status,
        reason: expected.reason,
        overCredit: isOverCredit(finding.status, expected.status),
      });
  }
  return {
    repository: label.repository,
    set: label.set,
    score: card.score,
    agree,
    total: agree + misses.length,
    misses,
  };
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    repos: { type: "string", default: join(process.cwd(), "eval-repos") },
    set: { type: "string" },
    markdown: { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const files = positionals.length
  ? positionals.map((p) => resolve(p))
  : readdirSync(LABELS_DIR)
      .filter((f) => f.endsWith(".yml"))
      .sort()
      .map((f) => join(LABELS_DIR, f));
const labels = files.map(readLabel).filter((l) => !values.set || l.set === values.set);
const results = [];
for (const label of labels) results.push(await scoreOne(label, resolve(values.repos)));

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : "–");
const totals = results.reduce(
  (t, r) => ({
    agree: t.agree + r.agree,
    total: t.total + r.total,
    over: t.over + r.misses.filter((m) => m.overCredit).length,
  }),
  { agree: 0, total: 0, over: 0 },
);
if (values.markdown) {
  console.log("| repository | agree | disagree | over-credit |\n|---|--:|--:|--:|");
  for (const r of results)
    console.log(
      `| ${r.repository} | ${r.agree} / ${r.total} | ${r.misses.length} | ${r.misses.filter((m) => m.overCredit).length} |`,
    );
  console.log(
    `| **all** | ${totals.agree} / ${totals.total} (${pct(totals.agree, totals.total)}) | ${totals.total - totals.agree} | ${totals.over} (${pct(totals.over, totals.total)}) |`,
  );
  console.log("\n| repository | rule | audit | label | label's reason |\n|---|---|---|---|---|");
  for (const r of results)
    for (const m of r.misses)
      console.log(
        `| ${r.repository} | \`${m.rule}\` | ${m.overCredit ? "**" + m.audit + "** (over-credit)" : m.audit} | ${m.label} | ${m.reason.replaceAll("|", "\\|")} |`,
      );
} else {
  for (const r of results) {
    console.log(`${r.repository}: ${r.agree}/${r.total} agree, score ${r.score}`);
    for (const m of r.misses)
      console.log(
        `  ${m.overCredit ? "OVER " : "     "}${m.rule}: audit ${m.audit}, label ${m.label} — ${m.reason}`,
      );
  }
  console.log(
    `all: ${totals.agree}/${totals.total} agree (${pct(totals.agree, totals.total)}), ${totals.over} over-credit (${pct(totals.over, totals.total)})`,
  );
}
if (values.json) writeFileSync(values.json, JSON.stringify({ totals, results }, null, 2) + "\n");
