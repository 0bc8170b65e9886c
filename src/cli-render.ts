import type { Scorecard } from "./engine/model.js";
import { renderHtml } from "./render/html.js";
import { renderJson } from "./render/json.js";
import { renderMarkdown } from "./render/markdown.js";
import { renderSarif } from "./render/sarif.js";
import { relativeLinksUnder, type LinkFor } from "./render/status.js";
import { renderText } from "./render/text.js";

export const FORMATS = ["text", "markdown", "json", "sarif", "html"] as const;
export type Format = (typeof FORMATS)[number];

/**
 * The scorecard in the format asked for. Evidence links are relative to the directory audited unless
 * `links` says otherwise (at a commit on GitHub, for a repository audited by name).
 */
export function render(
  card: Scorecard,
  format: Format,
  isTTY: boolean,
  badge: string | undefined,
  links: LinkFor = relativeLinksUnder(card.target.root),
): string {
  switch (format) {
    case "json":
      return renderJson(card);
    case "sarif":
      return renderSarif(card);
    case "html":
      return renderHtml(card, { links });
    case "markdown":
      return renderMarkdown(card, { links, badge }) + "\n";
    default:
      return renderText(card, { color: isTTY && !process.env.NO_COLOR, badge });
  }
}
