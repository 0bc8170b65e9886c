import { spawnSync } from "node:child_process";
import { chmodSync, cpSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../bench/trees.js";
import { cliOutput } from "../scripts/goldens.js";

/** tsx's loader by its full address, for a CLI started outside the checkout. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
type Rule = { id: string; status: string; message: string };
const ruleOf = (card: { rules: Rule[] }, id: string) => card.rules.find((r) => r.id === id)!;

/**
 * The CLI in its own process as a user who cannot read what mode 000 locks: root reads everything, so
 * where the tests run as root the CLI runs as `nobody`.
 */
function cliAsUser(args: string[]) {
  const asRoot = process.getuid?.() === 0;
  const run = spawnSync(process.execPath, ["--import", TSX, resolve("src/bin.ts"), ...args], {
    encoding: "utf8",
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    env: { ...process.env, HOME: "/tmp" },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A copy of a fixture that any user can read, with `locked` (relative paths) made unreadable. */
function lockedCopy(fixture: string, locked: string[]): string {
  const dir = writeTree({});
  cpSync(`fixtures/repos/${fixture}`, dir, { recursive: true });
  spawnSync("chmod", ["-R", "a+rX", dir]);
  for (const path of locked) chmodSync(join(dir, path), 0o000);
  return dir;
}

describe("what the CLI cannot read", () => {
  it("an unreadable directory is a one-line error and exit 2, not a scorecard", () => {
    const dir = lockedCopy("middling", ["."]);
    const { code, stdout, stderr } = cliAsUser([dir]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`mlops-audit: cannot read ${dir}: permission denied\n`);
  });

  it("an unreadable sub-folder makes the rules that would have read it inconclusive, naming it", () => {
    const dir = lockedCopy("middling", [".github"]);
    const { code, stdout } = cliAsUser([dir, "--format", "json"]);
    expect(code).toBe(0);
    const card = JSON.parse(stdout);
    const pipeline = ruleOf(card, "cicd.pipeline");
    expect(pipeline.status).toBe("inconclusive");
    expect(pipeline.message).toBe(
      "Could not read folder .github/ (permission denied), which this rule needs.",
    );
    // A hidden folder holds configuration: the rules that read only Python keep their verdict.
    expect(ruleOf(card, "serving.api").status).toBe("pass");
    expect(ruleOf(card, "tracking.experiments").status).not.toBe("inconclusive");
    expect(card.notes.join(" ")).toContain("folder .github/ (permission denied)");
  });
});

describe("input the CLI refuses or warns about", () => {
  it("paths.root that is not a folder of DIR, or climbs out of it, exits 2 with one line", async () => {
    const missing = writeTree({ ".github/mlops-audit.yml": "paths:\n  root: services/nope\n", "a.py": "" });
    let out = await cliOutput([missing]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`mlops-audit: paths.root "services/nope" is not a folder of ${missing}\n`);
    const climbing = writeTree({ ".github/mlops-audit.yml": "paths:\n  root: ../..\n" });
    out = await cliOutput([climbing]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      "mlops-audit: invalid config: .github/mlops-audit.yml:2: paths.root: must be a folder inside the repository (no ..)\n",
    );
  });

  it("an empty directory gets its scorecard with a note saying there was nothing to judge", async () => {
    for (const fmt of ["json", "text"]) {
      const { code, stdout } = await cliOutput([writeTree({}), "--format", fmt]);
      expect(code).toBe(0);
      expect(stdout).toContain("holds no file the audit reads");
    }
    const card = JSON.parse((await cliOutput(["fixtures/repos/middling", "--format", "json"])).stdout);
    expect(card.notes.join(" ")).not.toContain("holds no file");
  });

  it('--fail-below "" is bad usage, not a threshold of 0', async () => {
    for (const value of ["", "  "]) {
      const { code, stderr } = await cliOutput(["fixtures/repos/middling", "--fail-below", value]);
      expect(code).toBe(2);
      expect(stderr.split("\n")[0]).toBe("mlops-audit: --fail-below takes a number from 0 to 100");
    }
  });

  it("--config that is missing or a directory exits 2 with the reason", async () => {
    let out = await cliOutput(["fixtures/repos/middling", "--config", "no-such.yml"]);
    expect(out).toMatchObject({ code: 2, stdout: "" });
    expect(out.stderr).toBe("mlops-audit: cannot read config no-such.yml: no such file or directory\n");
    out = await cliOutput(["fixtures/repos/middling", "--config", "fixtures"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe("mlops-audit: cannot read config fixtures: is a directory\n");
  });

  it("fail_below above pass is accepted with a warning on stderr", async () => {
    const dir = writeTree({ "cfg.yml": "thresholds:\n  pass: 50\n  fail_below: 70\n" });
    const { code, stdout, stderr } = await cliOutput([
      "fixtures/repos/middling",
      "--config",
      join(dir, "cfg.yml"),
      "--format",
      "json",
    ]);
    expect(JSON.parse(stdout).score).toBeLessThan(70);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "mlops-audit: warning: thresholds.fail_below (70) is above thresholds.pass (50), so a score between them fails although it reaches pass\n",
    );
  });
});

describe("npm run audit", () => {
  const npmAudit = (cwd: string, args: string[]) =>
    spawnSync("npm", ["run", "-s", "audit", "--", ...args], { cwd, encoding: "utf8" });

  it("resolves DIR and --config from the caller's folder, not the package's", () => {
    const sub = resolve("fixtures");
    const run = npmAudit(sub, ["repos/middling", "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout).target.name).toBe("middling");
    const here = npmAudit(resolve("fixtures/repos/monorepo/fraud"), [".", "--format", "json"]);
    expect(JSON.parse(here.stdout).target.name).toBe("fraud");
  });

  it("leaves any other caller's paths to its own working folder, whatever outer npm command set INIT_CWD", () => {
    const dir = writeTree({ "x/y.py": "import os\n" });
    const run = spawnSync(
      process.execPath,
      ["--import", TSX, resolve("src/bin.ts"), ".", "--format", "json"],
      {
        cwd: join(dir, "x"),
        encoding: "utf8",
        env: { ...process.env, INIT_CWD: dir, npm_lifecycle_event: "test" },
      },
    );
    expect(JSON.parse(run.stdout).target.name).toBe("x");
  });
});
