import { DEFAULT_SETTINGS, MAX_FILE_BYTES, readSnapshot, scorecardFromFacts } from "../src/engine/audit.js";
import { buildFacts } from "../src/engine/facts/index.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { loadCatalogue } from "../src/rules/load.js";
import { TOOL } from "../src/version.js";
import { calibrate, MACHINE, noiseLine, median, writeSection } from "./report.js";
import { completeFixture, portfolioTree, servicesTree, syntheticTree } from "./trees.js";

/**
 * Times the full catalogue. "Read" is taking every wanted file from an in-memory snapshot and decoding
 * it; "engine" is building facts and judging every rule, which is the figure the targets speak of.
 * Medians over repeated runs, after one warm-up run; peak memory is the largest RSS seen.
 */
const catalogue = loadCatalogue();
const input = { catalogue, tool: TOOL, target: { name: "bench" } };

async function measure(name: string, files: Record<string, string>, runs: number) {
  const snapshot = new MemorySnapshot(files);
  const read: number[] = [];
  const engine: number[] = [];
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const read0 = await readSnapshot(snapshot, DEFAULT_SETTINGS, MAX_FILE_BYTES, 16);
    const t1 = performance.now();
    const card = scorecardFromFacts(buildFacts(read0), input);
    const t2 = performance.now();
    peak = Math.max(peak, process.memoryUsage().rss);
    if (card.rules.length !== 35) throw new Error("the catalogue did not run whole");
    if (i > 0) {
      read.push(t1 - t0);
      engine.push(t2 - t1);
    }
  }
  clearInterval(sampler);
  const readCount = Object.keys(files).filter((p) => !p.endsWith(".csv") && !p.endsWith(".parquet")).length;
  return {
    name,
    paths: Object.keys(files).length,
    readCount,
    runs,
    read: median(read),
    engine: median(engine),
    fastest: Math.min(...engine),
    peakMb: peak / 1048576,
  };
}

const before = calibrate(30);
const results = [
  await measure("fixture: complete", completeFixture(), 20),
  await measure("portfolio, ~300 files", portfolioTree(), 20),
  await measure("20 services, one repository", servicesTree(20), 20),
  await measure("synthetic, 1,000 paths", syntheticTree(1_000), 10),
  await measure("synthetic, 10,000 paths", syntheticTree(10_000), 5),
  await measure("synthetic, 100,000 paths", syntheticTree(100_000), 3),
];

const after = calibrate(30);
const rows = results.map(
  (r) =>
    `| ${r.name} | ${r.paths.toLocaleString("en")} | ${r.readCount.toLocaleString("en")} | ${r.runs} | ${r.read.toFixed(1)} | ${r.engine.toFixed(1)} | ${r.fastest.toFixed(1)} | ${r.peakMb.toFixed(0)} |`,
);
writeSection("engine", [
  "## Engine: the full catalogue",
  "",
  `Measured by \`npm run bench\` on ${MACHINE}, ${new Date().toISOString().slice(0, 10)}.`,
  "Read = taking each wanted file from an in-memory snapshot and decoding it. Engine = building facts once per",
  "file and judging all 35 rules (the figure the targets name). Medians over the runs after one warm-up; peak",
  "memory is the largest resident set size seen during that tree's runs (the process, not the tree alone).",
  "",
  "| tree | paths | files with content | runs | read ms | engine ms, median | engine ms, fastest | peak RSS MB |",
  "|---|--:|--:|--:|--:|--:|--:|--:|",
  ...rows,
  "",
  noiseLine(before, after, "the trees"),
]);
