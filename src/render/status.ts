import type { Evidence, Scorecard, Status } from "../engine/model.js";

export const STATUS_SYMBOL: Record<Status, string> = {
  pass: "✓",
  partial: "½",
  fail: "✗",
  inconclusive: "?",
  exempt: "–",
};
export const STATUS_EMOJI: Record<Status, string> = {
  pass: "✅",
  partial: "🟡",
  fail: "❌",
  inconclusive: "❔",
  exempt: "➖",
};

/** Turns evidence into a link: a relative path for a local directory (the app will link at a commit). */
export type LinkFor = (e: Evidence) => string | undefined;

export const relativeLinks: LinkFor = (e) => (e.path ? `${e.path}${e.line ? `#L${e.line}` : ""}` : undefined);

export function headline(card: Scorecard): string {
  return `${card.score}/100 · ${card.grade} · Level ${card.level.value}`;
}

export function evidenceLabel(e: Evidence): string {
  return `${e.path}${e.line ? `:${e.line}` : ""}`;
}
