import { JoinedText } from "./joined-text.js";
import { HASH_START, hashStep, WordTable } from "./word-table.js";

/**
 * What each UTF-16 code unit is to the index: an identifier character (an ASCII letter, digit or `_`), a
 * word character that no identifier holds (anything past ASCII), or a character between words (the rest).
 */
const BETWEEN = 0;
const IDENTIFIER = 1;
const OTHER_WORD = 2;
const KIND = new Uint8Array(65536).fill(OTHER_WORD);
for (let c = 0; c < 128; c++) KIND[c] = /\w/.test(String.fromCharCode(c)) ? IDENTIFIER : BETWEEN;

const IDENTIFIER_RUN = /^[A-Za-z0-9_]+$/;

/** The longest run of `needle` whose characters `keep`, or "" when none is. */
function longestRun(needle: string, keep: (code: number) => boolean): string {
  let best = "";
  let start = -1;
  for (let i = 0; i <= needle.length; i++) {
    if (i < needle.length && keep(needle.charCodeAt(i))) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start > best.length) best = needle.slice(start, i);
      start = -1;
    }
  }
  return best;
}
const inWord = (code: number) => KIND[code] !== BETWEEN;
/** A character that normalising (lower case, `_` as `-`) keeps inside a word: a letter, digit or non-ASCII. */
const inNormalisedWord = (code: number) => KIND[code] === OTHER_WORD || (KIND[code] === IDENTIFIER && code !== 95);

/**
 * Every distinct word of many texts (every module's source), with the texts holding it: which texts hold a
 * needle is then a search of the words, a few megabytes, instead of the whole text, tens of megabytes, once
 * per needle; and which hold an identifier is one lookup. A word is a run of ASCII letters, digits, `_` and
 * non-ASCII characters. Exact: every occurrence of a needle's longest run of word characters lies inside one
 * word; a needle with more than that run is then confirmed in each candidate text.
 */
export class WordIndex {
  readonly #words: WordTable;
  /** Identifiers that are only part of a word (`mlflow` in `mlflow→`): rare, so kept simply. */
  readonly #partIdentifiers = new Map<string, number[]>();
  #joined?: JoinedText;
  #normalised?: { normalise: (text: string) => string; words: JoinedText };

  constructor(
    private readonly count: number,
    private readonly textOf: (i: number) => string,
  ) {
    let total = 0;
    for (let i = 0; i < count; i++) total += textOf(i).length;
    this.#words = new WordTable(total);
    for (let i = 0; i < count; i++) this.#addWordsOf(textOf(i), i);
  }

  /** A method of its own, called once per text: optimised after a few texts, not replaced mid-loop. */
  #addWordsOf(text: string, i: number): void {
    let start = -1;
    let hash = 0;
    let mixed = false;
    for (let k = 0; k <= text.length; k++) {
      const code = k < text.length ? text.charCodeAt(k) : 32;
      const kind = KIND[code];
      if (kind !== BETWEEN) {
        if (start < 0) {
          start = k;
          hash = HASH_START;
          mixed = false;
        }
        hash = hashStep(hash, code);
        if (kind === OTHER_WORD) mixed = true;
      } else if (start >= 0) {
        this.#words.add(text, start, k, hash, i);
        if (mixed) this.#addPartIdentifiers(text, start, k, i);
        start = -1;
      }
    }
  }

  #addPartIdentifiers(text: string, start: number, end: number, i: number): void {
    for (const identifier of text.slice(start, end).match(/[A-Za-z0-9_]+/g) ?? []) {
      const list = this.#partIdentifiers.get(identifier);
      if (!list) this.#partIdentifiers.set(identifier, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  }

  /**
   * The indexes of the texts holding `identifier` (ASCII letters, digits and `_`) whole: not as part of a
   * longer run of those characters (`mlflow` is not in `mlflow_utils`). Ascending.
   */
  holdingIdentifier(identifier: string): number[] {
    if (!IDENTIFIER_RUN.test(identifier)) throw new Error(`not an identifier: ${identifier}`);
    const whole = this.#words.textsOf(identifier);
    const parts = this.#partIdentifiers.get(identifier);
    return parts ? [...new Set([...whole, ...parts])].sort((a, b) => a - b) : whole;
  }

  /** The indexes of the texts holding `needle`, ascending. */
  holding(needle: string): number[] {
    const key = longestRun(needle, inWord);
    if (!key) return this.#every((i) => this.textOf(i).includes(needle));
    const candidates = this.#textsOfWords(this.#joinedWords().holding(key));
    return key === needle ? candidates : candidates.filter((i) => this.textOf(i).includes(needle));
  }

  /**
   * The indexes of the texts that hold `needle` once `normalise` (a lower-casing that may also write `_`
   * as `-`, and maps no other ASCII character between words to a word character) is applied to them,
   * ascending. An ASCII key is looked up in the normalised words; a needle whose longest run of letters and
   * digits is not ASCII (a few characters lower-case by context, the final sigma) is tried in every text.
   */
  holdingNormalised(needle: string, normalise: (text: string) => string): number[] {
    const holds = (i: number) => normalise(this.textOf(i)).includes(needle);
    const key = longestRun(needle, inNormalisedWord);
    if (!key || !IDENTIFIER_RUN.test(key)) return this.#every(holds);
    if (this.#normalised?.normalise !== normalise)
      this.#normalised = { normalise, words: this.#joinedWords().normalised(normalise) };
    const candidates = this.#textsOfWords(this.#normalised.words.holding(key));
    return key === needle ? candidates : candidates.filter(holds);
  }

  #joinedWords(): JoinedText {
    if (!this.#joined) {
      const { text, starts } = this.#words.joined();
      this.#joined = JoinedText.joined(text, starts);
    }
    return this.#joined;
  }

  #textsOfWords(words: Iterable<number>): number[] {
    const found = new Uint8Array(this.count);
    const mark = (i: number) => (found[i] = 1);
    for (const w of words) this.#words.markTexts(w, mark);
    return this.#every((i) => found[i] === 1);
  }

  #every(holds: (i: number) => boolean): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) if (holds(i)) out.push(i);
    return out;
  }
}
