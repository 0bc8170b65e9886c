import { baseName } from "../paths.js";
import type { PyModule } from "./python.js";

export function isTestFileName(path: string): boolean {
  const base = baseName(path);
  return (
    path.endsWith(".py") &&
    (/^test_.*\.py$/.test(base) || /_tests?\.py$/.test(base) || /(^|\/)tests?\//.test(path))
  );
}

/** What a test file's text holds for either kind of test below: a module without it is not parsed. */
const MAY_TEST = /\bdef\s+test_|TestCase/;

/** Test files with at least one test: a `def test_…` or a `unittest.TestCase` subclass. */
export function testEvidence(module: PyModule): { line: number; what: string } | null {
  if (module.notebook || !isTestFileName(module.path) || !MAY_TEST.test(module.source)) return null;
  const fn = module.functions.find((f) => f.name.startsWith("test"));
  if (fn && fn.name.startsWith("test_")) return { line: fn.line, what: `def ${fn.name}` };
  const cls = module.classes.find((c) =>
    c.bases.some((b) => /(^|\.)TestCase$/.test(b) && (b.startsWith("unittest") || b === "TestCase")),
  );
  return cls ? { line: cls.line, what: `class ${cls.name}(TestCase)` } : null;
}
