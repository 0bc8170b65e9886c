import type { NeedleAutomaton } from "./needle-automaton.js";
import { lastAtOrBefore } from "./text.js";

/** Stands between words, so a pattern can say where a word starts or ends: no word holds it. */
export const BOUNDARY = "\0";

/**
 * The distinct words of many texts in one string, each between two NULs (`\0fit\0rerun\0`): which words
 * hold a piece of a needle is a few native searches, and a NUL in the pattern pins the piece to a word's
 * start (`\0fit`), its end (`run\0`) or both.
 */
export class WordList {
  private constructor(
    private readonly text: string,
    /** Where each word starts in `text`, just after its NUL. */
    private readonly starts: Int32Array,
    /** The id of the first word; the words after it have the ids after it. */
    private readonly firstId: number,
  ) {}

  /** A string as `WordTable.joined` gives it: the words with a NUL before and after each. */
  static of({ text, starts, firstId }: { text: string; starts: Int32Array; firstId: number }): WordList {
    return new WordList(text, starts, firstId);
  }

  /** The ids of the words that hold `pattern` (with its NULs, where it has them), each once. */
  *holding(pattern: string): Generator<number> {
    const lead = pattern.startsWith(BOUNDARY) ? 1 : 0;
    let at = this.text.indexOf(pattern);
    while (at !== -1) {
      const word = lastAtOrBefore(this.starts, at + lead);
      yield this.firstId + word;
      // The next word starts just after its NUL; a pattern that starts with a NUL is looked for from it.
      const next = this.starts[word + 1];
      if (next === undefined) return;
      at = this.text.indexOf(pattern, next - 1);
    }
  }

  /** Calls `each` with every needle of `automaton` found in the words, and where it starts. */
  eachIn(automaton: NeedleAutomaton, each: (needle: number, at: number) => void): void {
    automaton.eachIn(this.text, each);
  }

  /** Calls `each` with every match of `pattern` (global) in the words, and the id of the word it is in. */
  eachMatchOf(pattern: RegExp, each: (match: string, word: number) => void): void {
    for (const m of this.text.matchAll(pattern)) each(m[0], this.wordAt(m.index));
  }

  /** The id of the word at `at` (a NUL before a word counts as the word's). */
  wordAt(at: number): number {
    return this.firstId + lastAtOrBefore(this.starts, at);
  }

  /**
   * The same words after `normalise` (lower-casing, say), applied to all the words at once; where that
   * changes the length (a few characters lower-case to two), to batches of words, and where it changes a
   * batch's length, to each word of that batch, so every start stays exact.
   */
  normalised(normalise: (text: string) => string): WordList {
    const whole = normalise(this.text);
    if (whole.length === this.text.length) return new WordList(whole, this.starts, this.firstId);
    const BATCH = 4096;
    const pieces: string[] = [BOUNDARY];
    const starts: number[] = [];
    let length = 1;
    for (let first = 0; first < this.starts.length; first += BATCH) {
      const last = Math.min(this.starts.length, first + BATCH);
      const from = this.starts[first];
      const to = last < this.starts.length ? this.starts[last] : this.text.length;
      const batch = normalise(this.text.slice(from, to));
      if (batch.length === to - from) {
        for (let w = first; w < last; w++) starts.push(length + this.starts[w] - from);
        pieces.push(batch);
        length += batch.length;
        continue;
      }
      for (let w = first; w < last; w++) {
        const end = (w + 1 < this.starts.length ? this.starts[w + 1] : this.text.length) - 1;
        const word = normalise(this.text.slice(this.starts[w], end));
        starts.push(length);
        pieces.push(word, BOUNDARY);
        length += word.length + 1;
      }
    }
    return new WordList(pieces.join(""), Int32Array.from(starts), this.firstId);
  }
}
