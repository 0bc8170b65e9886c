import type { ModuleTexts } from "./module-texts.js";
import type { PyModule } from "./python.js";

/** A top-level package name as "declared but never used" compares them: lower case, `_` written `-`. */
export function normalisedName(name: string): string {
  return name.toLowerCase().replace(/_/g, "-");
}

/** Whether a module imports the package `name` (normalised) by its top-level name, not relatively. */
function importsPackage(module: PyModule, name: string): boolean {
  return module.imports.some(
    (imp) => !imp.module.startsWith(".") && normalisedName(imp.module.split(".")[0]) === name,
  );
}

/**
 * A pattern that every module importing the package `name` (normalised) matches: the name, in any case and
 * with `_` or `-` between its parts, right after `import`, `from` or a comma (`import os, mlflow`) and blanks
 * or line continuations. The Kelvin sign lower-cases to `k`, so it stands for one. A module that names the
 * package only in prose (`# pylint: disable=…`, "black" in a docstring) is ruled out without being parsed.
 */
function importPattern(name: string): RegExp {
  const chars = [...name].map((c) => {
    if (c === "-") return "[-_]";
    if (/[a-z]/.test(c)) return `[${c}${c.toUpperCase()}${c === "k" ? "\u212a" : ""}]`;
    return c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp(String.raw`(?:import|from|,)(?:\s|\\\n)*${chars.join("")}(?![A-Za-z0-9_-])`);
}

/**
 * Whether any code or notebook imports a package, answered per name when first asked. Only the modules
 * whose text mentions the name are parsed: an import is written in the module's own text.
 */
export class ImportedNames {
  readonly #answers = new Map<string, boolean>();

  #expected: readonly string[] = [];

  constructor(private readonly texts: ModuleTexts) {}

  /** Names that will be asked about (normalised): looked up together when the first of them is asked. */
  expect(names: readonly string[]): void {
    this.#expected = names;
  }

  /** `name` is normalised with `normalisedName`. */
  has(name: string): boolean {
    let answer = this.#answers.get(name);
    if (answer === undefined) {
      if (this.#expected.length) this.texts.index().expectNormalised(this.#expected, normalisedName);
      this.#expected = [];
      answer = false;
      const pattern = importPattern(name);
      // The import pattern is stricter than the name's text: the index's candidates need no other check.
      for (const i of this.texts.index().mayHoldNormalised(name, normalisedName).texts) {
        const module = this.texts.modules[i];
        if (pattern.test(module.source) && importsPackage(module, name)) {
          answer = true;
          break;
        }
      }
      this.#answers.set(name, answer);
    }
    return answer;
  }
}
