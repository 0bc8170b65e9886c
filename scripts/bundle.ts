import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { build, type BuildOptions } from "esbuild";

/**
 * Builds the two single-file programs people run without this repository's node_modules:
 * - the CLI that `npm pack` ships (dist/cli/, built on `prepack`, so the package has no dependencies), and
 * - the GitHub Action (action/index.mjs, committed, because a runner executes the repository as checked out).
 * `--check` builds the Action in memory and fails when the committed file differs, as CI runs it;
 * `--only NAME` builds one of them (packing needs only the CLI).
 */
const BUNDLES = [
  { name: "cli", entry: "src/bin.ts", out: "dist/cli/mlops-audit.mjs", committed: false },
  { name: "action", entry: "src/action/main.ts", out: "action/index.mjs", committed: true },
];

/**
 * The committed bundle is minified and leaves out undici (see scripts/bundle-stubs/undici.mjs), which keeps it
 * under a megabyte: CI compares it with a fresh build, so it is reviewed through its sources, not read itself.
 */
const committedOptions: BuildOptions = {
  minify: true,
  plugins: [
    {
      name: "undici-stub",
      setup(b) {
        b.onResolve({ filter: /^undici$/ }, () => ({ path: resolve("scripts/bundle-stubs/undici.mjs") }));
      },
    },
  ],
};

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Some dependencies are CommonJS and call require() for Node's own modules.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
  legalComments: "none",
  write: false,
  logLevel: "warning",
};

const check = process.argv.includes("--check");
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
let stale = 0;
for (const bundle of BUNDLES) {
  if ((check && !bundle.committed) || (only && bundle.name !== only)) continue;
  const result = await build({
    ...common,
    ...(bundle.committed ? committedOptions : {}),
    entryPoints: [bundle.entry],
    outfile: bundle.out,
  });
  const text = result.outputFiles![0].text;
  if (check) {
    let committed = "";
    try {
      committed = readFileSync(bundle.out, "utf8");
    } catch {
      /* missing: reported below */
    }
    if (committed !== text) {
      console.error(
        `${bundle.out} differs from a fresh build of ${bundle.entry}: run "npm run bundle" and commit it`,
      );
      stale++;
    }
    continue;
  }
  mkdirSync(dirname(bundle.out), { recursive: true });
  writeFileSync(bundle.out, text, { mode: 0o755 });
}
process.exitCode = stale ? 1 : 0;
