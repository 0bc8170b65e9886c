import { describe, expect, it } from "vitest";
import { audit } from "../src/engine/audit.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { loadCatalogue } from "../src/rules/load.js";

const catalogue = loadCatalogue();
const tool = { name: "mlops-audit", version: "test" };

describe("every example of every rule gets the status it documents", () => {
  for (const phase of catalogue.phases) {
    for (const rule of phase.rules) {
      describe(rule.id, () => {
        for (const example of rule.examples) {
          it(example.name, async () => {
            const card = await audit(new MemorySnapshot(example.files), {
              catalogue,
              tool,
              target: { name: "example" },
            });
            const finding = card.rules.find((r) => r.id === rule.id)!;
            expect({ status: finding.status, message: finding.message }).toMatchObject({
              status: example.status,
            });
          });
        }
      });
    }
  }
});

describe("the examples cover what the catalogue asks of them", () => {
  for (const rule of catalogue.phases.flatMap((p) => p.rules)) {
    it(`${rule.id} has a pass, a fail and, where it has one, a partial example`, () => {
      const statuses = new Set(rule.examples.map((e) => e.status));
      expect(statuses.has("pass")).toBe(true);
      expect(statuses.has("fail")).toBe(true);
      if (rule.partial) expect(statuses.has("partial")).toBe(true);
    });
  }
});
