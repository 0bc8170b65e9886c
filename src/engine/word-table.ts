/**
 * The distinct words of many texts and, for each, the texts holding it: a hash table over the words' own
 * characters, kept in typed arrays. A tree of thousands of modules has millions of words; making a string of
 * each and counting it in a `Map` cost a second on a 3,000-module tree, and most of the memory it needed.
 */
export class WordTable {
  /** Each distinct word's characters, one after another, each followed by a NUL. */
  #chars: Uint16Array;
  #used = 0;
  #count = 0;
  /** Per word: where its characters start, how many there are, and the last text that held it. */
  #start: Int32Array;
  #length: Int32Array;
  #lastText: Int32Array;
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
  /** Open addressing: word id + 1, 0 for an empty slot. */
  #slots: Int32Array;
  /** The ids of words of one or two ASCII characters, by `shortKey`; -1 until seen. */
  readonly #short = new Int32Array(128 + 128 * 128).fill(-1);

  /**
   * Sized from the length of all the texts: a tree's source has about one distinct word per few hundred
   * characters, and one pair per few dozen, so a large tree seldom grows the arrays (each growth copies
   * them, and makes the optimised code that read them start again).
   */
  constructor(textCount: number, totalLength = 0) {
    const words = capacity(totalLength / 192, 1 << 10);
    this.#chars = new Uint16Array(capacity(totalLength / 12, 1 << 12));
    this.#start = new Int32Array(words);
    this.#length = new Int32Array(words);
    this.#lastText = new Int32Array(words);
    this.#pairWord = new Int32Array(capacity(totalLength / 40, 1 << 12));
    this.#textEnd = new Int32Array(textCount);
    this.#slots = new Int32Array(words * 2);
  }

  /**
   * Adds the word `codes[start, end)` (UTF-16 code units), whose `hashOf` is `hash`, as held by text
   * `textIndex` (texts added in order).
   */
  add(codes: Uint16Array, start: number, end: number, hash: number, textIndex: number): void {
    const length = end - start;
    // A word of one or two ASCII characters (a fifth of a tree's words: `i`, `x`, `if`) has its id at hand.
    const short = length <= 2 ? shortKey(codes, start, length) : -1;
    let id = short === -1 ? -1 : this.#short[short];
    if (id === -1) {
      id = this.#idOf(codes, start, length, hash);
      if (short !== -1) this.#short[short] = id;
    }
    if (this.#lastText[id] === textIndex) return;
    this.#lastText[id] = textIndex;
    if (this.#pairs === this.#pairWord.length) {
      this.#pairWord = grown(this.#pairWord);
    }
    this.#pairWord[this.#pairs++] = id;
    this.#textEnd[textIndex] = this.#pairs;
  }

  /** The id of `codes[start, start + length)`, added as a new word if it is not one yet. */
  #idOf(codes: Uint16Array, start: number, length: number, hash: number): number {
    const slot = this.#slotOf(codes, start, length, hash);
    const entry = this.#slots[slot];
    return entry !== 0 ? entry - 1 : this.#insert(slot, codes, start, length);
  }

  /** The slot of the word `codes[start, start + length)`, or the empty slot where it would go. */
  #slotOf(codes: Uint16Array, start: number, length: number, hash: number): number {
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    for (let entry = this.#slots[slot]; entry !== 0; entry = this.#slots[slot]) {
      const w = entry - 1;
      if (this.#length[w] === length && this.#sameAs(w, codes, start, length)) return slot;
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Packs each word's texts together, in order, and lets go of what adding needed. */
  finish(): void {
    const offsets = new Int32Array(this.#count + 1);
    for (let p = 0; p < this.#pairs; p++) offsets[this.#pairWord[p] + 1]++;
    for (let w = 0; w < this.#count; w++) offsets[w + 1] += offsets[w];
    const next = offsets.slice(0, this.#count);
    const texts = new Int32Array(this.#pairs);
    let from = 0;
    for (let t = 0; t < this.#textEnd.length; t++) {
      // A text with no words of its own ends where the one before it did.
      const end = Math.max(from, this.#textEnd[t]);
      for (let p = from; p < end; p++) texts[next[this.#pairWord[p]]++] = t;
      from = end;
    }
    this.#offsets = offsets;
    // Texts fit in two bytes each but on the largest trees.
    this.#texts = this.#textEnd.length <= 0x10000 ? Uint16Array.from(texts) : texts;
    this.#pairWord = this.#textEnd = this.#lastText = new Int32Array(0);
    this.#pairs = 0;
    // The words laid out for search hold every character: from now on a word is compared with them, and the
    // characters' own array (sized with room to grow) is let go.
    this.#joined = this.#join();
    this.#inList = new Uint8Array(this.#count);
    this.#at = new Int32Array(this.#count);
    this.#joined.forEach(({ starts, ids }, list) =>
      ids.forEach((id, i) => {
        this.#inList[id] = list;
        this.#at[id] = starts[i];
      }),
    );
    this.#chars = new Uint16Array(0);
    this.#start = new Int32Array(0);
  }
  #joined: { text: string; starts: Int32Array; ids: Int32Array }[] = [];
  /** Once finished: which of `#joined` holds word `w`, and where its characters start there. */
  #inList = new Uint8Array(0);
  #at = new Int32Array(0);

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
   * Every distinct word with a NUL before and after it, in two strings: the words whose characters all fit
   * in a byte (nearly all, kept at one byte a character) and the rest. `ids[i]` is the id of the `i`th word
   * of a string, which starts at `starts[i]` (once finished).
   */
  joined(): { text: string; starts: Int32Array; ids: Int32Array }[] {
    return this.#joined;
  }

  #join(): { text: string; starts: Int32Array; ids: Int32Array }[] {
    const fits = new Uint8Array(this.#count);
    let wideWords = 0;
    let wideLength = 1;
    for (let w = 0; w < this.#count; w++) {
      const from = this.#start[w];
      const to = from + this.#length[w];
      let narrow = 1;
      for (let k = from; k < to && narrow; k++) narrow = this.#chars[k] <= 0xff ? 1 : 0;
      fits[w] = narrow;
      if (!narrow) {
        wideWords++;
        wideLength += to - from + 1;
      }
    }
    const groups = [
      { chars: new Uint8Array(this.#used + 2 - wideLength), words: this.#count - wideWords },
      { chars: new Uint16Array(wideLength), words: wideWords },
    ].map(({ chars, words }) => ({
      chars: chars as Uint8Array | Uint16Array,
      used: 1,
      starts: new Int32Array(words),
      ids: new Int32Array(words),
      count: 0,
    }));
    for (let w = 0; w < this.#count; w++) {
      const group = groups[fits[w] ? 0 : 1];
      group.starts[group.count] = group.used;
      group.ids[group.count++] = w;
      const from = this.#start[w];
      for (let k = from; k < from + this.#length[w]; k++) group.chars[group.used++] = this.#chars[k];
      group.used++;
    }
    return groups.map(({ chars, starts, ids }) => ({ text: stringOf(chars), starts, ids }));
  }

  /** A word's id, looked up once finished: compared with the laid-out words, the characters being let go. */
  #find(word: string): number {
    let hash = HASH_START;
    for (let i = 0; i < word.length; i++) hash = hashStep(hash, word.charCodeAt(i));
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    for (let entry = this.#slots[slot]; entry !== 0; entry = this.#slots[slot]) {
      const w = entry - 1;
      if (this.#length[w] === word.length && this.#joined[this.#inList[w]].text.startsWith(word, this.#at[w]))
        return w;
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  #sameAs(w: number, codes: Uint16Array, start: number, length: number): boolean {
    const from = this.#start[w];
    for (let j = 0; j < length; j++) if (this.#chars[from + j] !== codes[start + j]) return false;
    return true;
  }

  #insert(slot: number, codes: Uint16Array, start: number, length: number): number {
    const id = this.#count++;
    if (id === this.#start.length) {
      this.#start = grown(this.#start);
      this.#length = grown(this.#length);
      this.#lastText = grown(this.#lastText);
    }
    while (this.#used + length + 1 > this.#chars.length) this.#chars = grown(this.#chars);
    for (let j = 0; j < length; j++) this.#chars[this.#used + j] = codes[start + j];
    this.#start[id] = this.#used;
    this.#used += length + 1;
    this.#length[id] = length;
    this.#lastText[id] = -1;
    this.#slots[slot] = id + 1;
    // At most half full, so a probe ends soon.
    if (this.#count * 2 > this.#slots.length) this.#rehash();
    return id;
  }

  #rehash(): void {
    this.#slots = new Int32Array(this.#slots.length * 2);
    const mask = this.#slots.length - 1;
    for (let w = 0; w < this.#count; w++) {
      let slot = hashOf(this.#chars, this.#start[w], this.#start[w] + this.#length[w]) & mask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
      this.#slots[slot] = w + 1;
    }
  }
}

/** Character codes as a string, a chunk at a time (a call takes only so many arguments). */
function stringOf(codes: Uint8Array | Uint16Array): string {
  let text = "";
  for (let at = 0; at < codes.length; at += 8192)
    text += String.fromCharCode.apply(null, codes.subarray(at, at + 8192) as unknown as number[]);
  return text;
}

/** A word of one or two ASCII characters as a number below 128 + 128 × 128, or -1 for any other word. */
function shortKey(codes: Uint16Array, start: number, length: number): number {
  const first = codes[start];
  if (first >= 128) return -1;
  if (length === 1) return first;
  const second = codes[start + 1];
  return second >= 128 ? -1 : 128 + first * 128 + second;
}

/** The least power of two at or above both `wanted` and `least`. */
function capacity(wanted: number, least: number): number {
  let n = least;
  while (n < wanted) n *= 2;
  return n;
}

/** FNV-1a over UTF-16 code units: the hash `add` expects, computable as a word is scanned. */
export const HASH_START = -2128831035;
export const hashStep = (hash: number, code: number) => Math.imul(hash ^ code, 16777619);
function hashOf(codes: Uint16Array, start: number, end: number): number {
  let hash = HASH_START;
  for (let i = start; i < end; i++) hash = hashStep(hash, codes[i]);
  return hash;
}

function grown<T extends Int32Array | Uint16Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
