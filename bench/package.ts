import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { MACHINE, median, writeSection } from "./report.js";

/**
 * What a user downloads and installs: the packed CLI's size, its installed size and how long a global
 * install of the tarball takes (offline: the package has no dependencies), next to what the same
 * install pulled before the split, which the server's production dependencies still are.
 */
const RUNS = 5;
const work = mkdtempSync(join(tmpdir(), "mlops-audit-package-"));
const env = { ...process.env, npm_config_cache: join(work, "cache"), npm_config_update_notifier: "false" };
const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, env, encoding: "utf8" });
const du = (path: string) =>
  Number(execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t")[0]) / 1024;

const packStarted = performance.now();
const tarball = join(work, npm(["pack", "--silent", "--pack-destination", work], process.cwd()).trim());
const packMs = performance.now() - packStarted;
const tarballKb = Math.round(statSync(tarball).size / 1024);

const installs: number[] = [];
let installedMb = 0;
for (let i = 0; i < RUNS; i++) {
  const prefix = join(work, `prefix-${i}`);
  const started = performance.now();
  npm(["install", "--global", "--offline", "--no-audit", "--no-fund", "--prefix", prefix, tarball], work);
  installs.push(performance.now() - started);
  installedMb = du(join(prefix, "lib", "node_modules", "mlops-audit"));
}

// The server's production dependencies, which every install of the CLI pulled before the split.
const server = join(work, "server");
mkdirSync(join(server, "packages", "server"), { recursive: true });
for (const f of ["package.json", "package-lock.json", "packages/server/package.json"])
  copyFileSync(f, join(server, f));
npm(["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"], server);
const serverMb = du(join(server, "node_modules"));
rmSync(work, { recursive: true, force: true });

writeSection("package", [
  "## The installable CLI",
  "",
  `Measured by \`npm run bench:package\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)} (a shared`,
  `machine: the times swing with the other tenants). \`npm pack\` bundles the CLI on \`prepack\`; the install is`,
  `\`npm install --global --offline\` of that tarball into a fresh prefix, ${RUNS} times, with an empty npm cache.`,
  "",
  "| what | size | time |",
  "|---|--:|--:|",
  `| \`npm pack\` (bundle included) | ${tarballKb} KB tarball | ${(packMs / 1000).toFixed(1)} s |`,
  `| global install of the tarball | ${installedMb.toFixed(1)} MB installed, no dependencies | ${(median(installs) / 1000).toFixed(1)} s median, ${(Math.min(...installs) / 1000).toFixed(1)} s fastest |`,
  `| before the split: the server's production dependencies, which that install pulled | ${serverMb.toFixed(0)} MB | — |`,
]);
