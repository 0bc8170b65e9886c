import { describe, expect, it } from "vitest";
import { cliOutput } from "../scripts/goldens.js";
import { main } from "../src/cli.js";
import { progressLine } from "../src/render/progress.js";

describe("the progress line", () => {
  it("appears only after two seconds, redraws at most every 100 ms, and is wiped at the end", () => {
    let clock = 0;
    let out = "";
    const line = progressLine(
      (s) => (out += s),
      () => clock,
    );
    line.report("listing files", 1_000);
    clock = 1_999;
    line.report("reading files", 10, 3_000);
    expect(out).toBe("");
    clock = 2_000;
    line.report("reading files", 2_500, 3_000);
    expect(out).toBe("\r\x1b[Kmlops-audit: reading files 2,500/3,000…");
    clock = 2_050;
    line.report("judging rules", 1, 35);
    expect(out).not.toContain("judging");
    clock = 2_100;
    line.report("judging rules", 2, 35);
    expect(out.endsWith("\r\x1b[Kmlops-audit: judging rules 2/35…")).toBe(true);
    line.end();
    expect(out.endsWith("\r\x1b[K")).toBe(true);
  });

  it("leaves stderr empty when nothing was shown", () => {
    let out = "";
    const line = progressLine(
      (s) => (out += s),
      () => 0,
    );
    line.report("judging rules", 1, 35);
    line.end();
    expect(out).toBe("");
  });

  it("a quick audit on a terminal prints no progress; one off a terminal is never told", async () => {
    let stderr = "";
    const io = { stdout: () => {}, stderr: (s: string) => (stderr += s), isTTY: true, stderrIsTTY: true };
    expect(await main(["fixtures/repos/middling"], io)).toBe(0);
    expect(stderr).toBe("");
    expect((await cliOutput(["fixtures/repos/middling"])).stderr).toBe("");
  });
});
