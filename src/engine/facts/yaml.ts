import jsyaml from "js-yaml";
import { LineIndex } from "../text.js";
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
} from "yaml";

/**
 * YAML parsed once per file into plain values that remember their line numbers.
 * Repositories hold hostile YAML: aliases are expanded against a node budget and nesting is capped,
 * so an alias bomb or a 100,000-deep document ends in an error message, not a hang or a crash.
 */

export interface YamlFile {
  path: string;
  docs: unknown[];
  error?: string;
  lines: string[];
}

interface Located {
  line: number;
  keys?: Record<string, number>;
  items?: number[];
}

const locations = new WeakMap<object, Located>();
const NODE_BUDGET = 50_000;
const MAX_DEPTH = 200;

/** The 1-based line of a mapping or sequence, or of one of its keys or items. */
export function lineOf(value: unknown, key?: string | number): number | undefined {
  if (!value || typeof value !== "object") return undefined;
  const loc = locations.get(value);
  if (!loc) return undefined;
  if (key === undefined) return loc.line;
  if (typeof key === "number") return loc.items?.[key] ?? loc.line;
  return loc.keys?.[key] ?? loc.line;
}

class Budget {
  left = NODE_BUDGET;
  /** Resolving an alias searches the document; remember each answer. */
  readonly anchors = new Map<unknown, unknown>();
  spend(): void {
    if (--this.left < 0) throw new Error("too many nodes after alias expansion (alias bomb?)");
  }
}

function convert(node: unknown, doc: Document, counter: LineCounter, budget: Budget, depth: number): unknown {
  budget.spend();
  if (depth > MAX_DEPTH) throw new Error(`nested deeper than ${MAX_DEPTH} levels`);
  if (isAlias(node)) {
    if (!budget.anchors.has(node)) budget.anchors.set(node, node.resolve(doc));
    return convert(budget.anchors.get(node), doc, counter, budget, depth + 1);
  }
  const line = (n: Node | null | undefined) => (n?.range ? counter.linePos(n.range[0]).line : 0);
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const keys: Record<string, number> = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode ?? "");
      if (key === "<<") {
        const merged = convert(pair.value, doc, counter, budget, depth + 1);
        for (const src of Array.isArray(merged) ? merged : [merged])
          if (src && typeof src === "object")
            for (const [k, v] of Object.entries(src)) if (!(k in out)) out[k] = v;
        continue;
      }
      out[key] = convert(pair.value, doc, counter, budget, depth + 1);
      keys[key] = line(keyNode);
    }
    locations.set(out, { line: line(node), keys });
    return out;
  }
  if (isSeq(node)) {
    const out = node.items.map((item) => convert(item, doc, counter, budget, depth + 1));
    locations.set(out, { line: line(node), items: node.items.map((item) => line(item as Node)) });
    return out;
  }
  if (isScalar(node)) return node.value;
  return null;
}

/** Unknown tags (`!Ref`, `!Sub`) keep their plain value, as they do in the `yaml` package. */
const anyTag = (kind: "scalar" | "sequence" | "mapping") =>
  new jsyaml.Type("!", { kind, multi: true, construct: (data: unknown) => data });
// `types` is exported at run time but missing from the type declarations.
const { merge } = (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types;
const FAST_SCHEMA = jsyaml.CORE_SCHEMA.extend({
  implicit: [merge],
  explicit: [anyTag("scalar"), anyTag("sequence"), anyTag("mapping")],
});

/** Where a node's content starts: js-yaml reports a node before the blanks and comments that precede it. */
function contentStart(text: string, position: number): number {
  let i = position;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\r" || c === "\n") i++;
    else if (c === "#") {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end;
    } else break;
  }
  return i;
}

/** Counts what a document expands to, since js-yaml shares aliased nodes instead of copying them. */
function spendOn(value: unknown, budget: Budget, depth: number): void {
  budget.spend();
  if (depth > MAX_DEPTH) throw new Error(`nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) for (const item of value) spendOn(item, budget, depth + 1);
  else if (value && typeof value === "object")
    for (const item of Object.values(value)) spendOn(item, budget, depth + 1);
}

interface Frame {
  line: number;
  children: { value: unknown; line: number }[];
}

/**
 * The fast path: js-yaml parses an order of magnitude faster than the `yaml` package, and its parse events
 * give each mapping, key and item its line. It throws on the first error of any document; the caller then
 * takes the slower path, which keeps the documents that did parse.
 */
function parseFast(path: string, text: string, lines: string[]): YamlFile {
  const index = new LineIndex(text);
  const stack: Frame[] = [{ line: 1, children: [] }];
  const listener = (event: string, state: { position: number; result: unknown }) => {
    if (event === "open") {
      stack.push({ line: index.lineOf(contentStart(text, state.position)), children: [] });
      return;
    }
    const frame = stack.pop()!;
    const value = state.result;
    stack[stack.length - 1].children.push({ value, line: frame.line });
    if (Array.isArray(value)) {
      locations.set(value, { line: frame.line, items: frame.children.map((c) => c.line) });
    } else if (value && typeof value === "object" && !locations.has(value)) {
      const keys: Record<string, number> = {};
      for (let i = 0; i + 1 < frame.children.length; i += 2) {
        const key = String(frame.children[i].value);
        if (Object.hasOwn(value, key)) keys[key] = frame.children[i].line;
      }
      locations.set(value, { line: frame.line, keys });
    }
  };
  const docs = jsyaml.loadAll(text, undefined, {
    schema: FAST_SCHEMA,
    json: true,
    listener,
    maxDepth: MAX_DEPTH,
  } as jsyaml.LoadOptions);
  const budget = new Budget();
  for (const doc of docs) spendOn(doc, budget, 0);
  return { path, docs, lines };
}

/** The `yaml` package's path: slower, but it keeps every document that parses. Also the reference in tests. */
export function parseSlow(path: string, text: string, lines = text.split("\n")): YamlFile {
  const counter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [documents];
  const budget = new Budget();
  const docs: unknown[] = [];
  let error: string | undefined;
  for (const doc of list) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      error = `${e.message.split("\n")[0]}`;
      continue;
    }
    docs.push(convert(doc.contents, doc, counter, budget, 0));
  }
  return { path, docs, error, lines };
}

/** A line that is only a template directive: `{{- if .Values.ingress.enabled }}`, `{{ include "x" . | nindent 4 }}`. */
const TEMPLATE_LINE = /^\s*\{\{[^\n]*\}\}\s*$/gm;
/** A template expression in a value (`{{ .Values.image }}`), not a GitHub Actions `${{ … }}`. */
const TEMPLATE_VALUE = /(?<!\$)\{\{[^\n]*?\}\}/g;

/**
 * Helm and other Go-template YAML, read around its templates: directive lines are blanked and expressions
 * become plain words of the same length, so the rest parses and keeps its lines.
 */
export function withoutTemplates(text: string): string {
  if (!/(^|[^$])\{\{/.test(text)) return text;
  return text
    .replace(TEMPLATE_LINE, (line) => line.replace(/[^\n]/g, " "))
    .replace(TEMPLATE_VALUE, (expr) => "_".repeat(expr.length));
}

export function parseYaml(path: string, rawText: string): YamlFile {
  const text = withoutTemplates(rawText);
  const lines = rawText.split("\n");
  try {
    try {
      return parseFast(path, text, lines);
    } catch (e) {
      if (!(e instanceof jsyaml.YAMLException)) throw e;
      return parseSlow(path, text, lines);
    }
  } catch (e) {
    return { path, docs: [], error: e instanceof Error ? e.message : String(e), lines };
  }
}

/** A plain-object view, or undefined. */
export function asMap(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/**
 * A Kubernetes ConfigMap often carries whole config files (`data: { prometheus.yml: | … }`). Their
 * documents are added to the file that holds them, parsed with their true line numbers.
 */
export function withEmbeddedFiles(file: YamlFile): YamlFile {
  const embedded: unknown[] = [];
  for (const doc of file.docs) {
    const map = asMap(doc);
    const data = asMap(map?.data);
    if (map?.kind !== "ConfigMap" || !data) continue;
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== "string" || !/\.(ya?ml|rules)$/i.test(key)) continue;
      const keyLine = lineOf(data, key) ?? 0;
      const inner = parseYaml(file.path, "\n".repeat(keyLine) + value);
      if (!inner.error) embedded.push(...inner.docs);
    }
  }
  return embedded.length ? { ...file, docs: [...file.docs, ...embedded] } : file;
}

/**
 * The repository's YAML, parsed on first use. Parsing is the costliest step of an audit, and most rules
 * look for a key or a `kind:` that a cheap text test rules out, so a file is parsed only when some query
 * could match it, and then once.
 */
export class YamlStore {
  private readonly parsed = new Map<string, YamlFile>();

  constructor(private readonly texts: Map<string, string>) {}

  has(path: string): boolean {
    return this.texts.has(path);
  }

  get(path: string): YamlFile | undefined {
    let file = this.parsed.get(path);
    if (!file) {
      const text = this.texts.get(path);
      if (text === undefined) return undefined;
      file = withEmbeddedFiles(parseYaml(path, text));
      this.parsed.set(path, file);
    }
    return file;
  }

  /** Parsed files whose path and raw text pass a cheap test, in path order. */
  *where(test: (path: string, text: string) => boolean): Generator<YamlFile> {
    for (const [path, text] of this.texts) if (test(path, text)) yield this.get(path)!;
  }
}
