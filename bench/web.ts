import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildWeb, connectSources } from "../scripts/build-web.js";
import { launchChromium } from "../test/github/chromium.js";
import { SimulatedGitHub, type Files } from "../test/github/simulated-github.js";
import { serveStaticSite } from "../test/github/static-site.js";
import { MACHINE, median, writeSection } from "./report.js";
import { completeFixture, portfolioTree } from "./trees.js";

/**
 * The browser audit: the built site's size, and the time from opening `#OWNER/REPO` to a scorecard on
 * screen in headless Chromium, with GitHub (API and raw host, simulated on localhost) answering every
 * request, preflights included, 50 ms late. Each run is a fresh browser context (nothing cached).
 */
const RTT_MS = 50;
const RUNS = 5;
const HEAD = "4444444444444444444444444444444444444444";

const dir = mkdtempSync(join(tmpdir(), "mlops-audit-web-bench-"));
const built = await buildWeb(dir, connectSources("http://127.0.0.1:*"));
const sizes = built.map((name) => {
  const bytes = readFileSync(join(dir, name));
  return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const site = await serveStaticSite(dir, built);
const browser = await launchChromium();
const which = `${browser.version()}`;

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const rows: string[] = [];
for (const [label, files] of [
  ["`complete` fixture", completeFixture()],
  ["portfolio tree", portfolioTree()],
] as [string, Files][]) {
  const github = new SimulatedGitHub()
    .commit(HEAD, files)
    .repository("learner", "repo", "main", { main: HEAD });
  const api = await github.listen(RTT_MS, { browser: true });
  const times: number[] = [];
  let counts = { api: 0, raw: 0, preflights: 0 };
  for (let run = 0; run < RUNS; run++) {
    github.requests.length = 0;
    github.rawRequests.length = 0;
    github.preflights = 0;
    const context = await browser.newContext();
    const page = await context.newPage();
    const query = `?api=${encodeURIComponent(api.apiUrl)}&raw=${encodeURIComponent(api.rawUrl)}`;
    const started = performance.now();
    await page.goto(`${site.origin}/${query}#learner/repo`);
    await page.locator("#scorecard .score").waitFor();
    times.push(performance.now() - started);
    counts = { api: github.requests.length, raw: github.rawRequests.length, preflights: github.preflights };
    await context.close();
  }
  await api.close();
  rows.push(
    `| ${label} | ${Object.keys(files).length} | ${Math.round(median(times))} ms median, ${Math.round(Math.min(...times))} ms fastest | ${counts.api} | ${counts.raw} | ${counts.preflights} |`,
  );
}
await browser.close();
await site.close();
rmSync(dir, { recursive: true, force: true });

const total = sizes.reduce((s, f) => ({ raw: s.raw + f.raw, gzip: s.gzip + f.gzip }), { raw: 0, gzip: 0 });
writeSection("web", [
  "## The audit in the browser",
  "",
  `Measured by \`npm run bench:web\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)} (a shared machine: the`,
  `times swing with the other tenants), in headless Chromium (${which}). The site is \`npm run build:web\`'s`,
  "output, served from localhost; the simulated GitHub answers every request (CORS preflights included)",
  `${RTT_MS} ms late. Time is from opening \`…/#learner/repo\` to the scorecard on screen, ${RUNS} runs, each in a`,
  "fresh browser context. API requests are the ones counting against the hourly allowance (no token).",
  "",
  "| file | raw | gzip -9 |",
  "|---|--:|--:|",
  ...sizes.map((f) => `| \`${f.name}\` | ${kb(f.raw)} | ${kb(f.gzip)} |`),
  `| total | ${kb(total.raw)} | ${kb(total.gzip)} |`,
  "",
  `| repository | files | to a scorecard at ${RTT_MS} ms | API requests | raw reads | preflights |`,
  "|---|--:|--:|--:|--:|--:|",
  ...rows,
]);
