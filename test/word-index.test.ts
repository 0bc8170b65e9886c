import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalisedName } from "../src/engine/facts/imported.js";
import { topLevelAlternatives } from "../src/engine/predicates/literals.js";
import { WordIndex } from "../src/engine/word-index.js";

// Word characters, characters between words, non-ASCII ones that lower-case to ASCII (the Kelvin sign) or
// to two characters (a dotted capital I), one past the first plane, half of one (a lone surrogate, which
// UTF-8 cannot hold) and the replacement character that stands for it there.
const CHARS = [..."abB_-1 .(\n:é", "\u212a", "\u0130", "\u03a3", "\u{1F600}", "\uD83D", "\uFFFD"];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 30 }).map((cs) => cs.join(""));
const indexOf = (texts: string[]) => new WordIndex(texts.length, (i) => texts[i]);
/** An index that looks expected needles up in a batch however few its texts. */
const batchingIndexOf = (texts: string[]) => new WordIndex(texts.length, (i) => texts[i], 0);
const naive = (texts: string[], holds: (t: string) => boolean) =>
  texts.flatMap((t, i) => (holds(t) ? [i] : []));

describe("the word index of module texts", () => {
  it("finds exactly the texts holding a needle, whatever its characters", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), text, (texts, needle) => {
        expect(indexOf(texts).holding(needle)).toEqual(naive(texts, (t) => t.includes(needle)));
      }),
      { numRuns: 2000 },
    );
  });

  it("finds exactly the texts holding a needle once normalised, as declared-but-unused asks", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), text, (texts, raw) => {
        const needle = normalisedName(raw);
        const found = indexOf(texts).holdingNormalised(needle, normalisedName);
        expect(found).toEqual(naive(texts, (t) => normalisedName(t).includes(needle)));
      }),
      { numRuns: 2000 },
    );
  });

  it("finds the same texts for many needles looked up together as for each alone, pinned or not", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), fc.array(text, { maxLength: 6 }), (texts, needles) => {
        const index = batchingIndexOf(texts);
        index.expect(needles);
        for (const n of needles) expect(index.holding(n)).toEqual(naive(texts, (t) => t.includes(n)));
      }),
      { numRuns: 3000 },
    );
    // The word before `abcd` in the list (`qqq`) is in other texts than `abcd`: a pinned pattern must not take it.
    const index = batchingIndexOf(["qqq", "qqq abcd", "x abcd", "xyz"]);
    index.expect([" abc", "xyz.", "bcd"]);
    expect(index.holding(" abc")).toEqual([1, 2]);
    expect(index.holding("xyz.")).toEqual([]);
    expect(index.holding("bcd")).toEqual([1, 2]);
  });

  it("finds the same texts for many normalised needles looked up together as for each alone", () => {
    const needle = fc
      .array(fc.constantFrom("a", "b", "ab", "-", "1"), { minLength: 1, maxLength: 4 })
      .map((cs) => cs.join(""));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), fc.array(needle, { maxLength: 6 }), (texts, needles) => {
        const index = batchingIndexOf(texts);
        index.expectNormalised(needles, normalisedName);
        for (const n of needles)
          expect(index.holdingNormalised(n, normalisedName)).toEqual(
            naive(texts, (t) => normalisedName(t).includes(n)),
          );
      }),
      { numRuns: 2000 },
    );
  });

  it("finds exactly the texts holding an identifier whole, not inside a longer one", () => {
    const identifier = fc
      .array(fc.constantFrom("a", "b", "B", "_", "1"), { minLength: 1, maxLength: 3 })
      .map((cs) => cs.join(""));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), identifier, (texts, id) => {
        const whole = new RegExp(`(?<![A-Za-z0-9_])${id}(?![A-Za-z0-9_])`);
        expect(indexOf(texts).holdingIdentifier(id)).toEqual(naive(texts, (t) => whole.test(t)));
      }),
      { numRuns: 2000 },
    );
    const index = indexOf(["import mlflow_utils", "x = mlflow→", "mlflow.start_run()"]);
    expect(index.holdingIdentifier("mlflow")).toEqual([1, 2]);
    expect(() => index.holdingIdentifier("a.b")).toThrow(/not an identifier/);
  });

  it("finds a word inside a longer one and a needle that spans words", () => {
    const index = indexOf(["import airflow\n", "def repair(x):", "from a.b import c"]);
    expect(index.holding("air")).toEqual([0, 1]);
    expect(index.holding("a.b import")).toEqual([2]);
    expect(index.holding("(")).toEqual([1]);
    expect(index.holdingNormalised("\u212aeras", normalisedName)).toEqual([]);
    // No word of ASCII alone: the words past ASCII are all there is.
    expect(indexOf(["éééééé", "ééabc"]).holding("abc")).toEqual([1]);
  });

  it("finds how the words spell a pattern, and which texts hold each spelling", () => {
    const index = indexOf(["my_Key = 1", "SECRETOKEN", "key.Key", "x"]);
    // Of the overlapping SECRET and TOKEN, the first.
    expect(index.spellings(/key|secret|token/gi)).toEqual(
      new Map([
        ["Key", [0, 2]],
        ["SECRET", [1]],
        ["key", [2]],
      ]),
    );
  });

  it("tells a lone surrogate from the replacement character, which the index holds in its place", () => {
    const index = indexOf(["ab\uD83Dcd", "ab\uFFFDcd", "x\u{1F600}yz"]);
    expect(index.holding("b\uD83Dc")).toEqual([0]);
    expect(index.holding("b\uFFFDc")).toEqual([1]);
    expect(index.holding("x\u{1F600}y")).toEqual([2]);
  });
});

describe("the top-level alternatives of a pattern", () => {
  it("splits at a top-level bar only", () => {
    expect(topLevelAlternatives("[Cc]hampion|CHALLENGER")).toEqual(["[Cc]hampion", "CHALLENGER"]);
    expect(topLevelAlternatives("a(b|c)d")).toEqual(["a(b|c)d"]);
    expect(topLevelAlternatives("a[|]b\\|c")).toEqual(["a[|]b\\|c"]);
    expect(topLevelAlternatives("\\(a|b\\)")).toEqual(["\\(a", "b\\)"]);
    expect(topLevelAlternatives("")).toEqual([""]);
  });
});
