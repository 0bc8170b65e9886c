import { parsePython, type PyModule } from "./python.js";

export interface NotebookModule extends PyModule {
  /** The 1-based line in `code` where each code cell starts, for "cell N" in evidence. */
  cellStarts: number[];
}

/**
 * A notebook's code cells joined into one Python text. Shell (`!pip …`) and magic (`%…`) lines are
 * blanked: they are not Python. Returns null when the file is not a notebook's JSON.
 */
export function parseNotebook(path: string, text: string): NotebookModule | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const cells = (doc as { cells?: unknown })?.cells;
  if (!Array.isArray(cells)) return null;
  const parts: string[] = [];
  const cellStarts: number[] = [];
  let line = 1;
  for (const cell of cells) {
    if (!cell || typeof cell !== "object" || (cell as { cell_type?: unknown }).cell_type !== "code") continue;
    const source = (cell as { source?: unknown }).source;
    const body = Array.isArray(source)
      ? source.filter((s) => typeof s === "string").join("")
      : typeof source === "string"
        ? source
        : "";
    const cleaned = body
      .split("\n")
      .map((l) => (/^\s*[%!]/.test(l) ? "" : l))
      .join("\n");
    cellStarts.push(line);
    parts.push(cleaned);
    line += cleaned.split("\n").length + 1;
  }
  const module = parsePython(path, parts.join("\n\n"), true);
  return { ...module, cellStarts };
}

export function cellOfLine(module: NotebookModule, line: number): number {
  let cell = 0;
  for (let i = 0; i < module.cellStarts.length; i++) if (module.cellStarts[i] <= line) cell = i;
  return cell + 1;
}
