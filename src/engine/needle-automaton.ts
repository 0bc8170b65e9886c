/**
 * Every place in a text where any of many needles occurs, found in one pass over the text (Aho–Corasick):
 * a table of states, one per prefix of a needle, and for each state and character the state that follows.
 * An expression of a few hundred alternatives tried at each place cost several times as much on the few
 * megabytes of a large tree's words.
 */
export class NeedleAutomaton {
  /** The characters any needle holds, numbered from 1 (0: any other character). */
  readonly #classOf = new Map<number, number>();
  readonly #asciiClass = new Int32Array(128);
  readonly #classes: number;
  /** `#next[state * #classes + class]`: the state after reading a character of that class. */
  readonly #next: Int32Array;
  /** The needles (their indexes) that end where the automaton enters state `s`: `#ends[#endsFrom[s]…#endsFrom[s + 1]]`. */
  readonly #endsFrom: Int32Array;
  readonly #ends: Int32Array;
  readonly #lengths: Int32Array;

  constructor(needles: readonly string[]) {
    if (needles.some((n) => !n)) throw new Error("an empty needle is everywhere");
    for (const needle of needles)
      for (let i = 0; i < needle.length; i++) {
        const code = needle.charCodeAt(i);
        if (!this.#classOf.has(code)) this.#classOf.set(code, this.#classOf.size + 1);
      }
    this.#classes = this.#classOf.size + 1;
    for (const [code, cls] of this.#classOf) if (code < 128) this.#asciiClass[code] = cls;

    // The trie of the needles: `child[state * classes + class]`, 0 for none (the root is never a child).
    let child = new Int32Array(this.#classes * 64);
    let states = 1;
    const ends: (number[] | undefined)[] = [undefined];
    needles.forEach((needle, n) => {
      let state = 0;
      for (let i = 0; i < needle.length; i++) {
        const at = state * this.#classes + this.#classOf.get(needle.charCodeAt(i))!;
        if (child[at] === 0) {
          if ((states + 1) * this.#classes > child.length) {
            const bigger = new Int32Array(child.length * 2);
            bigger.set(child);
            child = bigger;
          }
          child[at] = states++;
          ends.push(undefined);
        }
        state = child[at];
      }
      (ends[state] ??= []).push(n);
    });

    // Breadth first, each state's moves are its children's, else its fallback's (the state of its longest
    // proper suffix that is a prefix of a needle), whose moves are already known; it also ends the needles
    // its fallback ends.
    const next = new Int32Array(states * this.#classes);
    const fallback = new Int32Array(states);
    const queue: number[] = [];
    for (let cls = 0; cls < this.#classes; cls++) {
      const c = child[cls];
      next[cls] = c;
      if (c !== 0) queue.push(c);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      const fallbackEnds = ends[fallback[state]];
      if (fallbackEnds) ends[state] = [...(ends[state] ?? []), ...fallbackEnds];
      for (let cls = 0; cls < this.#classes; cls++) {
        const c = child[state * this.#classes + cls];
        const viaFallback = next[fallback[state] * this.#classes + cls];
        if (c === 0) next[state * this.#classes + cls] = viaFallback;
        else {
          next[state * this.#classes + cls] = c;
          fallback[c] = viaFallback;
          queue.push(c);
        }
      }
    }
    this.#next = next;
    this.#endsFrom = new Int32Array(states + 1);
    for (let state = 0; state < states; state++)
      this.#endsFrom[state + 1] = this.#endsFrom[state] + (ends[state]?.length ?? 0);
    this.#ends = Int32Array.from(ends.flatMap((e) => e ?? []));
    this.#lengths = Int32Array.from(needles, (n) => n.length);
  }

  /** Calls `each` with the index of every needle found in `text` and where that occurrence starts. */
  eachIn(text: string, each: (needle: number, at: number) => void): void {
    const next = this.#next;
    const classes = this.#classes;
    const ascii = this.#asciiClass;
    const endsFrom = this.#endsFrom;
    const ends = this.#ends;
    const lengths = this.#lengths;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = next[state * classes + (code < 128 ? ascii[code] : (this.#classOf.get(code) ?? 0))];
      for (let e = endsFrom[state]; e < endsFrom[state + 1]; e++) each(ends[e], i + 1 - lengths[ends[e]]);
    }
  }
}
