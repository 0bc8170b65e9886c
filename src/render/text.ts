import type { Scorecard, Status } from "../engine/model.js";
import { plainText } from "./inline.js";
import {
  definitionLine,
  deliveryRecords,
  evidenceLabel,
  headline,
  STATUS_SYMBOL,
  verificationWords,
} from "./status.js";

const COLOURS: Record<Status, string> = {
  pass: "32",
  partial: "33",
  fail: "31",
  inconclusive: "35",
  exempt: "90",
};

/** The scorecard for a terminal: checklist first, a bar per phase, each rule that needs work with its fix. */
export function renderText(
  card: Scorecard,
  options: {
    color: boolean;
    width?: number;
    /** Markdown for a README badge, offered at the end. */ badge?: string;
  },
): string {
  const paint = (code: string, s: string) => (options.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const status = (s: Status) => paint(COLOURS[s], STATUS_SYMBOL[s]);
  const out: string[] = [];
  const target = card.target.root ? `${card.target.name} (${card.target.root})` : card.target.name;
  out.push(paint("1", `MLOps readiness  ${headline(card)} (${card.level.name})`), `${target}`);
  if (card.verification) out.push(paint("90", card.verification.note));
  out.push("");
  out.push(paint("1", "Next steps"));
  if (!card.nextSteps.length) out.push("  none: every rule that can be scored passes");
  card.nextSteps.forEach((step, i) => {
    const where = step.path ? ` at ${evidenceLabel({ path: step.path, line: step.line })}` : "";
    const completes = step.completes ? `, completes "${step.completes}"` : "";
    out.push(
      `  ${i + 1}. ${plainText(step.action).replace(/\.$/, "")}${where} (+${step.points} points${completes})`,
    );
  });
  out.push("", paint("1", "Portfolio checklist"));
  for (const item of card.checklist) out.push(`  ${status(item.status)} ${item.title}`);
  out.push("", paint("1", "Phases"));
  const nameWidth = Math.max(...card.phases.map((p) => p.name.length));
  for (const p of card.phases) {
    const filled = p.score === null ? 0 : Math.round(p.score / 5);
    const bar = "█".repeat(filled) + "░".repeat(20 - filled);
    const colour = p.score === null ? "90" : p.score >= 80 ? "32" : p.score >= 40 ? "33" : "31";
    out.push(
      `  ${p.name.padEnd(nameWidth)}  ${paint(colour, bar)} ${p.score === null ? "  –" : String(p.score).padStart(3)}`,
    );
  }
  const passing = card.rules.filter((r) => r.status === "pass");
  if (passing.length) {
    out.push("", paint("1", "Passing"));
    for (const f of passing) {
      const e = f.evidence[0];
      const said = [
        verificationWords(f.verification, card.verification?.at),
        ...deliveryRecords(f, card.verification?.at).map((r) => r.words),
      ]
        .filter((w) => w)
        .join("; ");
      // An automated match says what runs it, here as in every other format.
      const runBy = e?.snippet?.match(/\((run by [^()]*)\)$/)?.[1];
      out.push(
        `  ${status(f.status)} ${f.id}  ${e ? evidenceLabel(e) : plainText(f.message)}${runBy ? `  ${runBy}` : ""}${said ? `  (${said})` : ""}`,
      );
    }
  }
  const work = card.rules.filter((r) => r.status !== "pass");
  if (work.length) {
    out.push("", paint("1", "Needs work"));
    for (const f of work) {
      out.push(`  ${status(f.status)} ${f.id}  ${f.title}`, `      ${plainText(f.message)}`);
      if (f.status === "fail" || f.status === "partial") out.push(`      fix: ${plainText(f.remediation)}`);
    }
  }
  for (const note of card.notes) out.push("", `note: ${note}`);
  if (options.badge)
    out.push(
      "",
      "README badge (it shows once the app has audited the pushed repository):",
      `  ${options.badge}`,
    );
  out.push(
    "",
    paint(
      "90",
      `${definitionLine(card)}\n${card.tool.name} ${card.tool.version} · ruleset ${card.rulesetVersion}`,
    ),
  );
  return out.join("\n") + "\n";
}
