import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The tool's own name and version, from package.json, for every output. */
function findPackageJson(): { name: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (pkg.name === "mlops-audit") return { name: pkg.name, version: pkg.version };
    } catch {
      /* keep looking upward */
    }
    dir = dirname(dir);
  }
  return { name: "mlops-audit", version: "0.0.0" };
}

export const TOOL = findPackageJson();
