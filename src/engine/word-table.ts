/**
 * The distinct words of many texts and, for each, the texts holding it: a hash table over the words' own
 * bytes (UTF-8), kept in typed arrays. A tree of thousands of modules has millions of words; making a string
 * of each and counting it in a `Map` cost a second on a 3,000-module tree, and most of the memory it needed.
 */
export class WordTable {
  /** Each distinct word's bytes, one after another, each followed by a NUL (which no word holds). */
  #bytes: Uint8Array;
  #used = 0;
  #count = 0;
  /**
   * Open addressing, two numbers a slot: a word's id + 1 (0 for an empty slot) and its hash. A probe reads
   * one slot's numbers together and compares bytes only where the hashes agree.
   */
  #slots: Int32Array;
  /** Per word, two numbers: where its bytes start, and the last text that held it. */
  #words: Int32Array;
  /**
   * While adding: the words of each text, each once, text after text; text `t`'s are `#pairWord[#textEnd[t
   * - 1]]` up to `#pairWord[#textEnd[t]]`, so each word's texts ascend.
   */
  #pairWord: Int32Array;
  #textEnd: Int32Array;
  #pairs = 0;
  /** Once finished: the texts of word `w` are `#texts[#offsets[w]]` up to `#texts[#offsets[w + 1]]`. */
  #offsets = new Int32Array(1);
  #texts: Int32Array | Uint16Array = new Int32Array(0);
  /** The ids of words of one or two bytes, by `shortKey`; -1 until seen. */
  readonly #short = new Int32Array(128 + 128 * 128).fill(-1);

  /**
   * Sized from the length of all the texts: a tree's source has about one distinct word per few hundred
   * characters, and one pair per few dozen, so a large tree seldom grows the arrays (each growth copies
   * them, and makes the optimised code that read them start again).
   */
  constructor(textCount: number, totalLength = 0) {
    const words = capacity(totalLength / 192, 1 << 10);
    this.#bytes = new Uint8Array(capacity(totalLength / 16, 1 << 12));
    this.#words = new Int32Array(words * 2);
    this.#slots = new Int32Array(words * 4);
    this.#pairWord = new Int32Array(capacity(totalLength / 40, 1 << 12));
    this.#textEnd = new Int32Array(textCount);
  }

  /**
   * Adds the word `bytes[start, end)` (UTF-8), whose `hashOf` is `hash`, as held by text `textIndex` (texts
   * added in order).
   */
  add(bytes: Uint8Array, start: number, end: number, hash: number, textIndex: number): void {
    const length = end - start;
    // A word of one or two ASCII characters (a fifth of a tree's words: `i`, `x`, `if`) has its id at hand.
    const short = length <= 2 ? shortKey(bytes, start, length) : -1;
    let id = short === -1 ? -1 : this.#short[short];
    if (id === -1) {
      id = this.#idOf(bytes, start, length, hash);
      if (short !== -1) this.#short[short] = id;
    }
    const last = id * 2 + 1;
    if (this.#words[last] === textIndex) return;
    this.#words[last] = textIndex;
    if (this.#pairs === this.#pairWord.length) this.#pairWord = grown(this.#pairWord);
    this.#pairWord[this.#pairs++] = id;
    this.#textEnd[textIndex] = this.#pairs;
  }

  /** The id of `bytes[start, start + length)`, added as a new word if it is not one yet. */
  #idOf(bytes: Uint8Array, start: number, length: number, hash: number): number {
    const slots = this.#slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot * 2];
      if (entry === 0) return this.#insert(slot, bytes, start, length, hash);
      if (slots[slot * 2 + 1] === hash && this.#sameAs(entry - 1, bytes, start, length)) return entry - 1;
    }
  }

  #sameAs(w: number, bytes: Uint8Array, start: number, length: number): boolean {
    const from = this.#words[w * 2];
    // Then the word's NUL, where `bytes` ends: the same length.
    return sameBytes(this.#bytes, from, bytes, start, length) && this.#bytes[from + length] === 0;
  }

  #insert(slot: number, bytes: Uint8Array, start: number, length: number, hash: number): number {
    const id = this.#count++;
    if (id * 2 === this.#words.length) this.#words = grown(this.#words);
    while (this.#used + length + 1 > this.#bytes.length) this.#bytes = grown(this.#bytes);
    // A loop, not `set(subarray())`: a view made per word costs more than copying its few bytes.
    const own = this.#bytes;
    for (let j = 0; j < length; j++) own[this.#used + j] = bytes[start + j];
    this.#words[id * 2] = this.#used;
    this.#words[id * 2 + 1] = -1;
    this.#used += length + 1;
    this.#slots[slot * 2] = id + 1;
    this.#slots[slot * 2 + 1] = hash;
    // At most half full, so a probe ends soon.
    if (this.#count * 4 > this.#slots.length) this.#rehash();
    return id;
  }

  #rehash(): void {
    const old = this.#slots;
    this.#slots = new Int32Array(old.length * 2);
    const mask = (this.#slots.length >> 1) - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s] === 0) continue;
      let slot = old[s + 1] & mask;
      while (this.#slots[slot * 2] !== 0) slot = (slot + 1) & mask;
      this.#slots[slot * 2] = old[s];
      this.#slots[slot * 2 + 1] = old[s + 1];
    }
  }

  /** Packs each word's texts together, in order, and lets go of what adding needed. */
  finish(): void {
    const offsets = new Int32Array(this.#count + 1);
    for (let p = 0; p < this.#pairs; p++) offsets[this.#pairWord[p] + 1]++;
    for (let w = 0; w < this.#count; w++) offsets[w + 1] += offsets[w];
    const next = offsets.slice(0, this.#count);
    // Texts fit in two bytes each but on the largest trees.
    const texts =
      this.#textEnd.length <= 0x10000 ? new Uint16Array(this.#pairs) : new Int32Array(this.#pairs);
    let from = 0;
    for (let t = 0; t < this.#textEnd.length; t++) {
      // A text with no words of its own ends where the one before it did.
      const end = Math.max(from, this.#textEnd[t]);
      for (let p = from; p < end; p++) texts[next[this.#pairWord[p]]++] = t;
      from = end;
    }
    this.#offsets = offsets;
    this.#texts = texts;
    this.#pairWord = this.#textEnd = new Int32Array(0);
    this.#pairs = 0;
    // The words laid out for search hold every character: from now on a word is compared with them, and the
    // bytes (sized with room to grow) are let go.
    this.#joined = this.#join();
    this.#inList = new Uint8Array(this.#count);
    this.#at = new Int32Array(this.#count);
    this.#length = new Int32Array(this.#count);
    this.#joined.forEach(({ text, starts, ids }, list) =>
      ids.forEach((id, i) => {
        this.#inList[id] = list;
        this.#at[id] = starts[i];
        this.#length[id] = (i + 1 < starts.length ? starts[i + 1] : text.length) - 1 - starts[i];
      }),
    );
    this.#bytes = new Uint8Array(0);
    this.#words = new Int32Array(0);
  }
  #joined: { text: string; starts: Int32Array; ids: Int32Array }[] = [];
  /** Once finished: which of `#joined` holds word `w`, where its characters start there, and how many. */
  #inList = new Uint8Array(0);
  #at = new Int32Array(0);
  #length = new Int32Array(0);

  /** The texts holding `word`, ascending (once finished). */
  textsOf(word: string): number[] {
    const id = this.#find(word);
    return id === -1 ? [] : Array.from(this.#texts.subarray(this.#offsets[id], this.#offsets[id + 1]));
  }

  /** Marks in `found` each text holding word `id` (once finished). */
  markTexts(id: number, found: Uint8Array): void {
    for (let k = this.#offsets[id]; k < this.#offsets[id + 1]; k++) found[this.#texts[k]] = 1;
  }

  /**
   * Every distinct word with a NUL before and after it, in two strings: the ASCII words (nearly all, kept
   * at one byte a character) and the rest. `ids[i]` is the id of the `i`th word of a string, which starts at
   * `starts[i]` (once finished).
   */
  joined(): { text: string; starts: Int32Array; ids: Int32Array }[] {
    return this.#joined;
  }

  #join(): { text: string; starts: Int32Array; ids: Int32Array }[] {
    const ascii = new Uint8Array(this.#count);
    let wideWords = 0;
    let wideLength = 1;
    for (let w = 0; w < this.#count; w++) {
      let k = this.#words[w * 2];
      let high = 0;
      for (; this.#bytes[k] !== 0; k++) high |= this.#bytes[k];
      ascii[w] = high < 0x80 ? 1 : 0;
      if (!ascii[w]) {
        wideWords++;
        wideLength += k - this.#words[w * 2] + 1;
      }
    }
    const groups = [
      { bytes: new Uint8Array(this.#used + 2 - wideLength), words: this.#count - wideWords },
      { bytes: new Uint8Array(wideLength), words: wideWords },
    ].map(({ bytes, words }) => ({
      bytes,
      used: 1,
      starts: new Int32Array(words),
      ids: new Int32Array(words),
      count: 0,
    }));
    for (let w = 0; w < this.#count; w++) {
      const group = groups[ascii[w] ? 0 : 1];
      group.starts[group.count] = group.used;
      group.ids[group.count++] = w;
      for (let k = this.#words[w * 2]; this.#bytes[k] !== 0; k++) group.bytes[group.used++] = this.#bytes[k];
      group.used++;
    }
    return groups.map(({ bytes, starts, ids }, i) => {
      const text = DECODER.decode(bytes);
      // Past ASCII a word's characters are fewer than its bytes: its start in the text is after the NULs.
      if (i > 0) for (let w = 0, at = 0; w < starts.length; w++) starts[w] = at = text.indexOf("\0", at) + 1;
      return { text, starts, ids };
    });
  }

  /** A word's id, looked up once finished: compared with the laid-out words, the bytes being let go. */
  #find(word: string): number {
    const hash = hashOf(word);
    const mask = (this.#slots.length >> 1) - 1;
    for (let slot = hash & mask; this.#slots[slot * 2] !== 0; slot = (slot + 1) & mask) {
      const w = this.#slots[slot * 2] - 1;
      if (
        this.#slots[slot * 2 + 1] === hash &&
        this.#length[w] === word.length &&
        this.#joined[this.#inList[w]].text.startsWith(word, this.#at[w])
      )
        return w;
    }
    return -1;
  }
}

function sameBytes(a: Uint8Array, from: number, b: Uint8Array, start: number, length: number): boolean {
  for (let j = 0; j < length; j++) if (a[from + j] !== b[start + j]) return false;
  return true;
}

const DECODER = new TextDecoder();
const ENCODER = new TextEncoder();

/** A word of one or two ASCII characters as a number below 128 + 128 × 128, or -1 for any other word. */
function shortKey(bytes: Uint8Array, start: number, length: number): number {
  const first = bytes[start];
  if (first >= 128) return -1;
  if (length === 1) return first;
  const second = bytes[start + 1];
  return second >= 128 ? -1 : 128 + first * 128 + second;
}

/** The least power of two at or above both `wanted` and `least`. */
function capacity(wanted: number, least: number): number {
  let n = least;
  while (n < wanted) n *= 2;
  return n;
}

/** FNV-1a over UTF-8 bytes: the hash `add` expects, computable as a word is scanned. */
export const HASH_START = -2128831035;
export const hashStep = (hash: number, byte: number) => Math.imul(hash ^ byte, 16777619);
function hashOf(word: string): number {
  let hash = HASH_START;
  for (const byte of ENCODER.encode(word)) hash = hashStep(hash, byte);
  return hash;
}

function grown<T extends Int32Array | Uint8Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
