import { createServer } from "node:net";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { cliOutput } from "../scripts/goldens.js";
import { filesOf, wantedPaths } from "./github/fake-github.js";
import { openApiProblems } from "./github/openapi.js";
import { SimulatedGitHub, type Files, type Route } from "./github/simulated-github.js";

/**
 * `mlops-audit OWNER/REPO` against a local HTTP server playing GitHub (as an Enterprise server, through
 * --api-url), serving a fixture's real files as a tree and blobs. Every request is checked against
 * GitHub's OpenAPI description.
 */
const FIXTURE = "fixtures/repos/middling";
const HEAD = "1111111111111111111111111111111111111111";
const TAG = "2222222222222222222222222222222222222222";
const TOKEN = "ghp_reachTestTokenNeverPrinted0000000000";

const files: Files = Object.fromEntries(
  Object.entries(filesOf(FIXTURE)).map(([path, bytes]) => [path, bytes.toString("utf8")]),
);
const github = new SimulatedGitHub()
  .commit(HEAD, files)
  .commit(TAG, { "README.md": "# taxi\n" })
  .repository("learner", "taxi-mlops", "main", { main: HEAD, "v1.0": TAG });
let server: Awaited<ReturnType<SimulatedGitHub["listen"]>>;

beforeAll(async () => {
  // Test files share a worker: another file's nock may still refuse connections; this one talks to 127.0.0.1.
  nock.enableNetConnect("127.0.0.1");
  server = await github.listen();
});
afterAll(() => server.close());
beforeEach(() => {
  github.requests.length = 0;
  github.routes.length = 0;
});

async function byName(args: string[], { env = {}, stderrIsTTY = false } = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main([...args, "--api-url", server.apiUrl], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    isTTY: false,
    stderrIsTTY,
    env,
  });
  return { code, stdout, stderr };
}

describe("auditing a repository by name", () => {
  it("gives the score of the same files on disk, at the default branch's commit, in the requests it should", async () => {
    const got = await byName(["learner/taxi-mlops", "--format", "json"]);
    expect(got).toMatchObject({ code: 0, stderr: "" });
    const card = JSON.parse(got.stdout);
    const local = JSON.parse((await cliOutput([FIXTURE, "--format", "json"])).stdout);
    expect(card.score).toBe(local.score);
    expect(card.rules.map((r: { status: string }) => r.status)).toEqual(
      local.rules.map((r: { status: string }) => r.status),
    );
    expect(card.target).toEqual({
      name: "learner/taxi-mlops",
      commit: HEAD,
      url: "https://github.com/learner/taxi-mlops",
    });
    const paths = github.requests.map((r) => r.url.split("?")[0]);
    expect(paths.slice(0, 3)).toEqual([
      "/repos/learner/taxi-mlops",
      "/repos/learner/taxi-mlops/commits/main",
      `/repos/learner/taxi-mlops/git/trees/${HEAD}`,
    ]);
    const blobs = paths.filter((p) => p.includes("/git/blobs/"));
    expect(blobs.length).toBe(new Set(wantedPaths(filesOf(FIXTURE)).map((p) => files[p])).size);
    expect(paths.length).toBe(3 + blobs.length);
    expect(github.requests.flatMap((r) => openApiProblems(r))).toEqual([]);
    expect(github.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it("links evidence to github.com at the audited commit, in markdown and html", async () => {
    const md = await byName(["https://github.com/learner/taxi-mlops", "--format", "markdown"]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(`](https://github.com/learner/taxi-mlops/blob/${HEAD}/`);
    const html = await byName(["learner/taxi-mlops", "--format", "html"]);
    expect(html.stdout).toContain(`href="https://github.com/learner/taxi-mlops/blob/${HEAD}/`);
  });

  it("prints every format, and nothing but the scorecard on stdout", async () => {
    for (const format of ["text", "markdown", "json", "sarif", "html"]) {
      const got = await byName(["learner/taxi-mlops", "--format", format]);
      expect(got.code).toBe(0);
      expect(got.stderr).toBe("");
      expect(got.stdout.length).toBeGreaterThan(500);
    }
    expect(JSON.parse((await byName(["learner/taxi-mlops", "--format", "sarif"])).stdout).version).toBe(
      "2.1.0",
    );
  });

  it("audits the commit a tag or branch names, after @ or in a /tree/ address", async () => {
    for (const target of ["learner/taxi-mlops@v1.0", "https://github.com/learner/taxi-mlops/tree/v1.0"]) {
      const card = JSON.parse((await byName([target, "--format", "json"])).stdout);
      expect(card.target.commit).toBe(TAG);
    }
  });

  it("sends GITHUB_TOKEN when it is set, and never prints it", async () => {
    const got = await byName(["learner/taxi-mlops"], { env: { GITHUB_TOKEN: TOKEN } });
    expect(got.code).toBe(0);
    expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    expect(got.stdout + got.stderr).not.toContain(TOKEN);
  });

  it("shows progress on a terminal's stderr only, and clears it", async () => {
    const got = await byName(["learner/taxi-mlops", "--format", "json"], { stderrIsTTY: true });
    expect(got.code).toBe(0);
    expect(got.stderr).toMatch(/learner\/taxi-mlops@1111111: tree read \(\d+ files\); read \d+ of \d+/);
    expect(got.stderr.endsWith("\r\x1b[K")).toBe(true);
    expect(() => JSON.parse(got.stdout)).not.toThrow();
  });
});

describe("a repository that cannot be audited gets one line and exit 2", () => {
  const oneLine = (got: { code: number; stdout: string; stderr: string }) => {
    expect(got.code).toBe(2);
    expect(got.stdout).toBe("");
    expect(got.stderr.trimEnd().split("\n")).toHaveLength(1);
    return got.stderr;
  };

  it("an unknown or private repository, saying whether a token was used", async () => {
    expect(oneLine(await byName(["learner/nothing-here"]))).toBe(
      "mlops-audit: learner/nothing-here: learner/nothing-here was not found: it does not exist, or it is private and no GITHUB_TOKEN is set\n",
    );
    expect(oneLine(await byName(["learner/nothing-here"], { env: { GITHUB_TOKEN: TOKEN } }))).toMatch(
      /it is private and GITHUB_TOKEN cannot read it\n$/,
    );
  });

  it("a ref that does not exist", async () => {
    expect(oneLine(await byName(["learner/taxi-mlops@no-such-branch"]))).toBe(
      'mlops-audit: learner/taxi-mlops@no-such-branch: learner/taxi-mlops has no branch, tag or commit named "no-such-branch"\n',
    );
  });

  it("the rate limit, with its reset time, whether it is hit first or among the blobs", async () => {
    const reset = Date.UTC(2026, 11, 6, 15, 42) / 1000;
    const limited =
      (path: RegExp): Route =>
      (_method, at) =>
        path.test(at)
          ? [
              403,
              { message: "API rate limit exceeded for 127.0.0.1." },
              { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
            ]
          : undefined;
    github.routes.push(limited(/^\/repos\/[^/]+\/[^/]+$/));
    expect(oneLine(await byName(["learner/taxi-mlops"]))).toMatch(
      /: GitHub's rate limit was reached; it resets at 15:42 UTC \(without GITHUB_TOKEN, GitHub allows 60 requests an hour/,
    );
    // Half-way through the files: no scorecard of inconclusive rules, the same one line.
    github.routes.length = 0;
    github.routes.push(limited(/\/git\/blobs\//));
    expect(oneLine(await byName(["learner/taxi-mlops"], { env: { GITHUB_TOKEN: TOKEN } }))).toBe(
      "mlops-audit: learner/taxi-mlops: GitHub's rate limit was reached; it resets at 15:42 UTC\n",
    );
  });

  it("a network failure", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    let stderr = "";
    const code = await main(["learner/taxi-mlops", "--api-url", `http://127.0.0.1:${port}`], {
      stdout: () => {},
      stderr: (s) => (stderr += s),
      isTTY: false,
      env: {},
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `mlops-audit: learner/taxi-mlops: cannot reach http://127.0.0.1:${port} (ECONNREFUSED): a network failure\n`,
    );
  });

  it("--api-url with a directory is a usage error", async () => {
    const got = await cliOutput([FIXTURE, "--api-url", "http://127.0.0.1:1"]);
    expect(got.code).toBe(2);
    expect(got.stderr).toMatch(/--api-url applies only to an OWNER\/REPO target/);
  });
});
