import { JoinedText } from "../joined-text.js";
import type { PyModule } from "./python.js";

/**
 * Every module's source joined once per audit, to find the modules that mention a word without parsing
 * any of them. The Python predicates ask it before parsing; "declared but never used" searches a
 * normalised copy made from the same join.
 */
export class ModuleTexts {
  #joined?: JoinedText;
  readonly #byWord = new Map<string, PyModule[]>();

  constructor(readonly modules: readonly PyModule[]) {}

  joined(): JoinedText {
    return (this.#joined ??= JoinedText.of(this.modules.map((m) => m.source)));
  }

  /** The modules whose source holds `word`, in order. */
  holding(word: string): PyModule[] {
    let list = this.#byWord.get(word);
    if (!list) {
      list = [...this.joined().holding(word)].map((i) => this.modules[i]);
      this.#byWord.set(word, list);
    }
    return list;
  }
}
