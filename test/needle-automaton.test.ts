import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NeedleAutomaton } from "../src/engine/needle-automaton.js";

/** Every place each needle occurs, overlapping ones included, found one needle at a time. */
function naive(needles: string[], text: string): [number, number][] {
  const out: [number, number][] = [];
  needles.forEach((needle, n) => {
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) out.push([n, at]);
  });
  return out;
}

function found(needles: string[], text: string): [number, number][] {
  const out: [number, number][] = [];
  new NeedleAutomaton(needles).eachIn(text, (n, at) => out.push([n, at]));
  return out;
}

const byPlace = (a: [number, number], b: [number, number]) => a[1] - b[1] || a[0] - b[0];

describe("the automaton that finds many needles in one pass", () => {
  it("finds every occurrence of every needle, overlapping and nested ones too", () => {
    const chars = fc.constantFrom("a", "b", "c", "\0", "é", "\u{1F600}");
    const word = (max: number) => fc.array(chars, { minLength: 1, maxLength: max }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(fc.array(word(4), { minLength: 1, maxLength: 8 }), word(40), (needles, text) => {
        expect(found(needles, text).sort(byPlace)).toEqual(naive(needles, text).sort(byPlace));
      }),
      { numRuns: 3000 },
    );
    // Enough needles for the trie to outgrow its first table.
    fc.assert(
      fc.property(fc.array(word(12), { minLength: 100, maxLength: 200 }), word(300), (needles, text) => {
        expect(found(needles, text).sort(byPlace)).toEqual(naive(needles, text).sort(byPlace));
      }),
      { numRuns: 50 },
    );
  });

  it("reports a needle that ends inside a longer one, and one needle given twice under each index", () => {
    // she at 1; he at 2, under both of its indexes; hers at 2.
    expect(found(["she", "he", "hers", "he"], "ushers").sort(byPlace)).toEqual([
      [0, 1],
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
  });

  it("refuses an empty needle, which would be everywhere", () => {
    expect(() => new NeedleAutomaton(["a", ""])).toThrow(/empty needle/);
  });
});
