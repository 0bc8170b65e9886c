import MarkdownIt from "markdown-it";

/** GitHub-flavoured enough: CommonMark with tables and the HTML GitHub lets through (`<details>`, `<sub>`). */
const markdown = new MarkdownIt({ html: true });

export function markdownToHtml(source: string): string {
  return markdown.render(source);
}

function decode(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The text a reader sees, one rendered line per block (paragraph, list item, heading, table row). */
export function renderedLines(source: string): string[] {
  return decode(
    markdownToHtml(source)
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/<\/(p|li|h[1-6]|tr|summary|pre)>|<br\s*\/?>/g, "\n")
      .replace(/<\/t[dh]>/g, " ")
      .replace(/<[^>]+>/g, ""),
  )
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}
