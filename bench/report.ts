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
