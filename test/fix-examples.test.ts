import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { Status } from "../src/engine/model.js";
import { FIXERS, planFixes } from "../src/fix/index.js";
import { auditFiles, catalogue, problemsOf, withPlan, worse } from "./fix-helpers.js";

interface FixerFile {
  fixer: string;
  rules: string[];
  summary: string;
  examples: {
    name: string;
    files: Record<string, string>;
    writes: Record<string, string[]>;
    after: Record<string, Status>;
  }[];
}

const DIR = join(import.meta.dirname, "..", "rules", "fixes");
const documented: FixerFile[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .map((f) => parse(readFileSync(join(DIR, f), "utf8")));

it("every fixer is documented in rules/fixes/, with its rules and at least one example", () => {
  expect(documented.map((d) => d.fixer).sort()).toEqual(FIXERS.map((f) => f.id).sort());
  for (const d of documented) {
    expect(d.rules).toEqual(FIXERS.find((f) => f.id === d.fixer)!.rules);
    expect(d.examples.length).toBeGreaterThan(0);
  }
});

describe.each(documented.map((d) => [d.fixer, d] as const))(
  "%s writes what its examples show",
  (_id, doc) => {
    const fixer = FIXERS.find((f) => f.id === doc.fixer)!;
    it.each(doc.examples.map((e) => [e.name, e] as const))("%s", async (_name, example) => {
      const before = await auditFiles(example.files);
      const plan = planFixes(before.facts, before.card, catalogue, fixer.rules, [fixer]);
      const written = plan.fixes.flatMap((f) => f.files);
      expect(written.map((f) => f.path).sort()).toEqual(Object.keys(example.writes).sort());
      for (const f of written) {
        for (const text of example.writes[f.path]) expect(f.content, f.path).toContain(text);
        expect(problemsOf(f.path, f.content)).toEqual([]);
      }
      const after = await auditFiles(withPlan(example.files, plan));
      const statuses = Object.fromEntries(
        Object.keys(example.after).map((id) => [id, after.card.rules.find((r) => r.id === id)!.status]),
      );
      expect(statuses).toEqual(example.after);
      expect(worse(before.card, after.card)).toEqual([]);
    });
  },
);
