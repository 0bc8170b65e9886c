import { loadCatalogue } from "../src/rules/load.js";
for (let i = 0; i < 2; i++) {
  const t = performance.now();
  loadCatalogue();
  console.log("catalogue", (performance.now() - t).toFixed(0), "ms");
}
