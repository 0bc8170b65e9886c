import { readFileSync } from "node:fs";
import { parseAllDocuments, LineCounter } from "yaml";
import { parseYaml } from "../src/engine/facts/yaml.js";
import { fromMarkdown } from "mdast-util-from-markdown";
const t = readFileSync("fixtures/repos/complete/.github/workflows/ci.yml", "utf8");
const md = readFileSync("fixtures/repos/complete/README.md", "utf8");
for (const [name, f] of [
  ["lib", () => parseAllDocuments(t, { lineCounter: new LineCounter() })],
  ["ours", () => parseYaml("x", t)],
  ["md", () => fromMarkdown(md)],
] as const) {
  for (let round = 0; round < 3; round++) {
    const s = performance.now();
    for (let i = 0; i < 200; i++) (f as () => unknown)();
    console.log(name, ((performance.now() - s) / 200).toFixed(3), "ms");
  }
}
