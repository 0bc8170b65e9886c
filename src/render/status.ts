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
export const STATUS_WORD: Record<Status, string> = {
  pass: "pass",
  partial: "partial",
  fail: "fail",
  inconclusive: "inconclusive",
  exempt: "exempt",
};

/** Turns evidence into a link: at a commit on GitHub, or a relative path for a local directory. */
export type LinkFor = (e: Evidence) => string | undefined;

export const relativeLinks: LinkFor = (e) => (e.path ? `${e.path}${e.line ? `#L${e.line}` : ""}` : undefined);

export function githubLinks(owner: string, repo: string, sha: string, root?: string): LinkFor {
  const prefix = root ? `${root.replace(/^\/+|\/+$/g, "")}/` : "";
  return (e) =>
    e.path
      ? `https://github.com/${owner}/${repo}/blob/${sha}/${encodeURI(prefix + e.path)}${e.line ? `#L${e.line}` : ""}`
      : undefined;
}

export function headline(card: Scorecard): string {
  return `${card.score}/100 · ${card.grade} · Level ${card.level.value}`;
}

export function evidenceLabel(e: Evidence): string {
  return `${e.path}${e.line ? `:${e.line}` : ""}`;
}
