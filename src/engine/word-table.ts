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
  /** The ids of words of one or two ASCII characters, by their codes (below 128 + 128 × 128); -1 until seen. */
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
   * Adds every word of the UTF-8 text `bytes[0, end)` as held by text `textIndex` (texts added in order),
   * and calls `onMixed` with where each word that is not all ASCII starts and ends. One loop that scans
   * and looks up: the look-up of a word seen before, the common case, is inline rather than a call per word.
   */
  addText(
    bytes: Uint8Array,
    end: number,
    textIndex: number,
    onMixed: (start: number, end: number) => void,
  ): void {
    const short = this.#short;
    let k = 0;
    while (k < end) {
      while (k < end && WORD_BYTE[bytes[k]] === 0) k++;
      if (k === end) return;
      const start = k;
      let hash = HASH_START;
      let high = 0;
      for (; k < end; k++) {
        const byte = bytes[k];
        if (WORD_BYTE[byte] === 0) break;
        high |= byte;
        hash = hashStep(hash, byte);
      }
      if (high >= 0x80) onMixed(start, k);
      const length = k - start;
      // A word of one or two ASCII characters (a fifth of a tree's words: `i`, `x`, `if`) has its id at hand.
      const key =
        length > 2 || high >= 0x80
          ? -1
          : length === 1
            ? bytes[start]
            : 128 + bytes[start] * 128 + bytes[start + 1];
      let id = key === -1 ? -1 : short[key];
      if (id === -1) {
        const slots = this.#slots;
        const mask = (slots.length >> 1) - 1;
        for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
          const entry = slots[slot * 2];
          if (entry === 0) {
            id = this.#insert(slot, bytes, start, length, hash);
            break;
          }
          if (slots[slot * 2 + 1] === hash && this.#holds(entry - 1, bytes, start, length)) {
            id = entry - 1;
            break;
          }
        }
        if (key !== -1) short[key] = id;
      }
      const words = this.#words;
      if (words[id * 2 + 1] === textIndex) continue;
      words[id * 2 + 1] = textIndex;
      if (this.#pairs === this.#pairWord.length) this.#pairWord = grown(this.#pairWord);
      this.#pairWord[this.#pairs++] = id;
      this.#textEnd[textIndex] = this.#pairs;
    }
  }

  /** Whether word `w` is `bytes[start, start + length)`. */
  #holds(w: number, bytes: Uint8Array, start: number, length: number): boolean {
    const own = this.#bytes;
    const from = this.#words[w * 2];
    for (let j = 0; j < length; j++) if (own[from + j] !== bytes[start + j]) return false;
    // The word's NUL, where `bytes` ends: the same length.
    return own[from + length] === 0;
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

  /**
   * Packs each word's texts together, in order, lays the words out for search, and lets go of what adding
   * needed. The words are numbered again in the order they are laid out (the ASCII ones first), so a word's
   * id says where it is.
   */
  finish(): void {
    const { renumbered, asciiWords } = this.#renumbering();
    const offsets = new Int32Array(this.#count + 1);
    for (let p = 0; p < this.#pairs; p++) offsets[renumbered[this.#pairWord[p]] + 1]++;
    for (let w = 0; w < this.#count; w++) offsets[w + 1] += offsets[w];
    const next = offsets.slice(0, this.#count);
    // Texts fit in two bytes each but on the largest trees.
    const texts =
      this.#textEnd.length <= 0x10000 ? new Uint16Array(this.#pairs) : new Int32Array(this.#pairs);
    let from = 0;
    for (let t = 0; t < this.#textEnd.length; t++) {
      // A text with no words of its own ends where the one before it did.
      const end = Math.max(from, this.#textEnd[t]);
      for (let p = from; p < end; p++) texts[next[renumbered[this.#pairWord[p]]]++] = t;
      from = end;
    }
    this.#offsets = offsets;
    this.#texts = texts;
    this.#pairWord = this.#textEnd = new Int32Array(0);
    this.#pairs = 0;
    this.#joined = this.#join(renumbered, asciiWords);
    // From now on a word is found by its hash and compared with its laid-out characters: the slots keep
    // ids alone, and the bytes (sized with room to grow) are let go.
    const ids = new Int32Array(this.#slots.length >> 1);
    const mask = ids.length - 1;
    for (let s = 0; s < this.#slots.length; s += 2) {
      if (this.#slots[s] === 0) continue;
      let slot = this.#slots[s + 1] & mask;
      while (ids[slot] !== 0) slot = (slot + 1) & mask;
      ids[slot] = renumbered[this.#slots[s] - 1] + 1;
    }
    this.#slots = ids;
    this.#bytes = new Uint8Array(0);
    this.#words = new Int32Array(0);
  }
  /** Once finished: the ASCII words, then the rest (whose ids start after the ASCII ones'). */
  #joined: { text: string; starts: Int32Array; firstId: number }[] = [];

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
   * at one byte a character) and the rest. The `i`th word of a string starts at `starts[i]`; its id is
   * `firstId + i` (once finished).
   */
  joined(): { text: string; starts: Int32Array; firstId: number }[] {
    return this.#joined;
  }

  /** A new id for each word: the ASCII words first, then the rest, each in the order they were added. */
  #renumbering(): { renumbered: Int32Array; asciiWords: number } {
    const ascii = new Uint8Array(this.#count);
    let asciiWords = 0;
    for (let w = 0; w < this.#count; w++) {
      let high = 0;
      for (let k = this.#words[w * 2]; this.#bytes[k] !== 0; k++) high |= this.#bytes[k];
      ascii[w] = high < 0x80 ? 1 : 0;
      asciiWords += ascii[w];
    }
    const renumbered = new Int32Array(this.#count);
    for (let w = 0, nextAscii = 0, nextWide = asciiWords; w < this.#count; w++)
      renumbered[w] = ascii[w] ? nextAscii++ : nextWide++;
    return { renumbered, asciiWords };
  }

  /** The words of ids `[0, asciiWords)` and `[asciiWords, count)`, laid out as `joined` gives them. */
  #join(renumbered: Int32Array, asciiWords: number): { text: string; starts: Int32Array; firstId: number }[] {
    const byId = new Int32Array(this.#count);
    for (let w = 0; w < this.#count; w++) byId[renumbered[w]] = w;
    return [
      [0, asciiWords],
      [asciiWords, this.#count],
    ].map(([first, last], group) => {
      const starts = new Int32Array(last - first);
      let length = 1;
      for (let id = first; id < last; id++)
        for (let k = this.#words[byId[id] * 2]; ; k++) {
          length++;
          if (this.#bytes[k] === 0) break;
        }
      const bytes = new Uint8Array(length);
      let used = 1;
      for (let id = first; id < last; id++) {
        starts[id - first] = used;
        for (let k = this.#words[byId[id] * 2]; this.#bytes[k] !== 0; k++) bytes[used++] = this.#bytes[k];
        used++;
      }
      const text = DECODER.decode(bytes);
      // Past ASCII a word's characters are fewer than its bytes: its start in the text is after the NULs.
      if (group > 0)
        for (let i = 0, at = 0; i < starts.length; i++) starts[i] = at = text.indexOf("\0", at) + 1;
      return { text, starts, firstId: first };
    });
  }

  /** A word's id, looked up once finished: compared with the laid-out words, the bytes being let go. */
  #find(word: string): number {
    const mask = this.#slots.length - 1;
    for (let slot = hashOf(word) & mask; this.#slots[slot] !== 0; slot = (slot + 1) & mask) {
      const id = this.#slots[slot] - 1;
      const { text, starts, firstId } = this.#joined[id < this.#joined[1].firstId ? 0 : 1];
      const i = id - firstId;
      const end = i + 1 < starts.length ? starts[i + 1] - 1 : text.length - 1;
      if (end - starts[i] === word.length && text.startsWith(word, starts[i])) return id;
    }
    return -1;
  }
}

const DECODER = new TextDecoder();
const ENCODER = new TextEncoder();

/** The least power of two at or above both `wanted` and `least`. */
function capacity(wanted: number, least: number): number {
  let n = least;
  while (n < wanted) n *= 2;
  return n;
}

/**
 * The bytes of a word: an ASCII letter, digit or `_`, and every byte of a character past ASCII (each is 0x80
 * or more, so a UTF-8 text's words are the runs its UTF-16 code units make, by the same rule).
 */
export const WORD_BYTE = new Uint8Array(256);
for (let b = 0; b < 256; b++) WORD_BYTE[b] = b >= 0x80 || /\w/.test(String.fromCharCode(b)) ? 1 : 0;

/** FNV-1a over UTF-8 bytes, computed as a word is scanned. */
const HASH_START = -2128831035;
const hashStep = (hash: number, byte: number) => Math.imul(hash ^ byte, 16777619);
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
