import type {
  DeploymentRecord,
  Evidence,
  Finding,
  PackageRecord,
  Scorecard,
  Status,
  Verification,
} from "../engine/model.js";
import { rootPrefix } from "../engine/paths.js";

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

/** Relative links from the directory the CLI was given, when the audit looked only at a folder of it. */
export function relativeLinksUnder(root: string | undefined): LinkFor {
  const prefix = rootPrefix(root);
  return (e) => {
    const link = relativeLinks(e);
    return link === undefined ? undefined : prefix + link;
  };
}

/** Links into a repository's web pages at one commit, so they keep pointing at what was audited. */
export function linksAt(htmlUrl: string, sha: string, root?: string): LinkFor {
  const prefix = rootPrefix(root);
  return (e: Evidence) =>
    e.path ? `${htmlUrl}/blob/${sha}/${encodeURI(prefix + e.path)}${e.line ? `#L${e.line}` : ""}` : undefined;
}

/** `72/100 · B · Level 1`, or with the change against a pull request's base, `72/100 (+6) · B · Level 1`. */
export function headline(card: Scorecard, change?: { before: number }): string {
  const delta = change ? ` (${signed(card.score - change.before)})` : "";
  return `${card.score}/100${delta} · ${card.grade} · Level ${card.level.value}`;
}

export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : "±0";
}

/** What the grade and the level mean, in one line every output carries. */
export function definitionLine(card: Scorecard): string {
  return `Grade: A ≥ 80, B ≥ 60, C ≥ 40, D ≥ 20, else E. Level ${card.level.value} of 0–2 (0 manual, 1 pipeline automation, 2 CI/CD automation, after Google Cloud's MLOps levels) is ${card.level.note}.`;
}

export function evidenceLabel(e: Evidence): string {
  return `${e.path}${e.line ? `:${e.line}` : ""}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long before the records were read something happened; past 90 days, its date instead. */
function ago(at: string | undefined, checkedAt: string | undefined): string {
  if (!at) return "";
  const days = checkedAt ? Math.floor((Date.parse(checkedAt) - Date.parse(at)) / DAY_MS) : NaN;
  if (!Number.isFinite(days) || days > 90) return ` on ${at.slice(0, 10)}`;
  return days <= 0 ? " today" : days === 1 ? " 1 day ago" : ` ${days} days ago`;
}

/**
 * What GitHub's records say of a finding, in a few words: `last run ✓ 2 days ago`, `last 3 runs failed`,
 * `never run`. Nothing for "not checked": that is said once per audit, not on every rule.
 */
export function verificationWords(v: Verification | undefined, checkedAt?: string): string | undefined {
  if (!v || v.state === "not-checked") return undefined;
  if (v.state === "verified") return `last run ✓${ago(v.at, checkedAt)}`;
  if (v.state === "failing")
    return v.failedRuns && v.failedRuns > 1
      ? `last ${v.failedRuns} runs failed`
      : `last run failed${ago(v.at, checkedAt)}`;
  return /schedule/.test(v.reason ?? "") ? "schedule never fired" : "never run";
}

/** `ghcr.io/learner/taxi: package published`, `…: no package of that name`, `…: could not be checked (why)` */
export function packageWords(p: PackageRecord): string {
  if (p.state === "exists") return `${p.image}: package published`;
  if (p.state === "missing") return `${p.image}: no package of that name`;
  return `${p.image}: could not be checked${p.reason ? ` (${p.reason})` : ""}`;
}

/** What GitHub holds of a delivery, beside its runs: the latest deployment and the published packages. */
export function deliveryRecords(f: Finding, checkedAt?: string): { words: string; url?: string }[] {
  const d = f.deployment;
  const deployed = d
    ? [
        {
          words: deploymentWords(d, checkedAt),
          ...(d.url && /^https?:\/\//.test(d.url) ? { url: d.url } : {}),
        },
      ]
    : [];
  return [
    ...deployed,
    ...(f.packages ?? []).map((p) => ({ words: packageWords(p), ...(p.url ? { url: p.url } : {}) })),
  ];
}

/** `deployed to production: success, 2 days ago` */
export function deploymentWords(d: DeploymentRecord, checkedAt?: string): string {
  return `deployed to ${d.environment}: ${d.state},${ago(d.at, checkedAt)}`;
}
