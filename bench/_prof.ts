import { loadCatalogue } from "../src/rules/load.js";
import { readSnapshot, scorecardFromFacts, DEFAULT_SETTINGS } from "../src/engine/audit.js";
import { buildFacts } from "../src/engine/facts/index.js";
import { LocalSource } from "../src/sources/local.js";
async function go() {
  const cat = loadCatalogue();
  const src = await LocalSource.open("fixtures/repos/complete");
  for (let i = 0; i < 30; i++) {
    let t = performance.now();
    const files = await readSnapshot(src, DEFAULT_SETTINGS, 1 << 20, 8);
    const a = performance.now() - t;
    t = performance.now();
    const facts = buildFacts(files);
    const b = performance.now() - t;
    t = performance.now();
    scorecardFromFacts(facts, { catalogue: cat, tool: { name: "x", version: "1" }, target: { name: "c" } });
    const c = performance.now() - t;
    if (i % 5 === 4) console.log(`read ${a.toFixed(1)} facts ${b.toFixed(1)} rules ${c.toFixed(1)}`);
  }
}
go();
