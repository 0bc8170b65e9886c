import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { PAGE_STYLE } from "../src/render/page-style.js";
import { loadCatalogue } from "../src/rules/load.js";
import { GITHUB_API, GITHUB_RAW } from "../src/sources/repository-name.js";
import { TOOL } from "../src/version.js";

/**
 * Builds the static site (`npm run build:web` → dist/web/): index.html, style.css, page.js and worker.js.
 * The rules are validated here and written into the worker, so the browser never parses a rule file.
 * The page may connect only to GitHub's API and raw hosts, plus the origins in WEB_CONNECT_SRC
 * (space-separated: a GitHub Enterprise server, or a test's local one).
 */

const ORIGIN = /^(https?:\/\/[A-Za-z0-9.-]+|https?:\/\/\[[0-9a-fA-F:]+\])(:(\d+|\*))?$/;

export function connectSources(extra = process.env.WEB_CONNECT_SRC ?? ""): string[] {
  const named = extra.split(/\s+/).filter(Boolean);
  for (const origin of named)
    if (!ORIGIN.test(origin))
      throw new Error(
        `WEB_CONNECT_SRC: "${origin}" is not an origin (write https://host or http://host:port)`,
      );
  return [GITHUB_API, GITHUB_RAW, ...named];
}

export function siteCsp(connect: string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect.join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** `mlops-audit:build`: the catalogue and the tool's version, as the build found them. */
function buildTimeValues(): Plugin {
  return {
    name: "mlops-audit-build-time",
    setup(b) {
      b.onResolve({ filter: /^mlops-audit:build$/ }, () => ({ path: "build", namespace: "mlops-audit" }));
      b.onLoad({ filter: /.*/, namespace: "mlops-audit" }, () => ({
        contents: `export const catalogue = ${JSON.stringify(loadCatalogue())};\nexport const tool = ${JSON.stringify(TOOL)};\n`,
        loader: "js",
      }));
    },
  };
}

export async function buildWeb(outDir = "dist/web", connect = connectSources()): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { page: "src/web/page.ts", worker: "src/web/worker.ts" },
    outdir: outDir,
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    minify: true,
    legalComments: "none",
    plugins: [buildTimeValues()],
    logLevel: "warning",
  });
  const catalogue = loadCatalogue();
  const html = readFileSync("src/web/index.html", "utf8")
    .replace("{{CSP}}", siteCsp(connect))
    .replace("{{TOOL}}", TOOL.name)
    .replace("{{VERSION}}", TOOL.version)
    .replace("{{RULESET}}", catalogue.version);
  writeFileSync(join(outDir, "index.html"), html);
  writeFileSync(join(outDir, "style.css"), `${PAGE_STYLE}\n${readFileSync("src/web/site.css", "utf8")}`);
  return ["index.html", "style.css", "page.js", "worker.js"];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const outDir = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1] : undefined;
  const files = await buildWeb(outDir);
  console.log(`built ${files.join(", ")} in ${outDir ?? "dist/web"}`);
}
