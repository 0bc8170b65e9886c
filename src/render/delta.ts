import type { Scorecard, Status } from "../engine/model.js";
import { codeSpan, markdownInline } from "./inline.js";
import { signed, STATUS_EMOJI } from "./status.js";

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

/**
 * `72 → 78, +6 against main`, then one line per rule whose status changed (the first `max`, and how many
 * more), or "no change".
 */
export function deltaLines(delta: Delta, max = Infinity): string[] {
  const out = [
    `**${delta.before} → ${delta.after}, ${signed(delta.after - delta.before)}** against ${codeSpan(delta.base)}`,
  ];
  if (!delta.changed.length) return [...out, "", "No rule changed status."];
  out.push("");
  for (const c of delta.changed.slice(0, max))
    out.push(`- ${STATUS_EMOJI[c.to]} ${markdownInline(c.title)} ${codeSpan(c.id)}: ${c.from} → **${c.to}**`);
  const more = delta.changed.length - max;
  if (more > 0) out.push(`- and ${more} more rule${more === 1 ? "" : "s"} in the check run`);
  return out;
}
