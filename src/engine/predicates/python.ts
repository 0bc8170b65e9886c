import type { PyModule, PyCall } from "../facts/python.js";
import { cellOfLine, type NotebookModule } from "../facts/notebook.js";
import { definesOrchestratedWork } from "../facts/automation.js";
import type { Evidence, PythonQuery } from "../model.js";
import { LineIndex, snippetOf } from "../text.js";
import { found, nameGlob, regex, type EvalContext, type PredicateResult } from "./result.js";

/** A call pattern: `name`, `name(kwarg)`, `name(kwarg=regex)` or `name(kwarg!=regex)`. */
interface CallPattern {
  name: RegExp;
  kwarg?: string;
  value?: RegExp;
  negate?: boolean;
}

const patternCache = new Map<string, CallPattern>();

function callPattern(text: string): CallPattern {
  let p = patternCache.get(text);
  if (!p) {
    const m = text.match(/^(.+?)\((\w+)(?:(!?=)(.*))?\)$/);
    p = m
      ? {
          name: nameGlob(m[1]),
          kwarg: m[2],
          value: m[4] !== undefined ? regex(`^(?:${m[4]})$`, "s") : undefined,
          negate: m[3] === "!=",
        }
      : { name: nameGlob(text) };
    patternCache.set(text, p);
  }
  return p;
}

function callMatches(call: PyCall, pattern: CallPattern): boolean {
  if (!pattern.name.test(call.name)) return false;
  if (!pattern.kwarg) return true;
  const kw = call.kwargs.find((k) => k.name === pattern.kwarg);
  if (!kw) return false;
  if (!pattern.value) return true;
  return pattern.value.test(kw.value) !== pattern.negate;
}

function evidenceAt(module: PyModule, line: number): Evidence {
  const snippet = snippetOf(module.lines[line - 1]);
  if (module.notebook)
    return {
      path: module.path,
      snippet: `cell ${cellOfLine(module as NotebookModule, line)}: ${snippet ?? ""}`,
    };
  return { path: module.path, line, snippet };
}

const PREDICT_CALL = /(^|\.)(predict\w*)$/;

function predicts(m: PyModule): boolean {
  return m.calls.some((c) => PREDICT_CALL.test(c.name));
}

/** The serving modules: those of prediction services, not of a monitoring or tracking app. */
function servingPaths(ctx: EvalContext): Set<string> {
  return new Set(
    ctx.facts.serving
      .filter((s) => s.endpoints.some((e) => e.predicts && (e.kind === "post" || e.kind === "handler")))
      .map((s) => s.path),
  );
}

export function pythonModules(ctx: EvalContext, q: PythonQuery): PyModule[] {
  const where = q.in ?? "code";
  const serving = q.module === "serving" ? servingPaths(ctx) : undefined;
  return ctx.facts.python.filter(
    (m) =>
      (where === "any" || (where === "notebook") === m.notebook) &&
      (!q.automated || ctx.facts.automated.has(m.path)) &&
      (!q.orchestrated || definesOrchestratedWork(m)) &&
      (!q.module || (serving ? serving.has(m.path) : predicts(m))),
  );
}

const wordsCache = new Map<string, string[]>();

/**
 * The whole identifiers a name pattern needs in the code: a resolved name is built only from tokens of the
 * module's own code (imports, bindings, call sites), so a module lacking one of them cannot match. A word
 * touching a `*`, and words inside `{a,b}` alternatives, are not whole identifiers and are left out.
 */
function requiredWords(pattern: string): string[] {
  let words = wordsCache.get(pattern);
  if (!words) {
    const name = pattern.replace(/\(.*$/, "").replace(/\{[^}]*\}/g, "*");
    words = name.split(/[^A-Za-z0-9_*]+/).filter((w) => w && !w.includes("*"));
    wordsCache.set(pattern, words);
  }
  return words;
}

const identifiers = new WeakMap<PyModule, Set<string>>();

function mayContain(m: PyModule, pattern: string): boolean {
  let ids = identifiers.get(m);
  if (!ids) {
    ids = new Set(m.code.match(/[A-Za-z_][A-Za-z0-9_]*/g));
    identifiers.set(m, ids);
  }
  return requiredWords(pattern).every((w) => ids.has(w));
}

const lineIndexes = new WeakMap<PyModule, LineIndex>();

function lineAt(m: PyModule, offset: number): number {
  let index = lineIndexes.get(m);
  if (!index) {
    index = new LineIndex(m.uncommented);
    lineIndexes.set(m, index);
  }
  return index.lineOf(offset);
}

/** The lines of one module that match a query's patterns. */
function matchingLines(m: PyModule, q: PythonQuery): number[] {
  const lines = new Set<number>();
  for (const p of q.call ?? []) {
    if (!mayContain(m, p)) continue;
    const pattern = callPattern(p);
    for (const c of m.calls) if (callMatches(c, pattern)) lines.add(c.line);
  }
  for (const p of q.decorator ?? []) {
    if (!mayContain(m, p)) continue;
    const pattern = callPattern(p);
    for (const d of m.decorators) if (callMatches(d, pattern)) lines.add(d.line);
  }
  for (const p of q.base ?? []) {
    if (!mayContain(m, p)) continue;
    const glob = nameGlob(p);
    for (const c of m.classes) if (c.bases.some((b) => glob.test(b))) lines.add(c.line);
  }
  for (const p of q.import ?? []) {
    if (!mayContain(m, p)) continue;
    const glob = nameGlob(p);
    for (const i of m.imports) if (glob.test(i.module)) lines.add(i.line);
  }
  for (const p of q.text ?? [])
    for (const hit of m.uncommented.matchAll(regex(p, "gm"))) lines.add(lineAt(m, hit.index));
  return [...lines].sort((a, b) => a - b);
}

/**
 * Where `alsoInModule` must hold: the module itself or a local module it imports, so that a schedule and
 * the training it starts belong to one pipeline, not to two unrelated ones.
 */
function companionEvidence(ctx: EvalContext, m: PyModule, also: PythonQuery): Evidence | undefined {
  const companions = [
    m,
    ...m.imports
      .flatMap((i) => ctx.facts.modules.resolveImport(m, i.module))
      .map((p) => ctx.facts.modules.byPath.get(p)!),
  ];
  for (const c of companions) {
    if (!c || (also.orchestrated && !definesOrchestratedWork(c))) continue;
    const line = matchingLines(c, also)[0];
    if (line !== undefined) return evidenceAt(c, line);
  }
  return undefined;
}

export function evalPython(ctx: EvalContext, q: PythonQuery): PredicateResult {
  const evidence: Evidence[] = [];
  for (const m of pythonModules(ctx, q)) {
    const lines = matchingLines(m, q);
    if (!lines.length) continue;
    if (q.alsoInModule) {
      const companion = companionEvidence(ctx, m, q.alsoInModule);
      if (!companion) continue;
      evidence.push(evidenceAt(m, lines[0]), companion);
      continue;
    }
    for (const line of lines.slice(0, 3)) evidence.push(evidenceAt(m, line));
  }
  return found(evidence);
}
