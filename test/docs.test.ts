import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(path, "utf8");

/** Text that states a fact measured or decided elsewhere goes stale silently; these hold it to the source. */
describe("the README and the Dockerfile agree with what they describe", () => {
  it("the README's audits a minute for one worker spans the benchmark's", () => {
    const measured = Number(read("BENCHMARKS.md").match(/^\| 24, one job each \| 1 \| (\d+) \|/m)?.[1]);
    const range = read("README.md").match(/one worker process finishes\s+(\d+)–(\d+) audits a minute/);
    expect(range).not.toBeNull();
    expect(measured).toBeGreaterThanOrEqual(Number(range![1]));
    expect(measured).toBeLessThanOrEqual(Number(range![2]));
  });

  it("the Docker image runs a supported LTS Node inside the range package.json allows", () => {
    const images = [...read("Dockerfile").matchAll(/^FROM node:(\d+)/gm)].map((m) => Number(m[1]));
    expect(images.length).toBe(2);
    for (const major of images) expect(major).toBeGreaterThanOrEqual(24);
    const engines = JSON.parse(read("package.json")).engines.node as string;
    expect(engines).toBe("^20.18.1 || >=22");
    expect(read("README.md")).toContain("Node 20.18.1 or newer on the 20 line, or 22 and newer");
  });

  it("every CLI format is in the README's diagram, and packed tarballs are not committed", () => {
    const formats = read("src/cli-render.ts")
      .match(/const FORMATS = \[([^\]]+)\]/)![1]
      .match(/\w+/g)!;
    const diagram = read("README.md").match(/──► scorecard ──► ([^\n]+)/)![1];
    for (const format of formats) expect(diagram).toContain(format);
    expect(read(".gitignore").split("\n")).toContain("*.tgz");
  });
});
