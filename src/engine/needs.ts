import { kindsOf, type FileKind } from "./facts/index.js";
import type { Predicate } from "./model.js";
import { matchAny } from "./paths.js";

/**
 * Which paths a rule reads. A file the audit could not read makes a verdict inconclusive only when the
 * rule would have read that very file: a huge notebook does not cloud a rule about `.gitattributes`.
 */
export type PathTest = (path: string) => boolean;

const byKind =
  (...kinds: FileKind[]): PathTest =>
  (path) =>
    kindsOf(path).some((k) => kinds.includes(k));
const CI_FILES = byKind("yaml", "ci", "shell");

function leafReads(key: string, body: Record<string, unknown>): PathTest {
  switch (key) {
    case "python": {
      const where = (body.in as string | undefined) ?? "code";
      if (where === "any") return byKind("python", "notebook");
      return byKind(where === "notebook" ? "notebook" : "python");
    }
    case "text":
      return (path) =>
        matchAny(path, body.glob as string[]) &&
        !matchAny(path, (body.exclude as string[] | undefined) ?? []);
    case "yaml":
      return body.glob ? (path) => matchAny(path, body.glob as string[]) : byKind("yaml");
    case "tests":
    case "serving":
      return byKind("python");
    case "ci":
    case "ciPipeline":
      return CI_FILES;
    case "compose":
      return (path) => byKind("docker")(path) || (!!body.startedByCi && CI_FILES(path));
    case "dockerfile":
      return byKind("docker", "shell", "python");
    case "terraform":
      return byKind("terraform");
    case "readme":
      return byKind("readme");
    case "dependencies":
      return byKind("manifest");
    case "secrets":
      return byKind("text");
    default:
      return () => false;
  }
}

export interface RuleNeeds {
  reads: PathTest;
  /** The rule holds a `not`, so more input could turn a pass into a fail. */
  negates: boolean;
}

export function needsOf(
  predicates: (Predicate | undefined)[],
  definitions: Record<string, Predicate>,
): RuleNeeds {
  const tests: PathTest[] = [];
  let negates = false;
  const walk = (p: Predicate) => {
    for (const [key, value] of Object.entries(p)) {
      if (key === "use") walk(definitions[value as string]);
      else if (key === "all" || key === "any") (value as Predicate[]).forEach(walk);
      else if (key === "atLeast") (value as { of: Predicate[] }).of.forEach(walk);
      else if (key === "not") {
        negates = true;
        walk(value as Predicate);
      } else if (key !== "rule") tests.push(leafReads(key, value as Record<string, unknown>));
    }
  };
  for (const p of predicates) if (p) walk(p);
  return { reads: (path) => tests.some((t) => t(path)), negates };
}
