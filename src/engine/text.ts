import type { ReadResult, TextResult } from "./snapshot.js";

/** Small text helpers shared by the fact extractors. */

/** Byte offsets of each line start, so an offset can be turned into a 1-based line number. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    // A native search per line, not a call per character: large trees index thousands of modules.
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }
  lineOf(offset: number): number {
    return lastAtOrBefore(this.starts, offset) + 1;
  }
}

/** The index of the last of ascending `starts` at or before `offset` (0 when none is). */
export function lastAtOrBefore(starts: ArrayLike<number>, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A short one-line excerpt for evidence. */
export function snippetOf(line: string | undefined, max = 120): string | undefined {
  if (line === undefined) return undefined;
  const trimmed = line.trim().replace(/\s+/g, " ");
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

/**
 * Removes `#` comments from a shell-, YAML-, Dockerfile- or HCL-like text, keeping line count.
 * A `#` counts only at a word start and outside quotes, so `url#frag` and "a # b" survive.
 */
export function stripHashComments(text: string): string {
  return text
    .split("\n")
    .map((line) => stripHashComment(line))
    .join("\n");
}

export function stripHashComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

/** Removes `//` and `/* *\/` comments (Groovy, HCL), keeping line count; quotes are respected. */
export function stripSlashComments(text: string): string {
  let out = "";
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      out += c;
      if (c === "\\") {
        out += text[i + 1] ?? "";
        i++;
      } else if (c === quote || c === "\n") quote = null;
    } else if (text.startsWith(c.repeat(3), i) && (c === '"' || c === "'")) {
      // A Groovy triple-quoted string spans lines: a `/*` in a shell glob inside it opens no comment.
      const end = text.indexOf(c.repeat(3), i + 3);
      const stop = end === -1 ? text.length : end + 3;
      out += text.slice(i, stop);
      i = stop - 1;
    } else if (c === '"' || c === "'") {
      quote = c;
      out += c;
    } else if (c === "/" && text[i + 1] === "/" && text[i - 1] !== ":") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop - 1;
    } else out += c;
  }
  return out;
}

/** How many leading bytes are looked at for a NUL, the mark of a binary file. */
export const BINARY_PROBE_BYTES = 8192;

/** Decodes bytes as UTF-8, or says why not: a NUL byte marks a binary file. */
export function decodeText(bytes: Uint8Array): { ok: true; text: string } | { ok: false; reason: string } {
  const probe = Math.min(bytes.length, BINARY_PROBE_BYTES);
  for (let i = 0; i < probe; i++) if (bytes[i] === 0) return { ok: false, reason: "binary file" };
  // The decoder drops one leading byte-order mark; a second one is dropped here.
  return { ok: true, text: textAfterDecoding(new TextDecoder("utf-8", { fatal: false }).decode(bytes)) };
}

/** What `decodeText` makes of a read: the text, or why there is none (a binary file flagged as one). */
export function textOfRead(read: ReadResult): TextResult {
  if (!read.ok) return read;
  const decoded = decodeText(read.bytes);
  return decoded.ok ? decoded : { ...decoded, binary: true };
}

/** What `decodeText` does once the bytes are UTF-16: a byte-order mark dropped, line ends made `\n`. */
export function textAfterDecoding(decoded: string): string {
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  return text.replace(/\r\n?/g, "\n");
}
