import type { Finding, Scorecard, Status } from "../engine/model.js";
import { codeSpan, markdownInline } from "./inline.js";
import { signed, STATUS_EMOJI } from "./status.js";

export interface RuleChange {
  id: string;
  title: string;
  from: Status;
  to: Status;
  /** What GitHub's records said on each side, where that changed (a workflow renamed, a run now red). */
  records?: { from: string; to: string };
}

/** How the head of a pull request compares with its base branch. */
export interface Delta {
  base: string;
  before: number;
  after: number;
  changed: RuleChange[];
}

const recordsOf = (f: Finding) => f.verification?.state ?? "not verified";

export function deltaOf(base: Scorecard, head: Scorecard, baseLabel: string): Delta {
  const before = new Map(base.rules.map((r) => [r.id, r]));
  // Records are compared only when both sides were checked: an unverified side says nothing of them.
  const compareRecords = !!base.verification?.checked && !!head.verification?.checked;
  const changed = head.rules.flatMap((r): RuleChange[] => {
    const was = before.get(r.id);
    if (!was) return [];
    const records =
      compareRecords && recordsOf(was) !== recordsOf(r)
        ? { from: recordsOf(was), to: recordsOf(r) }
        : undefined;
    if (was.status === r.status && !records) return [];
    return [{ id: r.id, title: r.title, from: was.status, to: r.status, ...(records ? { records } : {}) }];
  });
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
    out.push(
      `- ${STATUS_EMOJI[c.to]} ${markdownInline(c.title)} ${codeSpan(c.id)}: ${c.from === c.to ? c.to : `${c.from} → **${c.to}**`}${c.records ? `, GitHub's records ${c.records.from} → **${c.records.to}**` : ""}`,
    );
  const more = delta.changed.length - max;
  if (more > 0) out.push(`- and ${more} more rule${more === 1 ? "" : "s"} in the check run`);
  return out;
}
