import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export const MACHINE = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;

/** Replaces (or appends) the section between `<!-- bench:NAME:start -->` and its end marker in BENCHMARKS.md. */
export function writeSection(name: string, lines: string[]): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = [start, ...lines, end].join("\n");
  let doc = "";
  try {
    doc = readFileSync("BENCHMARKS.md", "utf8");
  } catch {
    doc = "# Benchmarks\n\n";
  }
  const pattern = new RegExp(`${start}[\\s\\S]*${end}`);
  doc = pattern.test(doc) ? doc.replace(pattern, () => section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync("BENCHMARKS.md", doc);
  console.log(section);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface Noise {
  median: number;
  fastest: number;
  /** Median milliseconds to fill a newly allocated 64 MB buffer: what first touches of memory cost. */
  freshMemory: number;
}

/**
 * The machine's own noise: a fixed arithmetic loop, timed as many times as asked. Where its median is far
 * above its fastest run, other tenants took the CPU, and the fastest run is the better estimate of cost.
 * The loop stays in cache, so it misses the other cost that swings on a shared machine, first touches of
 * fresh memory, which filling a new buffer measures.
 */
export function calibrate(runs: number): Noise {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    let x = 0;
    for (let i = 0; i < 3e6; i++) x = (x * 31 + i) % 1000003;
    times.push(performance.now() - t);
    if (x < 0) throw new Error("unreachable");
  }
  return { median: median(times), fastest: Math.min(...times), freshMemory: freshMemoryMs() };
}

/**
 * Fills a newly allocated 64 MB buffer five times and returns the median milliseconds. In a child process,
 * so that the buffers never count in a benchmark's own memory.
 */
function freshMemoryMs(): number {
  const fill = `const t = []; for (let k = 0; k < 5; k++) { const s = performance.now();
    if (Buffer.alloc(64 * 1048576, 1)[0] !== 1) throw 0; t.push(performance.now() - s); }
    process.stdout.write(JSON.stringify(t));`;
  const out = execFileSync(process.execPath, ["-e", fill], { encoding: "utf8" });
  return median(JSON.parse(out) as number[]);
}

/** The line under each table that says how noisy the machine was while it was measured. */
export function noiseLine(before: Noise, after: Noise, during: string): string {
  const ms = (n: number) => n.toFixed(0);
  return (
    `Machine noise in the same run: a fixed arithmetic loop took ${ms(before.median)} ms median and ` +
    `${ms(before.fastest)} ms fastest before ${during}, ${ms(after.median)} and ${ms(after.fastest)} ms after; ` +
    `filling a newly allocated 64 MB buffer took ${ms(before.freshMemory)} ms before and ${ms(after.freshMemory)} ms after.`
  );
}
