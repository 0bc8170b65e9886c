import { lastAtOrBefore } from "./text.js";

/** Separates the texts once joined: no needle holds it, so a match never spans two texts. */
const SEPARATOR = "\0";

/** Where each item starts once joined. */
function startsOf(items: readonly string[]): number[] {
  const starts = new Array<number>(items.length);
  let offset = 0;
  for (let i = 0; i < items.length; i++) {
    starts[i] = offset;
    offset += items[i].length + SEPARATOR.length;
  }
  return starts;
}

/**
 * Many texts (every path of a tree, every module's source) joined into one, so that finding which of them
 * hold a needle is a few native searches of one string instead of a call per text. On a large tree that
 * is the difference between one pass and thousands of calls per needle.
 */
export class JoinedText {
  private constructor(
    private readonly text: string,
    private readonly starts: readonly number[],
  ) {}

  static of(items: readonly string[]): JoinedText {
    return new JoinedText(items.join(SEPARATOR), startsOf(items));
  }

  /** Texts already joined, each after the first following a NUL: `starts` says where each begins. */
  static joined(text: string, starts: readonly number[]): JoinedText {
    return new JoinedText(text, starts);
  }

  /**
   * The same texts after `normalise` (lower-casing, say), applied to the joined text at once; where it
   * changes the length (a few Unicode characters lower-case to two), to each text instead, so every start
   * stays exact.
   */
  normalised(normalise: (text: string) => string): JoinedText {
    const text = normalise(this.text);
    if (text.length === this.text.length) return new JoinedText(text, this.starts);
    const pieces = this.starts.map((_, i) => normalise(this.itemText(i)));
    return new JoinedText(pieces.join(SEPARATOR), startsOf(pieces));
  }

  /** The indexes of the texts holding `needle`, in order, each once. */
  *holding(needle: string): Generator<number> {
    // Every text holds the empty needle; a needle with the separator is looked for in each text alone.
    if (!needle || needle.includes(SEPARATOR)) {
      for (let i = 0; i < this.starts.length; i++) if (this.itemText(i).includes(needle)) yield i;
      return;
    }
    let at = this.text.indexOf(needle);
    while (at !== -1) {
      const i = lastAtOrBefore(this.starts, at);
      yield i;
      // The next occurrence in a later text: this one is already counted.
      at = this.text.indexOf(needle, this.starts[i + 1] ?? this.text.length);
    }
  }

  private itemText(i: number): string {
    const end = i + 1 < this.starts.length ? this.starts[i + 1] - SEPARATOR.length : this.text.length;
    return this.text.slice(this.starts[i], end);
  }
}
