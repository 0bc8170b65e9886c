import { fromMarkdown } from "mdast-util-from-markdown";

export interface ReadmeFacts {
  path: string;
  words: number;
  headings: { text: string; line: number }[];
  code: { lang: string; value: string; line: number }[];
  images: { url: string; alt: string; line: number }[];
  lines: string[];
}

interface MdNode {
  type: string;
  value?: string;
  url?: string;
  alt?: string;
  depth?: number;
  lang?: string | null;
  children?: MdNode[];
  position?: { start: { line: number } };
}

const HTML_HEADING = /<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi;
const HTML_IMAGE = /<img\b[^>]*>/gi;

function textOf(node: MdNode): string {
  if (node.type === "text" || node.type === "inlineCode") return node.value ?? "";
  return (node.children ?? []).map(textOf).join(" ");
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((t) => /\p{L}/u.test(t) && !/^(https?:|www\.)/i.test(t)).length;
}

/** The root README as the catalogue reads it: words outside code, headings, code blocks, images. */
export function parseReadme(path: string, text: string): ReadmeFacts {
  const facts: ReadmeFacts = { path, words: 0, headings: [], code: [], images: [], lines: text.split("\n") };
  let tree: MdNode;
  try {
    tree = fromMarkdown(text) as MdNode;
  } catch {
    return facts;
  }
  const prose: string[] = [];
  const walk = (node: MdNode) => {
    const line = node.position?.start.line ?? 1;
    switch (node.type) {
      case "code":
        facts.code.push({ lang: (node.lang ?? "").toLowerCase(), value: node.value ?? "", line });
        return;
      case "heading":
        facts.headings.push({ text: textOf(node), line });
        break;
      case "image":
        facts.images.push({ url: node.url ?? "", alt: node.alt ?? "", line });
        return;
      case "html": {
        const html = node.value ?? "";
        for (const m of html.matchAll(HTML_HEADING))
          facts.headings.push({ text: m[2].replace(/<[^>]+>/g, " ").trim(), line });
        for (const m of html.matchAll(HTML_IMAGE)) {
          const attr = (name: string) =>
            m[0].match(new RegExp(`\\b${name}\\s*=\\s*["']([^"']*)["']`, "i"))?.[1] ?? "";
          facts.images.push({ url: attr("src"), alt: attr("alt"), line });
        }
        prose.push(html.replace(/<[^>]*>/g, " "));
        return;
      }
      case "text":
      case "inlineCode":
        prose.push(node.value ?? "");
        return;
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(tree);
  facts.words = countWords(prose.join(" "));
  return facts;
}
