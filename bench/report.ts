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

/**
 * The machine's own noise: a fixed arithmetic loop, timed as many times as asked. Where its median is far
 * above its fastest run, other tenants took the CPU, and the fastest run is the better estimate of cost.
 */
export function calibrate(runs: number): { median: number; fastest: number } {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    let x = 0;
    for (let i = 0; i < 3e6; i++) x = (x * 31 + i) % 1000003;
    times.push(performance.now() - t);
    if (x < 0) throw new Error("unreachable");
  }
  return { median: median(times), fastest: Math.min(...times) };
}
