import type { Scorecard } from "../engine/model.js";

export const BADGE_LABEL = "MLOps readiness";

/** shields.io's named colours and their hex values, by grade. */
const GRADE_COLOUR: Record<Scorecard["grade"], { name: string; hex: string }> = {
  A: { name: "brightgreen", hex: "#2b8a3e" },
  B: { name: "green", hex: "#5c940d" },
  C: { name: "yellow", hex: "#946800" },
  D: { name: "orange", hex: "#c4501a" },
  E: { name: "red", hex: "#c92a2a" },
};

export function badgeMessage(card: Pick<Scorecard, "score" | "grade">): string {
  return `${card.score} · ${card.grade}`;
}

/** The badge in shields.io's endpoint format, for `https://img.shields.io/endpoint?url=…`. */
export function renderBadgeJson(card: Pick<Scorecard, "score" | "grade">): string {
  return `${JSON.stringify({
    schemaVersion: 1,
    label: BADGE_LABEL,
    message: badgeMessage(card),
    color: GRADE_COLOUR[card.grade].name,
  })}\n`;
}

/** Verdana 11px, the badge font, averages close to 6.5 px a character; wide digits are near 7. */
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[0-9A-Z]/.test(ch) ? 7.2 : ch === " " || ch === "·" ? 3.6 : 6.3;
  return Math.round(width);
}

/** A flat badge, `MLOps readiness | 78 · B`, coloured by grade, with its text for screen readers. */
export function renderBadgeSvg(card: Pick<Scorecard, "score" | "grade">): string {
  const message = badgeMessage(card);
  const left = textWidth(BADGE_LABEL) + 12;
  const right = textWidth(message) + 12;
  const width = left + right;
  const colour = GRADE_COLOUR[card.grade].hex;
  const label = `${BADGE_LABEL}: ${message}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${label}">`,
    `<title>${label}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${colour}"/><rect width="${width}" height="20" fill="url(#s)"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`,
    `<text x="${left / 2}" y="15" fill="#010101" fill-opacity=".3">${BADGE_LABEL}</text><text x="${left / 2}" y="14">${BADGE_LABEL}</text>`,
    `<text x="${left + right / 2}" y="15" fill="#010101" fill-opacity=".3">${message}</text><text x="${left + right / 2}" y="14">${message}</text>`,
    `</g></svg>`,
    "",
  ].join("\n");
}

/** The public scorecard page of a repository. */
export function scorecardPageUrl(publicUrl: string, owner: string, repo: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/scorecards/${owner}/${repo}`;
}

/** Markdown to paste into a README: the badge, linking to the public scorecard. */
export function badgeSnippet(publicUrl: string, owner: string, repo: string): string {
  const base = publicUrl.replace(/\/+$/, "");
  return `[![${BADGE_LABEL}](${base}/badges/${owner}/${repo}.svg)](${scorecardPageUrl(base, owner, repo)})`;
}

/**
 * Markdown for a README of a repository without the app: a shields.io badge with the score written in it
 * (as of this audit), linking to the browser audit of the repository, which is always current.
 */
export function staticBadgeSnippet(
  auditPageUrl: string,
  owner: string,
  repo: string,
  card: Pick<Scorecard, "score" | "grade">,
): string {
  // shields.io reads "-" and "_" in a path as separators and spaces: written twice they are themselves.
  const part = (text: string) => encodeURIComponent(text.replace(/-/g, "--").replace(/_/g, "__"));
  const image = `https://img.shields.io/badge/${part(BADGE_LABEL)}-${part(badgeMessage(card))}-${GRADE_COLOUR[card.grade].name}`;
  return `[![${BADGE_LABEL}](${image})](${auditPageUrl.replace(/#.*$/, "")}#${owner}/${repo})`;
}
