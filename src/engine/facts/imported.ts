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
 * Whether any code or notebook imports a package, answered per name when first asked. Only the modules
 * whose text mentions the name are parsed: an import is written in the module's own text.
 */
export class ImportedNames {
  readonly #answers = new Map<string, boolean>();

  constructor(private readonly texts: ModuleTexts) {}

  /** `name` is normalised with `normalisedName`. */
  has(name: string): boolean {
    let answer = this.#answers.get(name);
    if (answer === undefined) {
      answer = false;
      for (const i of this.texts.index().holdingNormalised(name, normalisedName)) {
        if (importsPackage(this.texts.modules[i], name)) {
          answer = true;
          break;
        }
      }
      this.#answers.set(name, answer);
    }
    return answer;
  }
}
