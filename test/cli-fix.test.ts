import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliOutput } from "../scripts/goldens.js";
import { writeNew } from "../src/cli-fix.js";
import type { Scorecard } from "../src/engine/model.js";
import { problemsOf } from "./fix-helpers.js";

const ROOT = join(import.meta.dirname, "..");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copyOf(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mlops-fix-"));
  dirs.push(dir);
  cpSync(join(ROOT, fixture), dir, { recursive: true });
  return dir;
}

function filesUnder(dir: string): Map<string, string> {
  return new Map(
    (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
      .filter((e) => e.isFile())
      .map((e) => {
        const path = join(e.parentPath, e.name);
        return [path.slice(dir.length + 1), readFileSync(path, "utf8")];
      }),
  );
}

const cardOf = async (dir: string): Promise<Scorecard> =>
  JSON.parse((await cliOutput([dir, "--format", "json"])).stdout);

describe("mlops-audit fix on a copy of fixtures/repos/middling", () => {
  it("raises the score; every rule it touched passes (data.pipeline waits for dvc repro); nothing written is an echo or a placeholder", async () => {
    const dir = copyOf("fixtures/repos/middling");
    const before = await cardOf(dir);
    const original = filesUnder(dir);
    const run = await cliOutput(["fix", dir]);
    expect(run.code).toBe(0);
    const after = await cardOf(dir);
    expect(after.score).toBeGreaterThan(before.score);
    const written = [...filesUnder(dir)].filter(([p]) => !original.has(p));
    expect(written.map(([p]) => p).sort()).toEqual([
      ".github/workflows/ci.yml",
      ".github/workflows/publish-image.yml",
      ".pre-commit-config.yaml",
      "dvc.yaml",
      "monitoring/prometheus.yml",
      "predict_metrics.py",
      "ruff.toml",
    ]);
    for (const [path, content] of written) expect(problemsOf(path, content)).toEqual([]);
    for (const [path, content] of original) expect(readFileSync(join(dir, path), "utf8")).toBe(content);
    const status = (card: Scorecard, id: string) => card.rules.find((r) => r.id === id)!.status;
    for (const id of ["cicd.tests", "cicd.delivery", "foundations.code-quality", "monitoring.metrics"])
      expect(`${id} ${status(after, id)}`).toBe(`${id} pass`);
    expect(status(after, "data.pipeline")).toBe("partial");
    expect(run.stdout).toContain("to do: Run the pipeline and commit its record: dvc repro");
    expect(run.stdout).toMatch(new RegExp(`Score ${before.score} → ${after.score}\\.`));
  });

  it("--dry-run writes nothing and prints a diff that git apply accepts as it is", async () => {
    const dir = copyOf("fixtures/repos/middling");
    const original = filesUnder(dir);
    const run = await cliOutput(["fix", dir, "cicd.tests", "--dry-run"]);
    expect(run.code).toBe(0);
    expect(filesUnder(dir)).toEqual(original);
    expect(run.stdout).toMatch(
      /^diff --git a\/\.github\/workflows\/ci\.yml b\/\.github\/workflows\/ci\.yml\nnew file mode 100644\n--- \/dev\/null\n/,
    );
    expect(run.stderr).toContain("would write .github/workflows/ci.yml");
    writeFileSync(join(dir, "fix.patch"), run.stdout);
    execFileSync("git", ["apply", "fix.patch"], { cwd: dir });
    const card = await cardOf(dir);
    expect(card.rules.find((r) => r.id === "cicd.tests")!.status).toBe("pass");
  });

  it("writes only what the named rules need, and says what it cannot fix", async () => {
    const dir = copyOf("fixtures/repos/middling");
    const run = await cliOutput(["fix", dir, "cicd.delivery", "cloud.iac"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("wrote .github/workflows/publish-image.yml");
    expect(run.stdout).toContain("cloud.iac: not fixed, no fixer for this rule yet");
    expect(run.stdout).not.toContain("ci.yml");
  });
});

describe("never overwriting", () => {
  it("refuses a path a file holds, and leaves that file as it was", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-fix-"));
    dirs.push(dir);
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\n");
    expect(writeNew(dir, { path: "Dockerfile", content: "FROM python:3.12\n" })).toBe(
      "a file is already there",
    );
    expect(readFileSync(join(dir, "Dockerfile"), "utf8")).toBe("FROM scratch\n");
    expect(writeNew(dir, { path: "../outside", content: "x\n" })).toBe("outside the directory");
    expect(writeNew(dir, { path: "a/b/new.yml", content: "k: v\n" })).toBeNull();
    expect(readFileSync(join(dir, "a/b/new.yml"), "utf8")).toBe("k: v\n");
  });
});

describe("bad input", () => {
  it.each([
    [["fix"], "no directory given"],
    [["fix", "fixtures/repos/middling", "cicd.nope"], "unknown rule cicd.nope"],
    [["fix", "no/such/dir"], "cannot read no/such/dir: no such directory"],
    [["fix", "fixtures/repos/middling", "--colour"], "Unknown option '--colour'"],
  ])("%j: one line, exit 2", async (args, message) => {
    const run = await cliOutput(args);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toContain(message);
  });
});
