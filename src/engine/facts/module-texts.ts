import { WordIndex } from "../word-index.js";
import type { PyModule } from "./python.js";

/**
 * Every module's words indexed once per audit, to find the modules that mention a word without parsing
 * any of them. The Python predicates ask it before parsing; "declared but never used" searches the same
 * words normalised.
 */
export class ModuleTexts {
  #index?: WordIndex;
  readonly #byWord = new Map<string, Set<PyModule>>();

  constructor(readonly modules: readonly PyModule[]) {}

  index(): WordIndex {
    return (this.#index ??= new WordIndex(this.modules.length, (i) => this.modules[i].source));
  }

  /** The modules whose source holds `word`, in order. */
  holding(word: string): PyModule[] {
    return [...this.#holders(word)];
  }

  /** Whether a module's source holds `word`, answered from the same search as `holding`. */
  holds(module: PyModule, word: string): boolean {
    return this.#holders(word).has(module) || (!this.#indexed(module) && module.source.includes(word));
  }

  #holders(word: string): Set<PyModule> {
    let holders = this.#byWord.get(word);
    if (!holders) {
      holders = new Set(
        this.index()
          .holding(word)
          .map((i) => this.modules[i]),
      );
      this.#byWord.set(word, holders);
    }
    return holders;
  }

  #members?: Set<PyModule>;
  #indexed(module: PyModule): boolean {
    return (this.#members ??= new Set(this.modules)).has(module);
  }
}
