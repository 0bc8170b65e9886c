import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";

const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;

/**
 * Runs `npm test`'s script line as npm does (through sh), with a stand-in `vitest` on PATH that logs
 * each call and exits with the code given for the suite (no `-c`) or the log scan (`-c …`).
 */
function runTestScript(suiteCode: number, scanCode: number) {
  const bin = mkdtempSync(join(tmpdir(), "mlops-audit-npm-test-"));
  const log = join(bin, "calls");
  writeFileSync(
    join(bin, "vitest"),
    `#!/bin/sh\necho "$*" >> "${log}"\ncase "$*" in *-c*) exit ${scanCode};; *) exit ${suiteCode};; esac\n`,
  );
  chmodSync(join(bin, "vitest"), 0o755);
  const run = spawnSync("sh", ["-c", scripts.test], {
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` },
  });
  return { code: run.status, calls: readFileSync(log, "utf8").trim().split("\n") };
}

describe("npm test", () => {
  it("runs the log scan even when the suite fails, and fails with the suite", () => {
    const { code, calls } = runTestScript(1, 0);
    expect(calls).toEqual(["run", "run -c vitest.suite-log.config.ts"]);
    expect(code).toBe(1);
  });

  it("fails when only the log scan fails, and passes when both pass", () => {
    expect(runTestScript(0, 1).code).not.toBe(0);
    expect(runTestScript(0, 0).code).toBe(0);
  });
});
