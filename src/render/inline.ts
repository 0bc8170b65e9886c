/**
 * What rules and findings say is plain words with Markdown code spans (`dvc init`). Each medium renders it
 * its own way: code on a page, code spans in Markdown, bare words where only plain text is shown (GitHub's
 * annotations, a terminal).
 */

const CODE_SPAN = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g;

interface Part {
  code: boolean;
  text: string;
}

function parts(text: string): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(CODE_SPAN)) {
    if (m.index > last) out.push({ code: false, text: text.slice(last, m.index) });
    out.push({ code: true, text: m[2].replace(/^ (.*) $/s, "$1") });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ code: false, text: text.slice(last) });
  return out;
}

/** For plain-text media: code spans lose their backticks. */
export function plainText(text: string): string {
  return parts(text)
    .map((p) => p.text)
    .join("");
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** For a page: escaped text, code spans as `<code>`. */
export function htmlInline(text: string): string {
  return parts(text)
    .map((p) => (p.code ? `<code>${escapeHtml(p.text)}</code>` : escapeHtml(p.text)))
    .join("");
}

/** Any text as one Markdown code span, however many backticks it holds. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\n/g, " ");
  const longest = Math.max(0, ...Array.from(flat.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * For Markdown outside a table: code spans kept, and the characters that would start markup elsewhere
 * (HTML, links, emphasis) escaped, so text from a repository cannot format or link the comment.
 */
export function markdownInline(text: string): string {
  return parts(text)
    .map((p) => (p.code ? codeSpan(p.text) : p.text.replace(/\n/g, " ").replace(/([\\<>[\]*_#!])/g, "\\$1")))
    .join("");
}

/** For a Markdown table cell: as outside a table, and a `|` escaped so the cell does not split. */
export function markdownCell(text: string): string {
  return markdownInline(text).replace(/\|/g, "\\|");
}
