import type { PyModule, PyCall } from "../facts/python.js";
import type { ModuleTexts } from "../facts/module-texts.js";
import { cellOfLine, type NotebookModule } from "../facts/notebook.js";
import { definesOrchestratedWork, type Automation } from "../facts/automation.js";
import { functionAt } from "../facts/serving.js";
import type { Evidence, PythonQuery } from "../model.js";
import { LineIndex, snippetOf } from "../text.js";
import { alternativesOf, requiredLiterals } from "./literals.js";
import { PREDICTION_CALLS, predictionWriteLines } from "./prediction-writes.js";
import { found, nameGlob, type EvalContext, type PatternEngine, type PredicateResult } from "./result.js";

/** A call pattern: `name`, `name(kwarg)`, `name(kwarg=regex)` or `name(kwarg!=regex)`. */
interface CallPattern {
  name: RegExp;
  kwarg?: string;
  /** The pattern a keyword argument's source text must match, anchored at both ends. */
  value?: string;
  negate?: boolean;
}

const patternCache = new Map<string, CallPattern>();
/** `name(kwarg)`, `name(kwarg=regex)`, `name(kwarg!=regex)`: the parts of a call pattern. */
export const KWARG_PATTERN = /^(.+?)\((\w+)(?:(!?=)(.*))?\)$/;

function callPattern(text: string): CallPattern {
  let p = patternCache.get(text);
  if (!p) {
    const m = text.match(KWARG_PATTERN);
    p = m
      ? {
          name: nameGlob(m[1]),
          kwarg: m[2],
          value: m[4] === undefined ? undefined : `^(?:${m[4]})$`,
          negate: m[3] === "!=",
        }
      : { name: nameGlob(text) };
    patternCache.set(text, p);
  }
  return p;
}

/**
 * `reexported` rewrites a name imported through a local module that re-exports it (`from orchestration.common
 * import DAG`) to the package's own, so the call is matched as what it is.
 */
function callMatches(
  call: PyCall,
  pattern: CallPattern,
  engine: PatternEngine,
  reexported?: (name: string) => string,
): boolean {
  if (!pattern.name.test(call.name) && !(reexported && pattern.name.test(reexported(call.name))))
    return false;
  if (!pattern.kwarg) return true;
  const kw = call.kwargs.find((k) => k.name === pattern.kwarg);
  if (!kw) return false;
  if (pattern.value === undefined) return true;
  return engine(pattern.value, "s").test(kw.value) !== pattern.negate;
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
  return m.source.includes("predict") && m.calls.some((c) => PREDICT_CALL.test(c.name));
}

/** The serving modules: those of prediction services, not of a monitoring or tracking app. */
function servingPaths(ctx: EvalContext): Set<string> {
  return new Set(
    ctx.facts.serving
      .filter((s) => s.endpoints.some((e) => e.predicts && (e.kind === "post" || e.kind === "handler")))
      .map((s) => s.path),
  );
}

/**
 * The modules a query looks at, in path order, tested one at a time: a query that has found its evidence stops
 * early, and the modules after it are never parsed.
 */
export function* pythonModules(ctx: EvalContext, q: PythonQuery): Generator<PyModule> {
  const where = q.in ?? "code";
  const serving = q.module === "serving" ? servingPaths(ctx) : undefined;
  const candidates = candidateModules(ctx.facts.moduleTexts, q);
  for (const m of candidates ? inModuleOrder(ctx.facts.python, candidates) : ctx.facts.python) {
    if (where !== "any" && (where === "notebook") !== m.notebook) continue;
    if (q.automated && !ctx.facts.automated.has(m.path)) continue;
    if (q.ranBy && !ranBy(ctx.facts.automated.get(m.path), q.ranBy)) continue;
    if (q.orchestrated && !definesOrchestratedWork(m, ctx.facts.modules)) continue;
    if (q.module && !(serving ? serving.has(m.path) : predicts(m))) continue;
    yield m;
  }
}

const positions = new WeakMap<readonly PyModule[], Map<PyModule, number>>();

/** `some` of the modules, in the order of `all`: a query tries its few candidates, not every module. */
function inModuleOrder(all: readonly PyModule[], some: ReadonlySet<PyModule>): PyModule[] {
  let at = positions.get(all);
  if (!at) positions.set(all, (at = new Map(all.map((m, i) => [m, i]))));
  const index = at;
  return [...some].sort((a, b) => index.get(a)! - index.get(b)!);
}

/** Text a module must hold to match: `identifier`, a whole identifier; otherwise any text. */
interface Piece {
  text: string;
  identifier: boolean;
}

const requiredCache = new Map<string, Piece[]>();

/**
 * What a name pattern needs in the code. A resolved name is built only from identifiers of the module's own
 * code (imports, bindings, call sites), each a whole run of ASCII letters, digits and `_` there, so a word of
 * the pattern that a literal character or an end bounds on both sides must be a whole identifier of the
 * module. A word touching a `*` is only part of an identifier, and words inside `{a,b}` are not required.
 */
function required(pattern: string, isCall: boolean): Piece[] {
  const key = `${isCall}:${pattern}`;
  let pieces = requiredCache.get(key);
  if (!pieces) {
    const call = isCall ? pattern.match(KWARG_PATTERN) : null;
    const name = (call?.[1] ?? pattern).replace(/\{[^}]*\}/g, "*");
    const tokens = name.split(/[^A-Za-z0-9_*]+/).filter(Boolean);
    pieces = [
      ...tokens.filter((w) => !w.includes("*")).map((text) => ({ text, identifier: true })),
      // A keyword argument's name is read from the call's own text: `serve(cron)` needs `cron` written.
      ...(call ? [{ text: call[2], identifier: true }] : []),
      ...tokens
        .flatMap((w) => (w.includes("*") ? w.split("*").filter(Boolean) : []))
        .map((text) => ({ text, identifier: false })),
    ];
    requiredCache.set(key, pieces);
  }
  return pieces;
}

const holdsAll = (texts: ModuleTexts, m: PyModule, pieces: Piece[]) =>
  pieces.every((p) => texts.holds(m, p.text, p.identifier));

/**
 * Whether a module's text holds everything a pattern needs; a resolved name is built from that text.
 * `isCall`: a call or decorator pattern, whose `name(kwarg)` needs the keyword too.
 */
function mayContain(texts: ModuleTexts, m: PyModule, pattern: string, isCall: boolean): boolean {
  return holdsAll(texts, m, required(pattern, isCall));
}

const FEW_MODULES = 32;

/**
 * The modules whose text holds every one of `pieces`, tried among those the index finds for all of them: an
 * identifier is one lookup, and text is looked up by its longest word, longest first, while the modules left
 * are many. A piece the index finds in no module ends the search: most patterns name a package the
 * repository never mentions, and their other words need no search of their own.
 */
function modulesHoldingAll(texts: ModuleTexts, pieces: Piece[]): PyModule[] {
  let left: Set<PyModule> | undefined;
  const order = (p: Piece) => (p.identifier ? Infinity : p.text.length);
  for (const piece of [...pieces].sort((a, b) => order(b) - order(a))) {
    if (!piece.identifier && left && left.size <= FEW_MODULES) break;
    const holders = piece.identifier ? texts.holding(piece.text, true) : texts.mayHold(piece.text);
    const kept: ReadonlySet<PyModule> | undefined = left;
    left = new Set(kept ? holders.filter((m) => kept.has(m)) : holders);
    if (!left.size) return [];
  }
  return [...(left ?? [])].filter((m) => holdsAll(texts, m, pieces));
}

const pieceGroups = new WeakMap<PythonQuery, Piece[][]>();

/**
 * What a query's candidates are looked up by: the pieces each name pattern needs, and the literals of each
 * alternative of each text pattern. A module that could match holds every piece of one group; a group of
 * none needs nothing. Worked out once per query.
 */
function pieceGroupsOf(q: PythonQuery): Piece[][] {
  let groups = pieceGroups.get(q);
  if (!groups) {
    groups = [
      ...[...(q.call ?? []), ...(q.decorator ?? [])].map((p) => required(p, true)),
      ...[...(q.base ?? []), ...(q.import ?? [])].map((p) => required(p, false)),
      ...(q.text ?? [])
        .flatMap(alternativesOf)
        .map((a) => requiredLiterals(a).map((text) => ({ text, identifier: false }))),
    ];
    pieceGroups.set(q, groups);
  }
  return groups;
}

/** The text (not identifiers) a query's candidates are looked up by: what `candidateModules` will ask. */
export function textNeedlesOf(q: PythonQuery): string[] {
  return pieceGroupsOf(q)
    .flat()
    .filter((piece) => !piece.identifier)
    .map((piece) => piece.text)
    .concat(q.savesPredictions ? PREDICTION_CALLS : [], q.alsoInModule ? textNeedlesOf(q.alsoInModule) : []);
}

/**
 * The modules that could match a query: for each name pattern, those holding its rarest required word and
 * then all the others; for each text pattern, those holding its literal text. A query then neither parses
 * nor tries the thousands of modules that lack its names. Undefined when some pattern requires nothing.
 */
function candidateModules(texts: ModuleTexts, q: PythonQuery): Set<PyModule> | undefined {
  const out = new Set<PyModule>();
  if (q.savesPredictions)
    for (const call of PREDICTION_CALLS) for (const m of texts.mayHold(call)) out.add(m);
  for (const pieces of pieceGroupsOf(q)) {
    if (!pieces.length) return undefined;
    for (const m of modulesHoldingAll(texts, pieces)) out.add(m);
  }
  return out;
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
function matchingLines(m: PyModule, q: PythonQuery, ctx: EvalContext): number[] {
  const { pattern: engine, facts } = ctx;
  const texts = facts.moduleTexts;
  const lines = new Set<number>();
  const modules = facts.modules;
  const reexported = (name: string) => modules.reexported(name);
  for (const p of q.call ?? []) {
    if (!mayContain(texts, m, p, true)) continue;
    const pattern = callPattern(p);
    for (const c of m.calls) if (callMatches(c, pattern, engine, reexported)) lines.add(c.line);
  }
  for (const p of q.decorator ?? []) {
    if (!mayContain(texts, m, p, true)) continue;
    const pattern = callPattern(p);
    for (const d of m.decorators) if (callMatches(d, pattern, engine, reexported)) lines.add(d.line);
  }
  for (const p of q.base ?? []) {
    if (!mayContain(texts, m, p, false)) continue;
    const glob = nameGlob(p);
    for (const c of m.classes) if (c.bases.some((b) => glob.test(b))) lines.add(c.line);
  }
  for (const p of q.import ?? []) {
    if (!mayContain(texts, m, p, false)) continue;
    const glob = nameGlob(p);
    for (const i of m.imports) if (glob.test(i.module)) lines.add(i.line);
  }
  for (const p of q.text ?? [])
    for (const offset of engine(p, "m").offsets(m.uncommented)) lines.add(lineAt(m, offset));
  if (q.savesPredictions) for (const line of predictionWriteLines(ctx, m)) lines.add(line);
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
    ...commandedBy(ctx, m),
  ];
  for (const c of companions) {
    if (!c || (also.orchestrated && !definesOrchestratedWork(c, ctx.facts.modules))) continue;
    const line = matchingLines(c, also, ctx)[0];
    if (line !== undefined) return evidenceAt(c, line);
  }
  return undefined;
}

export function evalPython(ctx: EvalContext, q: PythonQuery): PredicateResult {
  const evidence: Evidence[] = [];
  for (const m of pythonModules(ctx, q)) {
    const automation = q.automated || q.ranBy ? ctx.facts.automated.get(m.path) : undefined;
    const lines = matchingLines(m, q, ctx).filter(
      (line) =>
        !automation ||
        (automation.servedBy
          ? onRequestPath(ctx, automation.servedBy, m, line)
          : !onlyOnDemand(ctx, m, line)),
    );
    if (!lines.length) continue;
    // An automation-dependent match names what runs it, so the claim can be checked.
    if (automation) {
      const code = evidenceAt(m, lines[0]);
      const runner = automationEvidence(automation);
      const where = `${runner.path}${runner.line ? `:${runner.line}` : ""}`;
      // Code that a workflow runs stands or falls with that workflow's runs.
      const workflow = automation.runner.workflow ? { workflow: automation.runner.workflow } : {};
      evidence.push({ ...code, snippet: `${code.snippet ?? ""} (run by ${where})`, ...workflow }, runner);
      if (evidence.length >= 5) break;
      continue;
    }
    if (q.alsoInModule) {
      const companion = companionEvidence(ctx, m, q.alsoInModule);
      if (!companion) continue;
      evidence.push(evidenceAt(m, lines[0]), companion);
    } else for (const line of lines.slice(0, 3)) evidence.push(evidenceAt(m, line));
    // A finding shows five pieces of evidence at most; the rest of a large tree cannot change the verdict.
    if (evidence.length >= 5) break;
  }
  return found(evidence.slice(0, 5));
}

function automationEvidence(a: Automation): Evidence {
  const chain = a.chain.length > 1 ? ` → ${a.chain.slice(1).join(" → ")}` : "";
  return {
    path: a.runner.path,
    line: a.runner.line,
    snippet: snippetOf(`${a.runner.snippet}${chain}`),
    ...(a.runner.workflow ? { workflow: a.runner.workflow } : {}),
  };
}

/**
 * Whether code at `line` of `m` runs when a prediction is asked of the service in `servingPath`: inside a
 * predicting route's body, inside a function that body calls, or (outside any function) bound to a name
 * that body uses. A report behind a GET endpoint runs only when someone asks for it.
 */
function onRequestPath(ctx: EvalContext, servingPath: string, m: PyModule, line: number): boolean {
  const serving = ctx.facts.serving.find((s) => s.path === servingPath);
  const app = ctx.facts.modules.byPath.get(servingPath);
  if (!serving || !app) return false;
  const bodies = serving.endpoints
    .filter((e) => e.predicts && (e.kind === "post" || e.kind === "handler"))
    .map((e) => functionAt(app, e.line))
    .filter((f): f is NonNullable<typeof f> => !!f);
  const inside = (f: { line: number; endLine: number }, l: number) => l >= f.line && l <= f.endLine;
  const called = new Set(
    app.calls.filter((c) => bodies.some((b) => inside(b, c.line))).map((c) => c.name.split(".").pop()!),
  );
  const enclosing = m.functions.filter((f) => inside(f, line)).at(-1);
  if (m.path === servingPath) {
    if (bodies.some((b) => inside(b, line))) return true;
    if (enclosing)
      return (
        called.has(enclosing.name) || m.functions.some((f) => inside(f, enclosing.line) && called.has(f.name))
      );
    const bound = m.lines[line - 1]?.match(/^\s*(\w+)\s*=/)?.[1];
    return (
      !!bound &&
      bodies.some((b) => new RegExp(`\\b${bound}\\b`).test(m.lines.slice(b.line, b.endLine).join("\n")))
    );
  }
  // An imported module serves the request path through the functions the routes call.
  if (!m.functions.some((f) => called.has(f.name))) return false;
  return !enclosing || m.functions.some((f) => (inside(f, line) || f === enclosing) && called.has(f.name));
}

/**
 * Code a started server runs only when someone opens a `GET` page: inside a `GET` route's body, or in a
 * function of the module that only such bodies call. Starting the server does not run it.
 */
function onlyOnDemand(ctx: EvalContext, m: PyModule, line: number): boolean {
  const routes = ctx.facts.serving.find((s) => s.path === m.path)?.endpoints.filter((e) => e.kind === "get");
  if (!routes?.length) return false;
  const inside = (f: { line: number; endLine: number }, l: number) => l >= f.line && l <= f.endLine;
  const bodies = routes.map((e) => functionAt(m, e.line)).filter((f): f is NonNullable<typeof f> => !!f);
  if (bodies.some((b) => inside(b, line))) return true;
  const enclosing = m.functions.filter((f) => inside(f, line)).at(-1);
  if (!enclosing) return false;
  const callers = m.calls.filter(
    (c) => c.name.split(".").pop() === enclosing.name && !inside(enclosing, c.line),
  );
  return callers.length > 0 && callers.every((c) => bodies.some((b) => inside(b, c.line)));
}

/** A scheduled CI step is a CI step too; code reached three imports or more from its runner is not counted. */
function ranBy(a: Automation | undefined, kinds: NonNullable<PythonQuery["ranBy"]>): boolean {
  if (!a || a.chain.length > 2) return false;
  return kinds.includes(a.kind) || (a.kind === "scheduled-ci" && kinds.includes("ci"));
}

/** The modules an orchestrated module runs by command (`BashOperator(bash_command="python -m src.retrain")`). */
function commandedBy(ctx: EvalContext, m: PyModule): PyModule[] {
  if (!definesOrchestratedWork(m, ctx.facts.modules)) return [];
  const out: PyModule[] = [];
  for (const [path, a] of ctx.facts.automated)
    if (a.kind === "orchestrator" && a.runner.path === m.path && a.chain.length === 1 && path !== m.path) {
      const module = ctx.facts.modules.byPath.get(path);
      if (module) out.push(module);
    }
  // A DAG that triggers another (`TriggerDagRunOperator(trigger_dag_id="train")`) runs that DAG's tasks.
  for (const c of m.calls) {
    const id = c.kwargs.find((k) => k.name === "trigger_dag_id")?.value.match(/^["']([\w.-]+)["']$/)?.[1];
    if (!id) continue;
    const defines = new RegExp(`(dag_id\\s*=\\s*|DAG\\(\\s*)["']${id.replace(/\./g, "\\.")}["']`);
    for (const other of ctx.facts.modules.byPath.values())
      if (other !== m && other.source.includes(id) && defines.test(other.source)) out.push(other);
  }
  return out;
}
