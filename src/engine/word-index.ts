import { NeedleAutomaton } from "./needle-automaton.js";
import { BOUNDARY, WordList } from "./word-list.js";
import { WORD_BYTE, WordTable } from "./word-table.js";

/**
 * What each UTF-16 code unit of a needle is to the index, by the rule of `WORD_BYTE`: an identifier
 * character (an ASCII letter, digit or `_`), a word character that no identifier holds (anything past
 * ASCII), or a character between words (the rest).
 */
const BETWEEN = 0;
const IDENTIFIER = 1;
const OTHER_WORD = 2;
const KIND = new Uint8Array(65536).fill(OTHER_WORD);
for (let c = 0; c < 128; c++) KIND[c] = WORD_BYTE[c] ? IDENTIFIER : BETWEEN;

const IDENTIFIER_RUN = /^[A-Za-z0-9_]+$/;
const SURROGATE_OR_REPLACEMENT = /[\uD800-\uDFFF\uFFFD]/;
const ENCODER = new TextEncoder();

/**
 * The longest run of `needle` whose characters `keep` ("" when none is), as a pattern for `WordList`: with a
 * NUL before it where a character of the needle precedes it that `bounds` (so a word of the text starts
 * there), and after it likewise. The pattern of `x.fit(` is `"\0fit\0"`.
 */
function keyOf(
  needle: string,
  keep: (code: number) => boolean,
  bounds: (code: number) => boolean,
): { key: string; pattern: string } {
  let best = { from: 0, to: 0 };
  let start = -1;
  for (let i = 0; i <= needle.length; i++) {
    if (i < needle.length && keep(needle.charCodeAt(i))) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start > best.to - best.from) best = { from: start, to: i };
      start = -1;
    }
  }
  const key = needle.slice(best.from, best.to);
  if (!key) return { key, pattern: key };
  const before = best.from > 0 && bounds(needle.charCodeAt(best.from - 1)) ? BOUNDARY : "";
  const after = best.to < needle.length && bounds(needle.charCodeAt(best.to)) ? BOUNDARY : "";
  return { key, pattern: before + key + after };
}
const inWord = (code: number) => KIND[code] !== BETWEEN;
const betweenWords = (code: number) => KIND[code] === BETWEEN;
/** The words of `lists` holding each of `patterns` (as `WordList.holding` finds them), in one pass. */
function searchAll(lists: readonly WordList[], patterns: ReadonlySet<string>): Map<string, number[]> {
  const found = new Map([...patterns].map((p) => [p, [] as number[]]));
  const all = [...patterns];
  const words = all.map((p) => found.get(p)!);
  // A pattern that starts with a NUL is the word's after it.
  const lead = all.map((p) => (p.startsWith(BOUNDARY) ? 1 : 0));
  const automaton = new NeedleAutomaton(all);
  for (const list of lists) list.eachIn(automaton, (p, at) => words[p].push(list.wordAt(at + lead[p])));
  return found;
}

/**
 * From this many texts (modules) a tree is large enough for the index to pay for itself where it is optional:
 * needles expected are looked up in one batch, and the secrets scan asks which files could hold a secret.
 * Below it the words are few and each search cheap, and a batch's own cost (an automaton of a few hundred
 * needles, run over every word) would dominate.
 */
export const MANY_TEXTS = 200;

/** A character that normalising (lower case, `_` as `-`) keeps inside a word: a letter, digit or non-ASCII. */
const inNormalisedWord = (code: number) =>
  KIND[code] === OTHER_WORD || (KIND[code] === IDENTIFIER && code !== 95);
/** Once normalised, a `-` may have been a `_` inside a word; any other character between words bounds one. */
const boundsNormalisedWord = (code: number) => KIND[code] === BETWEEN && code !== 45;

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
  #lists?: WordList[];
  /** The texts found for each word pattern: different needles often need the same word (`.add(`, `add(`). */
  readonly #byPattern = new Map<string, number[]>();
  #normalised?: { normalise: (text: string) => string; words: WordList[] };

  constructor(
    private readonly count: number,
    private readonly textOf: (i: number) => string,
    /** From how many texts `expect` looks needles up in a batch. */
    private readonly batchFrom = MANY_TEXTS,
  ) {
    let total = 0;
    let longest = 0;
    for (let i = 0; i < count; i++) {
      total += textOf(i).length;
      longest = Math.max(longest, textOf(i).length);
    }
    this.#words = new WordTable(count, total);
    this.#scratch = new Uint8Array(longest);
    for (let i = 0; i < count; i++) this.#addWordsOf(textOf(i), i);
    this.#words.finish();
    this.#scratch = new Uint8Array(0);
  }

  #addWordsOf(text: string, i: number): void {
    const { bytes, end } = this.#bytesOf(text);
    this.#words.addText(bytes, end, i, (start, k) => this.#addPartIdentifiers(bytes, start, k, i));
  }

  /**
   * Room for the bytes of the longest text, reused from text to text and let go once all are added: as
   * long as the longest text at first, which fits any ASCII text, and three times a text's length once
   * one is not ASCII.
   */
  #scratch = new Uint8Array(0);
  /** `text` as UTF-8 (a lone surrogate as U+FFFD), in the scratch bytes. */
  #bytesOf(text: string): { bytes: Uint8Array; end: number } {
    const { read, written } = ENCODER.encodeInto(text, this.#scratch.subarray(0, text.length));
    if (read === text.length) return { bytes: this.#scratch, end: written };
    if (this.#scratch.length < text.length * 3) this.#scratch = new Uint8Array(text.length * 3);
    return { bytes: this.#scratch, end: ENCODER.encodeInto(text, this.#scratch).written };
  }

  /** The identifiers (runs of ASCII letters, digits and `_`) inside the word `bytes[start, end)`. */
  #addPartIdentifiers(bytes: Uint8Array, start: number, end: number, i: number): void {
    for (let k = start; k < end; k++) {
      if (KIND[bytes[k]] !== IDENTIFIER) continue;
      let identifier = "";
      for (; k < end && KIND[bytes[k]] === IDENTIFIER; k++) identifier += String.fromCharCode(bytes[k]);
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
    const candidates = this.mayHold(needle);
    return candidates.exact
      ? candidates.texts
      : candidates.texts.filter((i) => this.textOf(i).includes(needle));
  }

  /**
   * The indexes of the texts that hold the longest run of word characters of `needle`, where the needle
   * has it (every text holding the needle among them), ascending; `exact` when that run is the needle.
   */
  mayHold(needle: string): { texts: number[]; exact: boolean } {
    const { key, pattern } = keyOf(needle, inWord, betweenWords);
    // A run of a character or two is in nearly every text: searching the words for it costs more than it saves.
    if (key.length <= 2) return { texts: this.#every(() => true), exact: !needle };
    // A lone surrogate is indexed as U+FFFD: a key with a surrogate (lone or, more simply tested, paired) or
    // with U+FFFD is confirmed in every text.
    if (SURROGATE_OR_REPLACEMENT.test(key)) return { texts: this.#every(() => true), exact: false };
    // Pinned at both ends, the key is a whole word: one lookup in the table.
    const texts =
      pattern === BOUNDARY + key + BOUNDARY
        ? this.#words.textsOf(key)
        : this.#lookUp(this.#wordLists(), this.#byPattern, pattern);
    return { texts, exact: key === needle };
  }

  /**
   * The indexes of the texts that hold `needle` once `normalise` (a lower-casing that may also write `_`
   * as `-`, and maps no other ASCII character between words to a word character) is applied to them,
   * ascending.
   */
  holdingNormalised(needle: string, normalise: (text: string) => string): number[] {
    const candidates = this.mayHoldNormalised(needle, normalise);
    if (candidates.exact) return candidates.texts;
    return candidates.texts.filter((i) => normalise(this.textOf(i)).includes(needle));
  }

  /**
   * The indexes of the texts that may hold `needle` once normalised, as `mayHold` finds them: an ASCII key
   * is looked up in the normalised words; a needle whose longest run of letters and digits is not ASCII (a
   * few characters lower-case by context, the final sigma) may be in any text.
   */
  mayHoldNormalised(
    needle: string,
    normalise: (text: string) => string,
  ): { texts: number[]; exact: boolean } {
    const { key, pattern } = keyOf(needle, inNormalisedWord, boundsNormalisedWord);
    if (!key || !IDENTIFIER_RUN.test(key)) return { texts: this.#every(() => true), exact: !needle };
    const lists = this.#normalisedLists(normalise);
    return { texts: this.#lookUp(lists, this.#byNormalisedPattern, pattern), exact: key === needle };
  }

  /**
   * Each distinct match of `pattern` (global, of word characters alone, so no match spans two words) in
   * the words, with the texts holding a word it was found in, ascending: how the texts spell what it finds,
   * `key`, `Key` and `KEY` for `/key/gi`. Of overlapping matches in a word, the first is found. A lone
   * surrogate is held as U+FFFD, so `pattern` should match ASCII, as the secrets scan's does.
   */
  spellings(pattern: RegExp): Map<string, number[]> {
    const words = new Map<string, number[]>();
    for (const list of this.#wordLists())
      list.eachMatchOf(pattern, (match, word) => {
        const found = words.get(match);
        if (found) found.push(word);
        else words.set(match, [word]);
      });
    return new Map([...words].map(([match, ids]) => [match, this.#textsOfWords(ids)]));
  }

  /**
   * Looks many needles up in the words at once, for `mayHold` to answer from what it found: on a large tree,
   * one pass of one automaton instead of a search of the words per needle.
   */
  expect(needles: readonly string[]): void {
    const patterns = needles
      .map((n) => keyOf(n, inWord, betweenWords))
      .filter(
        ({ key, pattern }) =>
          key.length > 2 && pattern !== BOUNDARY + key + BOUNDARY && !SURROGATE_OR_REPLACEMENT.test(key),
      );
    this.#expectIn(this.#wordLists(), this.#byPattern, patterns);
  }

  /** `expect` for needles looked for once normalised (`mayHoldNormalised`). */
  expectNormalised(needles: readonly string[], normalise: (text: string) => string): void {
    const patterns = needles
      .map((n) => keyOf(n, inNormalisedWord, boundsNormalisedWord))
      .filter(({ key }) => key && IDENTIFIER_RUN.test(key));
    this.#expectIn(this.#normalisedLists(normalise), this.#byNormalisedPattern, patterns);
  }

  #expectIn(lists: WordList[], found: Map<string, number[]>, keys: { pattern: string }[]): void {
    if (this.count < this.batchFrom) return;
    const patterns = new Set(keys.map((k) => k.pattern).filter((p) => !found.has(p)));
    for (const [pattern, words] of searchAll(lists, patterns)) found.set(pattern, this.#textsOfWords(words));
  }

  /** The texts holding a word that holds `pattern`, searched for in `lists` once and kept in `found`. */
  #lookUp(lists: WordList[], found: Map<string, number[]>, pattern: string): number[] {
    let texts = found.get(pattern);
    if (!texts) {
      texts = this.#textsOfWords(lists.flatMap((list) => [...list.holding(pattern)]));
      found.set(pattern, texts);
    }
    return texts;
  }

  /** The texts found for each pattern in the normalised words (`normalise` in `#normalised`). */
  readonly #byNormalisedPattern = new Map<string, number[]>();

  #normalisedLists(normalise: (text: string) => string): WordList[] {
    if (this.#normalised?.normalise !== normalise) {
      this.#normalised = { normalise, words: this.#wordLists().map((list) => list.normalised(normalise)) };
      this.#byNormalisedPattern.clear();
    }
    return this.#normalised.words;
  }

  #wordLists(): WordList[] {
    return (this.#lists ??= this.#words.joined().map((group) => WordList.of(group)));
  }

  #textsOfWords(words: Iterable<number>): number[] {
    const found = new Uint8Array(this.count);
    for (const w of words) this.#words.markTexts(w, found);
    return this.#every((i) => found[i] === 1);
  }

  #every(holds: (i: number) => boolean): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) if (holds(i)) out.push(i);
    return out;
  }
}
