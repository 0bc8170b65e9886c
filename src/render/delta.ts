import type { Scorecard, Status } from "../engine/model.js";
import { STATUS_EMOJI } from "./status.js";

export interface RuleChange {
  id: string;
  title: string;
  from: Status;
  to: Status;
}

/** How the head of a pull request compares with its base branch. */
export interface Delta {
  base: string;
  before: number;
  after: number;
  changed: RuleChange[];
}

export function deltaOf(base: Scorecard, head: Scorecard, baseLabel: string): Delta {
  const before = new Map(base.rules.map((r) => [r.id, r.status]));
  const changed = head.rules
    .filter((r) => before.has(r.id) && before.get(r.id) !== r.status)
    .map((r) => ({ id: r.id, title: r.title, from: before.get(r.id)!, to: r.status }));
  return { base: baseLabel, before: base.score, after: head.score, changed };
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : "±0";
}

/** `72 → 78, +6 against main`, then one line per rule whose status changed. */
export function deltaLines(delta: Delta): string[] {
  const out = [
    `**${delta.before} → ${delta.after}, ${signed(delta.after - delta.before)}** against \`${delta.base}\``,
  ];
  if (!delta.changed.length) return [...out, "", "No rule changed status."];
  out.push("", "| Rule | Before | Now |", "|---|:-:|:-:|");
  for (const c of delta.changed)
    out.push(
      `| ${c.title} \`${c.id}\` | ${STATUS_EMOJI[c.from]} ${c.from} | ${STATUS_EMOJI[c.to]} ${c.to} |`,
    );
  return out;
}
