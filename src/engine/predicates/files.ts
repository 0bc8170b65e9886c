import { extensionOf, baseName, matchAny } from "../paths.js";
import { asMap, lineOf, type YamlFile } from "../facts/yaml.js";
import type { Evidence, YamlQuery } from "../model.js";
import { snippetOf, stripHashComments, stripSlashComments } from "../text.js";
import { found, type EvalContext, type PatternEngine, type PredicateResult } from "./result.js";

export function evalFiles(ctx: EvalContext, q: { glob: string[]; exclude?: string[] }): PredicateResult {
  const hits = ctx.facts.pathSearch.matching(q.glob, q.exclude);
  return found(hits.slice(0, 5).map((path) => ({ path })));
}

/** Comments removed the way the file's language writes them. */
function uncommented(path: string, text: string): string {
  const ext = extensionOf(path);
  if (["tf", "hcl", "groovy"].includes(ext) || /^Jenkinsfile/.test(baseName(path)))
    return stripHashComments(stripSlashComments(text));
  if (["json", "md", "ipynb"].includes(ext)) return text;
  return stripHashComments(text);
}

/**
 * Whether a pattern that matches some line of `text` is sure to match the whole text read line by line
 * (flag `m`): only a negative lookaround can fail where a line ends and the text goes on.
 */
const wholeTextTestable = (pattern: string) => !/\(\?<?!/.test(pattern);

export function evalText(
  ctx: EvalContext,
  q: { glob: string[]; pattern: string[]; exclude?: string[] },
): PredicateResult {
  const evidence: Evidence[] = [];
  const testWhole = q.pattern.every(wholeTextTestable);
  for (const path of ctx.facts.pathSearch.matching(q.glob, q.exclude)) {
    if (evidence.length >= 5) break;
    const text = ctx.facts.texts.get(path);
    if (text === undefined) continue;
    const code = uncommented(path, text);
    // A file no pattern matches anywhere is not split into lines.
    if (testWhole && !q.pattern.some((p) => ctx.pattern(p, "im").test(code))) continue;
    const lines = code.split("\n");
    const original = text.split("\n");
    for (let i = 0; i < lines.length && evidence.length < 5; i++) {
      if (q.pattern.some((p) => ctx.pattern(p, "i").test(lines[i])))
        evidence.push({ path, line: i + 1, snippet: snippetOf(original[i]) });
    }
  }
  return found(evidence);
}

interface Located {
  value: unknown;
  parent: unknown;
  key: string | number;
}

function valuesAt(root: unknown, segments: string[]): Located[] {
  let current: Located[] = [{ value: root, parent: undefined, key: "" }];
  for (const seg of segments) {
    const next: Located[] = [];
    for (const { value } of current) {
      if (Array.isArray(value)) {
        if (seg === "*") value.forEach((v, i) => next.push({ value: v, parent: value, key: i }));
        else if (/^\d+$/.test(seg) && Number(seg) < value.length)
          next.push({ value: value[Number(seg)], parent: value, key: Number(seg) });
      } else {
        const map = asMap(value);
        if (!map) continue;
        if (seg === "*")
          for (const [k, v] of Object.entries(map)) next.push({ value: v, parent: map, key: k });
        else if (seg in map) next.push({ value: map[seg], parent: map, key: seg });
      }
    }
    current = next;
  }
  return current;
}

function nonEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === "" || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

function kindMatches(doc: unknown, q: YamlQuery, pattern: PatternEngine): boolean {
  if (!q.kind) return true;
  const m = asMap(doc);
  return (
    !!m &&
    typeof m.apiVersion === "string" &&
    q.kind.includes(String(m.kind)) &&
    (!q.apiVersion || pattern(q.apiVersion).test(m.apiVersion))
  );
}

/** Helm templates are not YAML until rendered: read their `kind:` from the text. */
function templatedKind(file: YamlFile, q: YamlQuery): Evidence | undefined {
  if (!q.kind || q.path || !file.error) return undefined;
  if (!file.lines.some((l) => /^apiVersion:\s*\S/.test(l))) return undefined;
  const i = file.lines.findIndex((l) => q.kind!.some((k) => /^kind:/.test(l) && l.slice(5).trim() === k));
  return i === -1 ? undefined : { path: file.path, line: i + 1, snippet: snippetOf(file.lines[i]) };
}

/** Whether a scalar matches the whole of `re` (not a map or a list). */
function scalarMatches(value: unknown, re: string, pattern: PatternEngine): boolean {
  return value !== null && typeof value !== "object" && pattern(`^(?:${re})$`, "is").test(String(value));
}

/** Whether the map holding a hit has each `beside` key with a matching value. */
function besideMatches(parent: unknown, q: YamlQuery, pattern: PatternEngine): boolean {
  if (!q.beside) return true;
  const map = asMap(parent);
  return !!map && Object.entries(q.beside).every(([key, re]) => scalarMatches(map[key], re, pattern));
}

/**
 * A cheap text test that rules a file out before it is parsed: the kind and every key of the path (`keys`)
 * must appear, since a key is written in the file's text (a merge key copies it from an anchor in the same
 * file).
 */
function couldMatch(q: YamlQuery, keys: string[], path: string, text: string): boolean {
  if (q.glob && !matchAny(path, q.glob)) return false;
  if (q.kind && !q.kind.some((k) => text.includes(k))) return false;
  return keys.every((key) => text.includes(key));
}

export function evalYaml(ctx: EvalContext, q: YamlQuery): PredicateResult {
  const evidence: Evidence[] = [];
  const keys = [
    ...(q.path?.split(".").filter((seg) => seg !== "*" && !/^\d+$/.test(seg)) ?? []),
    ...Object.keys(q.beside ?? {}),
  ];
  for (const file of ctx.facts.yaml.where((path, text) => couldMatch(q, keys, path, text))) {
    const templated = templatedKind(file, q);
    if (templated) evidence.push(templated);
    for (const doc of file.docs) {
      if (!kindMatches(doc, q, ctx.pattern)) continue;
      if (!q.path) {
        evidence.push({
          path: file.path,
          line: lineOf(doc) ?? 1,
          snippet: q.kind ? `kind: ${asMap(doc)?.kind}` : undefined,
        });
        continue;
      }
      for (const hit of valuesAt(doc, q.path.split("."))) {
        const ok =
          q.value === undefined ? nonEmpty(hit.value) : scalarMatches(hit.value, q.value, ctx.pattern);
        if (!ok || !besideMatches(hit.parent, q, ctx.pattern)) continue;
        const line = lineOf(hit.parent, hit.key);
        evidence.push({ path: file.path, line, snippet: line ? snippetOf(file.lines[line - 1]) : undefined });
      }
    }
    if (evidence.length >= 5) break;
  }
  return found(evidence.slice(0, 5));
}
