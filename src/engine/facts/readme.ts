import MarkdownIt, { type Token } from "markdown-it";

export interface ReadmeFacts {
  path: string;
  words: number;
  headings: { text: string; line: number }[];
  code: { lang: string; value: string; line: number }[];
  images: { url: string; alt: string; line: number }[];
  lines: string[];
}

/**
 * Strict CommonMark, as GitHub renders a README before its own extensions: no tables or autolinked URLs,
 * raw HTML kept. markdown-it tokenises a README several times faster than an mdast parser (a 19 KB README
 * in 2 ms instead of 27), and a README is read on every audit.
 */
const markdown = new MarkdownIt("commonmark");

const HTML_HEADING = /<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi;
const HTML_IMAGE = /<img\b[^>]*>/gi;

function countWords(text: string): number {
  return text.split(/\s+/).filter((t) => /\p{L}/u.test(t) && !/^(https?:|www\.)/i.test(t)).length;
}

function newlines(text: string): number {
  let n = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) n++;
  return n;
}

/** Headings and images written as HTML, and the HTML's text as prose. */
function readHtml(html: string, line: number, facts: ReadmeFacts, prose: string[]) {
  for (const m of html.matchAll(HTML_HEADING))
    facts.headings.push({ text: m[2].replace(/<[^>]+>/g, " ").trim(), line });
  for (const m of html.matchAll(HTML_IMAGE)) {
    const attr = (name: string) =>
      m[0].match(new RegExp(`\\b${name}\\s*=\\s*["']([^"']*)["']`, "i"))?.[1] ?? "";
    facts.images.push({ url: attr("src"), alt: attr("alt"), line });
  }
  prose.push(html.replace(/<[^>]*>/g, " "));
}

/**
 * One inline run (a paragraph's or a heading's text): its words go to the prose, and to `heading` when it
 * is one. Inline tokens carry no line, so the line is counted from the block's first by its line breaks.
 */
function readInline(inline: Token, facts: ReadmeFacts, prose: string[], heading?: string[]) {
  let line = (inline.map?.[0] ?? 0) + 1;
  for (const t of inline.children ?? []) {
    switch (t.type) {
      case "text":
      case "code_inline":
        prose.push(t.content);
        heading?.push(t.content);
        break;
      case "softbreak":
      case "hardbreak":
        line++;
        break;
      case "image":
        // An image's alt text is neither prose nor a heading's words.
        facts.images.push({ url: t.attrGet("src") ?? "", alt: t.content, line });
        break;
      case "html_inline":
        readHtml(t.content, line, facts, prose);
        line += newlines(t.content);
        break;
    }
  }
}

/** The root README as the catalogue reads it: words outside code, headings, code blocks, images. */
export function parseReadme(path: string, text: string): ReadmeFacts {
  const facts: ReadmeFacts = { path, words: 0, headings: [], code: [], images: [], lines: text.split("\n") };
  let tokens: Token[];
  try {
    tokens = markdown.parse(text, {});
  } catch {
    return facts;
  }
  const prose: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const line = (t.map?.[0] ?? 0) + 1;
    switch (t.type) {
      case "fence":
      case "code_block":
        facts.code.push({
          lang: t.type === "fence" ? (t.info.trim().split(/\s+/)[0] ?? "").toLowerCase() : "",
          value: t.content.replace(/\n$/, ""),
          line,
        });
        break;
      case "heading_open": {
        const words: string[] = [];
        const inline = tokens[i + 1];
        if (inline?.type === "inline") {
          readInline(inline, facts, prose, words);
          i++;
        }
        // Emphasis leaves empty text tokens at its ends: `## **Setup**` is "Setup", not " Setup ".
        facts.headings.push({ text: words.join(" ").trim(), line });
        break;
      }
      case "inline":
        readInline(t, facts, prose);
        break;
      case "html_block":
        readHtml(t.content, line, facts, prose);
        break;
    }
  }
  facts.words = countWords(prose.join(" "));
  return facts;
}
