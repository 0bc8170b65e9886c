import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lineOf, parseSlow, parseYaml } from "../src/engine/facts/yaml.js";
import { normalisedName } from "../src/engine/facts/imported.js";
import { JoinedText } from "../src/engine/joined-text.js";
import { WordList } from "../src/engine/word-list.js";
import { PathSearch } from "../src/engine/path-search.js";
import { matchAny } from "../src/engine/paths.js";
import { buildFacts } from "../src/engine/facts/index.js";
import { evalText } from "../src/engine/predicates/files.js";
import { linearPatterns, nativePatterns, type EvalContext } from "../src/engine/predicates/result.js";
import { snippetOf } from "../src/engine/text.js";

/** Path segments and glob pieces from a small alphabet, so that random globs often match random paths. */
const segment = fc.constantFrom(
  "a",
  "b",
  "dvc.yaml",
  "x.yml",
  "Dockerfile",
  "Dockerfile.dev",
  ".dvc",
  "ab.json",
  "c.YAML",
  "f2.txt",
  "f2",
  "{a}",
  "a.py",
  "Makefile",
  "GNUmakefile",
);
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
const globPiece = fc.constantFrom(
  "**",
  "*",
  "a",
  "dvc.yaml",
  "*.y{a,}ml",
  "Dockerfile*",
  ".dvc",
  "*.json",
  "*.[jy]son",
  "?b.json",
  "!(a)",
  "*.YAML",
  "f{1..3}.txt",
  "f{1..3}",
  "{a}",
  "a\\.py",
  "*akefile",
  "Makefile",
  "*.{py,txt}",
);
const glob = fc.array(globPiece, { minLength: 1, maxLength: 3 }).map((s) => s.join("/"));

describe("PathSearch", () => {
  it("answers exactly what testing every path against every glob answers, in tree order", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(path, { maxLength: 30 }),
        fc.array(glob, { minLength: 1, maxLength: 3 }),
        fc.array(glob, { maxLength: 2 }),
        (paths, globs, exclude) => {
          const sorted = [...paths].sort();
          const naive = sorted.filter((p) => matchAny(p, globs) && !matchAny(p, exclude));
          expect(new PathSearch(sorted).matching(globs, exclude)).toEqual(naive);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("JoinedText", () => {
  // The separator inside a text or a needle matters.
  const text = fc
    .array(fc.constantFrom("a", "b", "_", "A", "\0", "-"), { maxLength: 8 })
    .map((c) => c.join(""));

  it("finds the texts holding a needle exactly as a search of each text would", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 12 }), text, (items, needle) => {
        const expected = items.flatMap((t, i) => (t.includes(needle) ? [i] : []));
        expect([...JoinedText.of(items).holding(needle)]).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("WordList", () => {
  // Words hold no NUL; one character lower-cases to two. A pattern may be pinned to a word's start or end.
  const word = fc
    .array(fc.constantFrom("a", "b", "_", "A", "İ", "é"), { minLength: 1, maxLength: 6 })
    .map((c) => c.join(""));
  const pattern = fc
    .tuple(
      fc.boolean(),
      fc.array(fc.constantFrom("a", "b", "-", "i"), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
    )
    .map(([start, c, end]) => `${start ? "\0" : ""}${c.join("")}${end ? "\0" : ""}`);
  const listOf = (words: string[]) => {
    const starts: number[] = [];
    let text = "\0";
    for (const w of words) {
      starts.push(text.length);
      text += `${w}\0`;
    }
    return WordList.of({ text, starts: Int32Array.from(starts), firstId: 0 });
  };

  it("finds the words holding a pattern, pinned or not, normalised or not, as a search of each word would", () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), pattern, fc.boolean(), (words, p, normalise) => {
        const own = normalise ? words.map(normalisedName) : words;
        const expected = own.flatMap((w, i) => (`\0${w}\0`.includes(p) ? [i] : []));
        const list = normalise ? listOf(words).normalised(normalisedName) : listOf(words);
        expect([...list.holding(p)]).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("text predicate", () => {
  // Lines, line ends (\r\n too) and patterns whose per-line and whole-text readings could differ.
  // No comment characters: what a text predicate strips is not the question here.
  const line = fc.array(fc.constantFrom("a", "b", " ", "\r"), { maxLength: 5 }).map((c) => c.join(""));
  const patterns = ["^a", "b$", "a\\s*b", "a(?!b)", "a(?!\\s)", "(?<!\\s)b$", "a[^b]", "^\\s*$", "a\\b"];

  it("finds the lines a search of each line finds, on either pattern engine", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(line, { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        fc.subarray(patterns, { minLength: 1 }),
        fc.boolean(),
        (files, pattern, linear) => {
          // RE2 has no lookarounds; config patterns with them are refused before they get here.
          fc.pre(!linear || !pattern.some((p) => p.includes("(?")));
          const texts = new Map(files.map((lines, i) => [`f${i}.txt`, lines.join("\n")]));
          const facts = buildFacts({ paths: [...texts.keys()], texts, unreadable: new Map() });
          const engine = linear ? linearPatterns : nativePatterns;
          const ctx = { facts, pattern: engine } as unknown as EvalContext;
          const expected = [...texts].flatMap(([path, text]) =>
            text
              .split("\n")
              .flatMap((l, i) =>
                pattern.some((p) => engine(p, "i").test(l))
                  ? [{ path, line: i + 1, snippet: snippetOf(l) }]
                  : [],
              ),
          );
          const result = evalText(ctx, { glob: ["*.txt"], pattern });
          expect(result.evidence).toEqual(expected.slice(0, 5));
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** A parsed YAML value walked by key, for assertions. */
type Tree = { [key: string]: Tree } & Tree[];

describe("YAML facts", () => {
  const documents = [
    "on:\n  push:\n    branches: [main]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          pytest\n",
    "# leading comment\n\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: x\n---\nkind: Service\n",
    "base: &b\n  retries: 3\njob:\n  <<: *b\n  cmd: train\n",
    "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !GetAtt Role.Arn\n      Code: !Ref Bucket\n",
    "a: 1\na: 2\nlist:\n- x\n-   y\n- {k: v}\n",
  ];

  /** Every mapping key's and sequence item's line, by its path in the document. */
  function linesOf(value: unknown, at = "", out: Record<string, number | undefined> = {}) {
    if (Array.isArray(value))
      value.forEach((item, i) => {
        out[`${at}[${i}]`] = lineOf(value, i);
        linesOf(item, `${at}[${i}]`, out);
      });
    else if (value && typeof value === "object")
      for (const [key, item] of Object.entries(value)) {
        out[`${at}.${key}`] = lineOf(value, key);
        linesOf(item, `${at}.${key}`, out);
      }
    return out;
  }

  it("parses to the same values and lines as the yaml package's slower path", () => {
    for (const text of documents) {
      const fast = parseYaml("f.yml", text);
      const reference = parseSlow("f.yml", text);
      expect(fast.error).toBeUndefined();
      expect(fast.docs).toEqual(reference.docs);
      expect(linesOf(fast.docs)).toEqual(linesOf(reference.docs));
    }
    const [workflow] = parseYaml("ci.yml", documents[0]).docs as Tree[];
    expect(lineOf(workflow, "jobs")).toBe(4);
    expect(lineOf(workflow.jobs.t, "steps")).toBe(7);
    expect(lineOf(workflow.jobs.t.steps, 1)).toBe(9);
    const [deployment, service] = parseYaml("k.yml", documents[1]).docs as Tree[];
    expect(lineOf(deployment)).toBe(3);
    expect(lineOf(deployment.spec.template.spec.containers, 0)).toBe(9);
    expect(lineOf(service, "kind")).toBe(12);
  });

  it("keeps the documents that parse when another one does not, and names the error", () => {
    const file = parseYaml("m.yml", "kind: A\n---\nkey: [unclosed\n---\nkind: B\n");
    expect(file.error).toBeTruthy();
    expect(file.docs).toContainEqual({ kind: "A" });
    expect(file.docs).toContainEqual({ kind: "B" });
  });

  it("refuses an alias bomb and deep nesting with a reason instead of expanding them", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    expect(parseYaml("bomb.yml", levels.join("\n")).error).toMatch(/alias/);
    expect(parseYaml("deep.yml", "[".repeat(5000)).error).toBeTruthy();
  });
});
