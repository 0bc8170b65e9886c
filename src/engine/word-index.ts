import { JoinedText } from "./joined-text.js";

/** ASCII characters between words: all but letters, digits, `_` and `-`. Other characters stay in words. */
const BETWEEN_WORDS = /[^\w\-\u0080-\uffff]+/;
const ASCII_WORD = /^[\w-]+$/;

/**
 * Every distinct word of many texts (every module's source), with the texts holding it: which texts hold a
 * needle is then a search of the words, a few megabytes, instead of the whole text, tens of megabytes, once
 * per needle. Exact: a needle is found in the words by its longest run of word characters, and every
 * occurrence of that run lies inside one word; a needle with more than that run is then confirmed in each
 * candidate text.
 */
export class WordIndex {
  /** The texts holding word `w`: `#texts[#starts[w]]` up to `#texts[#starts[w + 1]]`, ascending (packed). */
  readonly #starts: Int32Array;
  readonly #texts: Int32Array;
  readonly #words: JoinedText;
  #normalised?: { normalise: (text: string) => string; words: JoinedText };

  constructor(
    private readonly count: number,
    private readonly textOf: (i: number) => string,
  ) {
    const byWord = new Map<string, number[]>();
    for (let i = 0; i < count; i++)
      for (const word of textOf(i).split(BETWEEN_WORDS)) {
        const list = byWord.get(word);
        if (!list) byWord.set(word, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    this.#words = JoinedText.of([...byWord.keys()]);
    // Packed into two typed arrays: a list per word costs several times the memory of the numbers in it.
    this.#starts = new Int32Array(byWord.size + 1);
    let total = 0;
    let w = 0;
    for (const list of byWord.values()) this.#starts[++w] = total += list.length;
    this.#texts = new Int32Array(total);
    w = 0;
    for (const list of byWord.values()) this.#texts.set(list, this.#starts[w++]);
  }

  /** The indexes of the texts holding `needle`, ascending. */
  holding(needle: string): number[] {
    return this.#search(needle, this.#words, (i) => this.textOf(i).includes(needle));
  }

  /**
   * The indexes of the texts that hold `needle` once `normalise` (a lower-casing that maps no ASCII
   * character between words to a word character) is applied to them, ascending.
   */
  holdingNormalised(needle: string, normalise: (text: string) => string): number[] {
    if (this.#normalised?.normalise !== normalise)
      this.#normalised = { normalise, words: this.#words.normalised(normalise) };
    return this.#search(needle, this.#normalised.words, (i) => normalise(this.textOf(i)).includes(needle));
  }

  #search(needle: string, words: JoinedText, holds: (i: number) => boolean): number[] {
    const key = needle.split(BETWEEN_WORDS).reduce((a, b) => (b.length > a.length ? b : a), "");
    // Without an ASCII run to look up (a lone `(`, or a normalised non-ASCII word), every text is tried.
    if (!ASCII_WORD.test(key)) return Array.from({ length: this.count }, (_, i) => i).filter(holds);
    const found = new Set<number>();
    for (const w of words.holding(key))
      for (let k = this.#starts[w]; k < this.#starts[w + 1]; k++) found.add(this.#texts[k]);
    const candidates = [...found].sort((a, b) => a - b);
    return key === needle ? candidates : candidates.filter(holds);
  }
}
