import { lastAtOrBefore, LineIndex } from "../text.js";

/**
 * Python facts from one token pass: comments and strings are separated from code, then imports,
 * calls, decorators, classes and functions are read from the code alone, with names resolved
 * through import aliases and simple `x = Constructor(...)` bindings. Linear in the text, never throws
 * on broken code (a notebook cell or a half-written file is still read as far as it goes).
 */

export interface PyCall {
  /** Resolved dotted name: `mf.log_param` after `import mlflow as mf` is `mlflow.log_param`. */
  name: string;
  line: number;
  /** Keyword arguments with their source text, such as `{ name: "schedule", value: "None" }`. */
  kwargs: { name: string; value: string }[];
  /** String literals among the arguments, for `methods=["POST"]` and the like. */
  strings: string[];
}

export interface PyModule {
  path: string;
  notebook: boolean;
  /** The Python text as written (a notebook's code cells joined), for ruling a module out before parsing it. */
  source: string;
  /** Dotted module names imported (absolute, as written; relative ones keep their dots). */
  imports: { module: string; line: number }[];
  calls: PyCall[];
  decorators: PyCall[];
  classes: { name: string; bases: string[]; line: number }[];
  /** Functions with the last line of their body (the line before the next statement at their indentation or less). */
  functions: { name: string; params: string[]; line: number; endLine: number; indent: number }[];
  strings: { value: string; line: number }[];
  /** Code with comments and string bodies blanked; offsets and lines match the source. */
  code: string;
  /** The original lines, for evidence snippets. */
  lines: string[];
  /** The source with comments blanked but strings kept, for text patterns such as `"retries": 3`. */
  uncommented: string;
}

export interface Scanned {
  code: string;
  uncommented: string;
  strings: { value: string; offset: number }[];
}

/**
 * Separates comments and strings from code in one pass. Output is built from slices of the source, not
 * character by character: the per-character version spent most of an audit in garbage collection.
 */
export function scan(text: string): Scanned {
  return scanning(text, true);
}

/** The code alone, comments and string bodies blanked as `scan` blanks them: for a gate that needs no more. */
export function blankedCode(text: string): string {
  return scanning(text, false).code;
}

/** `scan`, building the uncommented text and the strings only where `whole`. */
function scanning(text: string, whole: boolean): Scanned {
  const code: string[] = [];
  const uncommented: string[] = [];
  const strings: { value: string; offset: number }[] = [];
  const n = text.length;
  let runStart = 0;
  const flush = (end: number) => {
    if (end > runStart) {
      const run = text.slice(runStart, end);
      code.push(run);
      if (whole) uncommented.push(run);
    }
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 35 /* # */) {
      flush(i);
      let end = text.indexOf("\n", i);
      if (end === -1) end = n;
      const blank = " ".repeat(end - i);
      code.push(blank);
      if (whole) uncommented.push(blank);
      i = runStart = end;
      continue;
    }
    if (c === 34 /* " */ || c === 39 /* ' */) {
      flush(i);
      // A prefix (r, b, f, rb, …) stays in the code; only the literal is replaced. Character codes, not
      // one-character strings: docstrings make literals a large part of a module.
      const triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
      const start = i;
      i += triple ? 3 : 1;
      const contentStart = i;
      let closed = false;
      while (i < n) {
        const ch = text.charCodeAt(i);
        if (ch === 92 /* \ */) {
          i += 2;
          continue;
        }
        if (ch === c && (!triple || (text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c))) {
          closed = true;
          break;
        }
        if (!triple && ch === 10 /* \n */) break;
        i++;
      }
      i = Math.min(i, n);
      const value = text.slice(contentStart, i);
      const quote = text.slice(start, contentStart);
      if (closed) i += quote.length;
      // Blank the literal but keep its length and newlines, so offsets and lines match the source.
      code.push(`${quote}${blankKeepingLines(value)}${closed ? quote : ""}`);
      if (whole) {
        strings.push({ value, offset: start });
        uncommented.push(text.slice(start, i));
      }
      runStart = i;
      continue;
    }
    i++;
  }
  flush(n);
  return { code: code.join(""), uncommented: whole ? uncommented.join("") : "", strings };
}

/** `text` with every character but a newline as a space. */
function blankKeepingLines(text: string): string {
  if (!text.includes("\n")) return " ".repeat(text.length);
  return text
    .split("\n")
    .map((line) => " ".repeat(line.length))
    .join("\n");
}

interface LogicalLine {
  text: string;
  offset: number;
}

/** Joins physical lines inside brackets or after a backslash into logical lines. */
function logicalLines(code: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let depth = 0;
  let start = 0;
  const n = code.length;
  // Character codes, not one-character strings: this loop runs over every module's whole text.
  for (let i = 0; i <= n; i++) {
    const c = i < n ? code.charCodeAt(i) : -1;
    if (c === 40 /* ( */ || c === 91 /* [ */ || c === 123 /* { */) depth++;
    else if (c === 41 /* ) */ || c === 93 /* ] */ || c === 125 /* } */) depth = Math.max(0, depth - 1);
    else if (c === 10 /* \n */ || c === -1) {
      if (c === 10 && (depth > 0 || code.charCodeAt(i - 1) === 92) /* \\ */) continue;
      out.push({ text: code.slice(start, i), offset: start });
      start = i + 1;
      depth = 0;
    }
  }
  return out;
}

const IMPORT = /^\s*import\s+(.+)$/s;
const FROM_IMPORT = /^\s*from\s+([\w.]+)\s+import\s+(.+)$/s;
const CLASS = /^\s*class\s+(\w+)\s*(?:\((.*)\))?\s*:/s;
const DEF = /^\s*(?:async\s+)?def\s+(\w+)\s*\((.*?)\)\s*(?:->[^:]*)?:/s;
const DECORATOR = /^\s*@\s*([A-Za-z_][\w.]*)\s*(\()?/;
/** A function that imports a module in its body and returns it: the lazy import of an optional dependency. */
const LAZY_IMPORT_DEF = /^([ \t]*)def\s+(\w+)\s*\([^)]*\)[^:\n]*:[ \t]*\n((?:(?:\1[ \t]+[^\n]*)?\n){1,12})/gm;

/** `name → module` for each lazy-import helper defined in the module (`def _mlflow(): import mlflow; return mlflow`). */
function lazyImportHelpers(code: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!/^[ \t]+import\s/m.test(code)) return out;
  for (const m of code.matchAll(LAZY_IMPORT_DEF)) {
    const imported = m[3].match(/^[ \t]+import\s+([\w.]+)(?:\s+as\s+(\w+))?[ \t]*$/m);
    if (!imported) continue;
    const local = imported[2] ?? imported[1].split(".")[0];
    if (new RegExp(`^[ \\t]+return\\s+${local}[ \\t]*$`, "m").test(m[3]))
      out.set(m[2], imported[2] ? imported[1] : local);
  }
  return out;
}
const ASSIGN_CTOR = /^\s*([A-Za-z_]\w*)\s*(?::[^=]+)?=\s*([A-Za-z_][\w.]*)\s*\(/;
const ASSIGN_ALIAS = /^\s*([A-Za-z_]\w*)\s*=\s*([A-Za-z_][\w.]*)\s*$/;
const WITH_AS = /\b([A-Za-z_][\w.]*)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s+as\s+([A-Za-z_]\w*)/g;
const CALL = /(?<![\w])([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\(/g;
const KEYWORDS = new Set([
  "def",
  "class",
  "if",
  "elif",
  "while",
  "for",
  "return",
  "and",
  "or",
  "not",
  "in",
  "is",
  "print",
  "lambda",
  "with",
  "assert",
  "yield",
  "await",
  "except",
  "del",
  "import",
  "from",
  "raise",
]);

/** Finds the offset of the bracket closing the one at `open`, or the end of the text. */
function closingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return code.length;
}

/** Keyword arguments at the top level of an argument list, with their source text. */
function topLevelKwargs(
  code: string,
  source: string,
  from: number,
  to: number,
): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  let depth = 0;
  let argStart = from;
  for (let i = from; i <= to; i++) {
    const c = code[i];
    if (i === to || (depth === 0 && c === ",")) {
      const m = code.slice(argStart, i).match(/^\s*([A-Za-z_]\w*)\s*=(?!=)/);
      if (m) out.push({ name: m[1], value: source.slice(argStart + m[0].length, i).trim() });
      argStart = i + 1;
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
  }
  return out;
}

export function parsePython(
  path: string,
  text: string,
  notebook = false,
  scanned: Scanned = scan(text),
): PyModule {
  const { code, uncommented, strings } = scanned;
  const index = new LineIndex(code);
  // Every binding of a name with where it is made: a use sees the latest binding above it, so the Airflow idiom
  // `@dag(...)` … `dag = my_pipeline()` keeps `@dag` the decorator. A use above every binding (a function body
  // above the import or the assignment it relies on) sees the first.
  const bindings = new Map<string, { offsets: number[]; values: string[] }>();
  const bind = (name: string, value: string, offset: number) => {
    let list = bindings.get(name);
    if (!list) bindings.set(name, (list = { offsets: [], values: [] }));
    let i = list.offsets.length;
    while (i > 0 && list.offsets[i - 1] > offset) i--;
    list.offsets.splice(i, 0, offset);
    list.values.splice(i, 0, value);
  };
  // A binary search: a generated module can bind one name thousands of times.
  const boundAt = (name: string, at: number): string | undefined => {
    const list = bindings.get(name);
    return list && list.values[lastAtOrBefore(list.offsets, at)];
  };
  let sourceLines: string[] | undefined;
  const module: PyModule = {
    path,
    notebook,
    source: text,
    imports: [],
    calls: [],
    decorators: [],
    classes: [],
    functions: [],
    strings: strings.map((s) => ({ value: s.value, line: index.lineOf(s.offset) })),
    code,
    uncommented,
    // Split when first read: a lazily parsed module keeps its own lines, and most parsed ones show no evidence.
    get lines() {
      return (sourceLines ??= text.split("\n"));
    },
  };

  const resolve = (dotted: string, at: number): string => {
    const name = dotted.replace(/\s+/g, "");
    const dot = name.indexOf(".");
    const head = dot === -1 ? name : name.slice(0, dot);
    const bound = boundAt(head, at);
    return bound === undefined ? name : bound + (dot === -1 ? "" : name.slice(dot));
  };
  // The scanner yields strings in text order, so a call's strings are one run found by binary search; a filter
  // over every string per call made a generated module of 40,000 calls take seconds.
  const stringsIn = (from: number, to: number): string[] => {
    let lo = 0;
    let hi = strings.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strings[mid].offset < from) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < strings.length && strings[i].offset <= to; i++) out.push(strings[i].value);
    return out;
  };

  const lines = logicalLines(code);
  // Imports and bindings first, so a call above its import (in a function body) still resolves.
  for (const ll of lines) {
    const line = index.lineOf(ll.offset);
    const text = ll.text.replace(/\\\n/g, " ");
    let m: RegExpMatchArray | null;
    if ((m = text.match(FROM_IMPORT))) {
      const from = m[1];
      module.imports.push({ module: from, line });
      for (const part of m[2].replace(/[()\n]/g, " ").split(",")) {
        const [name, alias] = part.trim().split(/\s+as\s+/);
        if (!name || name === "*") continue;
        bind((alias ?? name).trim(), `${from}.${name.trim()}`, ll.offset);
        module.imports.push({ module: `${from}.${name.trim()}`, line });
      }
    } else if ((m = text.match(IMPORT))) {
      for (const part of m[1].split(",")) {
        const [name, alias] = part.trim().split(/\s+as\s+/);
        if (!name) continue;
        const dotted = name.trim();
        module.imports.push({ module: dotted, line });
        if (alias) bind(alias.trim(), dotted, ll.offset);
        else bind(dotted.split(".")[0], dotted.split(".")[0], ll.offset);
      }
    }
  }
  const lazyImports = lazyImportHelpers(code);
  for (const ll of lines) {
    let m: RegExpMatchArray | null;
    const at = ll.offset;
    const lazy = (m = ll.text.match(ASSIGN_CTOR)) && lazyImports.get(m[2]);
    if (m && lazy && /\(\s*\)\s*$/.test(ll.text)) bind(m[1], lazy, at);
    else if (m && !KEYWORDS.has(m[2])) bind(m[1], `${resolve(m[2], at)}()`, at);
    else if ((m = ll.text.match(ASSIGN_ALIAS)) && bindings.has(m[2].split(".")[0]))
      bind(m[1], resolve(m[2], at), at);
    // Most lines have no `as`; the pattern is tried at every position of the ones that do.
    if (ll.text.includes("as"))
      for (const w of ll.text.matchAll(WITH_AS)) bind(w[2], `${resolve(w[1], at)}()`, at);
  }

  // Where each function's logical line is, so its body is searched from there on.
  const defAt: number[] = [];
  for (let at = 0; at < lines.length; at++) {
    const ll = lines[at];
    const line = index.lineOf(ll.offset);
    let m: RegExpMatchArray | null;
    if ((m = ll.text.match(DECORATOR))) {
      const open = m[2] ? ll.offset + ll.text.indexOf("(", m.index ?? 0) : -1;
      const close = open === -1 ? -1 : closingParen(code, open);
      module.decorators.push({
        name: resolve(m[1], ll.offset),
        line,
        kwargs: open === -1 ? [] : topLevelKwargs(code, text, open + 1, close),
        strings: open === -1 ? [] : stringsIn(open, close),
      });
    }
    if ((m = ll.text.match(CLASS))) {
      const bases = (m[2] ?? "")
        .split(",")
        .map((b) => b.trim())
        .filter((b) => /^[A-Za-z_][\w.]*$/.test(b))
        .map((b) => resolve(b, ll.offset));
      module.classes.push({ name: m[1], bases, line });
    }
    if ((m = ll.text.match(DEF))) {
      const params = m[2]
        .split(",")
        .map((p) => p.trim().split(/[:=]/)[0].replace(/^\*+/, "").trim())
        .filter(Boolean);
      const indent = ll.text.length - ll.text.trimStart().length;
      module.functions.push({ name: m[1], params, line, endLine: Number.MAX_SAFE_INTEGER, indent });
      defAt.push(at);
    }
  }
  // A body ends where the next logical line starts at the def's indentation or less. Searched from the def's
  // own line: from the top, a module of many functions cost functions × lines.
  module.functions.forEach((fn, f) => {
    for (let at = defAt[f] + 1; at < lines.length; at++) {
      const ll = lines[at];
      const line = index.lineOf(ll.offset);
      if (!ll.text.trim()) continue;
      const indent = ll.text.length - ll.text.trimStart().length;
      if (indent <= fn.indent && !/^\s*[@)\]}]/.test(ll.text)) {
        fn.endLine = line - 1;
        break;
      }
    }
  });

  // A chained call (`pd.DataFrame(x).to_sql(…)`) is named after the call it hangs on: `pandas.DataFrame().to_sql`.
  const callClosingAt = new Map<number, string>();
  for (const m of code.matchAll(CALL)) {
    const raw = m[1];
    const start = m.index ?? 0;
    const before = code.slice(Math.max(0, start - 6), start);
    if (/\b(def|class)\s+$/.test(before) || /@\s*$/.test(before)) continue;
    if (KEYWORDS.has(raw)) continue;
    let name: string;
    if (/\.\s*$/.test(before)) {
      const dot = code.lastIndexOf(".", start);
      let k = dot - 1;
      while (k >= 0 && /\s/.test(code[k])) k--;
      const inner = callClosingAt.get(k);
      if (inner === undefined) continue;
      name = `${inner}().${raw.replace(/\s+/g, "")}`;
    } else name = resolve(raw, start);
    const open = start + m[0].length - 1;
    const close = closingParen(code, open);
    callClosingAt.set(close, name);
    module.calls.push({
      name,
      line: index.lineOf(start),
      kwargs: topLevelKwargs(code, text, open + 1, close),
      strings: stringsIn(open, close),
    });
  }
  return module;
}

/**
 * A module parsed on first use. A large tree holds thousands of modules and the rules ask about a few, so
 * callers look at `source` to rule a module out before touching anything that parses it. Blanking comments
 * (`code`, `uncommented`) is cheaper than the full parse and is done on its own.
 */
export class LazyPyModule implements PyModule {
  readonly notebook = false;
  #scanned?: Scanned;
  #parsed?: PyModule;
  #lines?: string[];

  constructor(
    readonly path: string,
    readonly source: string,
  ) {}

  /** Whether anything has needed the full parse yet. */
  get isParsed(): boolean {
    return this.#parsed !== undefined;
  }
  private get scanned(): Scanned {
    return (this.#scanned ??= scan(this.source));
  }
  private get parsed(): PyModule {
    return (this.#parsed ??= parsePython(this.path, this.source, false, this.scanned));
  }
  get code() {
    return this.scanned.code;
  }
  /**
   * `use` of the code, blanked now and not kept unless it already was: a gate that rules most modules out
   * (a prose mention of `ray`) need not hold the blanked text of each for the rest of the audit.
   */
  withCode<T>(use: (code: string) => T): T {
    return use(this.#scanned?.code ?? blankedCode(this.source));
  }
  get uncommented() {
    return this.scanned.uncommented;
  }
  get lines() {
    return (this.#lines ??= this.source.split("\n"));
  }
  get imports() {
    return this.parsed.imports;
  }
  get calls() {
    return this.parsed.calls;
  }
  get decorators() {
    return this.parsed.decorators;
  }
  get classes() {
    return this.parsed.classes;
  }
  get functions() {
    return this.parsed.functions;
  }
  get strings() {
    return this.parsed.strings;
  }
}
