import { readSnapshot, DEFAULT_SETTINGS } from "../src/engine/audit.js";
import { parsePython } from "../src/engine/facts/python.js";
import { parseYaml } from "../src/engine/facts/yaml.js";
import { findSecrets } from "../src/engine/facts/secrets.js";
import { parseReadme } from "../src/engine/facts/readme.js";
import { extractDependencies } from "../src/engine/facts/dependencies.js";
import { kindsOf } from "../src/engine/facts/index.js";
import { LocalSource } from "../src/sources/local.js";
async function go() {
  const src = await LocalSource.open("fixtures/repos/complete");
  const files = await readSnapshot(src, DEFAULT_SETTINGS, 1 << 20, 8);
  const T: Record<string, number> = {};
  const time = (k: string, f: () => unknown) => {
    const t = performance.now();
    f();
    T[k] = (T[k] ?? 0) + performance.now() - t;
  };
  for (let i = 0; i < 20; i++) {
    for (const [p, t] of files.texts) {
      time("kinds", () => kindsOf(p));
      if (p.endsWith(".py")) time("py", () => parsePython(p, t));
      if (/\.ya?ml$/.test(p)) time("yaml", () => parseYaml(p, t));
      time("secrets", () => findSecrets(p, t));
      if (p === "README.md") time("readme", () => parseReadme(p, t));
    }
    time("deps", () => extractDependencies(files.paths, files.texts, new Map()));
  }
  for (const [k, v] of Object.entries(T)) console.log(k, (v / 20).toFixed(2), "ms per audit");
}
go();
