import { describe, expect, it } from "vitest";
import { firstPatternProblem } from "../src/config/patterns.js";
import { parseConfig, settingsFrom, validateConfig } from "../src/config/load.js";
import { audit } from "../src/engine/audit.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { loadCatalogue } from "../src/rules/load.js";

const catalogue = loadCatalogue();
const parse = (text: string) => parseConfig(text, ".github/mlops-audit.yml", catalogue);

/** A config with one custom rule whose pass predicate is `pass` (YAML flow text). */
const withRule = (pass: string) =>
  [
    "rules:",
    "  custom:",
    "    - id: team.pattern",
    "      phase: foundations",
    "      title: A pattern of our own",
    "      weight: 1",
    "      why: w",
    "      remediation: r",
    "      docs: https://example.org",
    `      pass: ${pass}`,
    "",
  ].join("\n");

describe("the size of a repository's config", () => {
  it("is capped at 64 KB, 20,000 values and 50 custom rules, each refused with a reason", () => {
    const big = parse(`# ${"x".repeat(70 * 1024)}\n`);
    expect(big.ok || big.error).toMatch(/larger than 64 KB/);
    // The app receives the config already parsed (with the org's and `_extends` merged): counted there.
    const many = validateConfig({ paths: { ignore: Array(20_001).fill("x") } }, "c", catalogue);
    expect(many.ok || many.error).toMatch(/more than 20000 values/);
    const rules = withRule("{ files: { glob: ['x'] } }").split("\n").slice(2, 10).join("\n");
    const fiftyOne = Array.from({ length: 51 }, (_, i) => rules.replace("team.pattern", `team.rule-${i}`));
    const tooMany = parse(`rules:\n  custom:\n${fiftyOne.join("\n")}\n`);
    expect(tooMany.ok || tooMany.error).toMatch(/:3: rules\.custom: .*50/);
  });
});

describe("regular expressions from a repository's config", () => {
  it.each([
    ["a back-reference", `{ text: { glob: ["*.md"], pattern: ['(a)\\1'] } }`, /invalid escape sequence/],
    ["a look-ahead", `{ python: { text: ["train(?=_v2)"] } }`, /unsupported Perl syntax/],
    ["a keyword-argument value", `{ python: { call: ["mlflow.log_param(key=(?<=x)y)"] } }`, /not supported/],
    ["an overlong one", `{ ci: { command: ["${"a".repeat(501)}"] } }`, /longer than 500 characters/],
  ])("refuses %s, naming the line and the key", (_, pass, problem) => {
    const result = parse(withRule(pass));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(
      /^\.github\/mlops-audit\.yml:10: rules\.custom\.0\.pass\.[a-z.0-9]+: the pattern /,
    );
    expect(result.error).toMatch(problem);
  });

  it("runs a pattern that would backtrack for ever in V8 on the linear-time engine, and judges it", async () => {
    const result = parse(withRule(`{ text: { glob: ["notes.txt"], pattern: ["^(a+)+$"] } }`));
    expect(result.ok).toBe(true);
    const hostile = `${"a".repeat(40_000)}b\n`;
    const card = await audit(new MemorySnapshot({ "notes.txt": hostile }), {
      catalogue,
      settings: settingsFrom(result.config),
      tool: { name: "mlops-audit", version: "test" },
      target: { name: "hostile" },
    });
    expect(card.rules.find((r) => r.id === "team.pattern")?.status).toBe("fail");
    const matching = await audit(new MemorySnapshot({ "notes.txt": "aaaa\n" }), {
      catalogue,
      settings: settingsFrom(result.config),
      tool: { name: "mlops-audit", version: "test" },
      target: { name: "plain" },
    });
    expect(matching.rules.find((r) => r.id === "team.pattern")?.status).toBe("pass");
  });

  it("every pattern of the catalogue also runs there, so a custom rule may `use` its definitions", () => {
    for (const rule of catalogue.phases.flatMap((p) => p.rules))
      expect(firstPatternProblem(rule)).toBeUndefined();
    for (const definition of Object.values(catalogue.definitions))
      expect(firstPatternProblem({ pass: definition })).toBeUndefined();
  });
});
