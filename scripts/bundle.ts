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

/**
 * The bundle with every character past ASCII written as an escape (`\u201c`): with one such character the
 * engine keeps the whole source, which it holds for the life of the process, at two bytes a character (1.7 MB
 * more for the CLI). esbuild already writes strings, templates and names in ASCII; what it leaves is in
 * comments and in regular-expression literals, where an escape (a surrogate pair's two, past the first plane)
 * means the same character. It would not after a backslash (`/\é/`), at a character that ends a `//` comment
 * (U+2028, U+2029), or in a raw template: a bundle with any of them stops the build.
 */
const PAST_ASCII = /[\u0080-\uffff]/g;
function asciiOnly(text: string): string {
  const unsafe = /\\[\u0080-\uffff]|[\u2028\u2029]|String\.raw`[^`]*[\u0080-\uffff]/.exec(text);
  if (unsafe)
    throw new Error(`a character past ASCII that an escape would change: ${JSON.stringify(unsafe[0])}`);
  return text.replace(PAST_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

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
  const text = asciiOnly(result.outputFiles![0].text);
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
