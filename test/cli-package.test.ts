import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliOutput } from "../scripts/goldens.js";
import { filesOf } from "./github/fake-github.js";
import { SimulatedGitHub } from "./github/simulated-github.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/**
 * The package as a new user gets it: `npm pack` (which bundles the CLI on prepack), then a global
 * install of the tarball into a fresh prefix, offline: the package must need nothing from a registry.
 */
let dir: string;
let bin: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlops-audit-pack-"));
  const env = {
    ...process.env,
    npm_config_cache: join(dir, "npm-cache"),
    npm_config_update_notifier: "false",
  };
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: ROOT, env });
  const tarball = join(dir, stdout.trim().split("\n").pop()!);
  await run(
    "npm",
    ["install", "--global", "--offline", "--no-audit", "--no-fund", "--prefix", join(dir, "prefix"), tarball],
    { cwd: dir, env },
  );
  bin = join(dir, "prefix", "bin", "mlops-audit");
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The installed bin, run from a folder outside the repository as a user would, with its exit code. */
async function installed(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(bin, args, { cwd: dir, env: { PATH: process.env.PATH!, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("the installed CLI", () => {
  it("audits a directory with the same score as the CLI run from the checkout", async () => {
    const fixture = join(ROOT, "fixtures/repos/middling");
    const got = await installed([fixture, "--format", "json"]);
    expect(got.code).toBe(0);
    const want = JSON.parse((await cliOutput([fixture, "--format", "json"])).stdout);
    const card = JSON.parse(got.stdout);
    expect(card.score).toBe(want.score);
    expect(card.rules).toEqual(want.rules);
    expect(card.tool).toEqual({ name: "mlops-audit", version: VERSION });
  });

  it("audits a repository by name through --api-url with the score of the same files on disk", async () => {
    const fixture = join(ROOT, "fixtures/repos/middling");
    const sha = "3333333333333333333333333333333333333333";
    const files = Object.fromEntries(
      Object.entries(filesOf(fixture)).map(([p, b]) => [p, b.toString("utf8")]),
    );
    const github = new SimulatedGitHub()
      .commit(sha, files)
      .repository("learner", "taxi-mlops", "main", { main: sha });
    const server = await github.listen();
    try {
      const got = await installed(["learner/taxi-mlops", "--api-url", server.apiUrl, "--format", "json"]);
      expect(got.code).toBe(0);
      const want = JSON.parse((await cliOutput([fixture, "--format", "json"])).stdout);
      expect(JSON.parse(got.stdout)).toMatchObject({ score: want.score, target: { commit: sha } });
    } finally {
      await server.close();
    }
  });

  it("prints its version and its usage, each with exit 0", async () => {
    expect(await installed(["--version"])).toEqual({
      code: 0,
      stdout: `mlops-audit ${VERSION}\n`,
      stderr: "",
    });
    const help = await installed(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: mlops-audit DIR \| OWNER\/REPO/);
  });

  it("answers a bad argument or no argument with one line, the usage and exit 2", async () => {
    for (const args of [["--frmat", "json"], []]) {
      const got = await installed(args);
      expect(got.code).toBe(2);
      expect(got.stdout).toBe("");
      expect(got.stderr).toMatch(/^mlops-audit: .+\nusage: mlops-audit/);
    }
  });

  it("installs the CLI alone: no dependency, nothing from the server", () => {
    const pkg = JSON.parse(
      readFileSync(join(dir, "prefix", "lib", "node_modules", "mlops-audit", "package.json"), "utf8"),
    );
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.bin).toEqual({ "mlops-audit": "dist/cli/mlops-audit.mjs" });
  });
});
