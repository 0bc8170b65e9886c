import { MANY_TEXTS, WordIndex } from "../word-index.js";
import { normalisedName } from "./imported.js";
import type { PyModule } from "./python.js";

/**
 * Every module's words indexed once per audit, to find the modules that mention a word without parsing
 * any of them. The Python predicates ask it before parsing; "declared but never used" searches the same
 * words normalised.
 */
export class ModuleTexts {
  #index?: WordIndex;
  readonly #byNeedle = new Map<string, Set<PyModule>>();
  /** What `WordIndex.mayHold` says of each needle asked about, with the modules as a set once one is wanted. */
  readonly #mayHold = new Map<string, { modules: PyModule[]; exact: boolean; set?: Set<PyModule> }>();

  constructor(readonly modules: readonly PyModule[]) {}

  #expected: readonly string[] = [];

  index(): WordIndex {
    const index = (this.#index ??= new WordIndex(this.modules.length, (i) => this.modules[i].source));
    if (this.#expected.length) index.expect(this.#expected);
    this.#expected = [];
    return index;
  }

  /** Needles that will be asked about (`mayHold`, `holding`): looked up together when the index is first used. */
  expect(needles: readonly string[]): void {
    this.#expected = needles;
  }

  /**
   * The modules whose source holds `needle`, in order; with `identifier`, holds it as a whole identifier
   * (a run of ASCII letters, digits and `_` that no such character extends).
   */
  holding(needle: string, identifier = false): PyModule[] {
    return [...this.#holders(needle, identifier)];
  }

  /**
   * The modules that may hold `needle`: those holding its longest run of word characters, looked up in the
   * index without reading any module. Every module holding the needle is among them.
   */
  mayHold(needle: string): PyModule[] {
    return this.#candidates(needle).modules;
  }

  /**
   * Each spelling in the modules' words of what `pattern` matches, with the modules where a word holds it
   * (`WordIndex.spellings`), in order.
   */
  holdingSpellings(pattern: RegExp): Map<string, PyModule[]> {
    const spellings = this.index().spellings(pattern);
    return new Map([...spellings].map(([spelling, texts]) => [spelling, texts.map((i) => this.modules[i])]));
  }

  /** The modules whose source holds `word` (letters and digits) in any case, in order. */
  holdingAnyCase(word: string): PyModule[] {
    return this.index()
      .holdingNormalised(word.toLowerCase(), normalisedName)
      .map((i) => this.modules[i]);
  }

  /**
   * Whether a module's source holds `needle` (whole, with `identifier`). An identifier is one lookup of the
   * index; other text, unless every module was already searched for it, is looked for in this module alone
   * where the index finds the needle's longest word in it (or, where that word is the needle, not at all).
   */
  holds(module: PyModule, needle: string, identifier = false): boolean {
    const searched = this.#byNeedle.get(keyOf(needle, identifier));
    if (!searched && !identifier) {
      // On a small tree one search of one module costs less than asking the index.
      if (this.modules.length < MANY_TEXTS || !this.#indexed(module)) return module.source.includes(needle);
      const candidates = this.#candidates(needle);
      const set = (candidates.set ??= new Set(candidates.modules));
      return set.has(module) && (candidates.exact || module.source.includes(needle));
    }
    if ((searched ?? this.#holders(needle, identifier)).has(module)) return true;
    if (this.#indexed(module)) return false;
    return identifier ? holdsIdentifier(module.source, needle) : module.source.includes(needle);
  }

  #candidates(needle: string): { modules: PyModule[]; exact: boolean; set?: Set<PyModule> } {
    let found = this.#mayHold.get(needle);
    if (!found) {
      const { texts, exact } = this.index().mayHold(needle);
      found = { modules: texts.map((i) => this.modules[i]), exact };
      this.#mayHold.set(needle, found);
    }
    return found;
  }

  #holders(needle: string, identifier: boolean): Set<PyModule> {
    const key = keyOf(needle, identifier);
    let holders = this.#byNeedle.get(key);
    if (!holders) {
      const index = this.index();
      const found = identifier ? index.holdingIdentifier(needle) : index.holding(needle);
      holders = new Set(found.map((i) => this.modules[i]));
      this.#byNeedle.set(key, holders);
    }
    return holders;
  }

  #members?: Set<PyModule>;
  #indexed(module: PyModule): boolean {
    return (this.#members ??= new Set(this.modules)).has(module);
  }
}

const keyOf = (needle: string, identifier: boolean) => `${identifier ? "identifier" : "text"}:${needle}`;

/** Whether `text` holds `identifier` with no ASCII letter, digit or `_` on either side. */
function holdsIdentifier(text: string, identifier: string): boolean {
  for (let at = text.indexOf(identifier); at !== -1; at = text.indexOf(identifier, at + 1))
    if (!/\w/.test(text[at - 1] ?? "") && !/\w/.test(text[at + identifier.length] ?? "")) return true;
  return false;
}
