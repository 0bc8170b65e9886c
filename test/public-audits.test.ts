import nock from "nock";
import type { Server } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createState } from "../src/app/index.js";
import { publicAudits } from "../src/app/public/uninstalled.js";
import { cliOutput } from "../scripts/goldens.js";
import { FakeGitHub, filesOf, INSTALLATION_ID } from "./github/fake-github.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { startTestServer } from "./github/probot.js";

/**
 * With MLOPS_AUDIT_PUBLIC_AUDITS=true, the app's public page audits a public repository where it is not
 * installed, through the token of its own installation: by commit, at most `perHour` audits an hour for
 * one client, never a private repository. The app's real HTTP server; GitHub is nock, every request
 * checked against GitHub's OpenAPI description.
 */
const github = fakeGitHubPerTest();
const state = createState();
state.publicAudits = publicAudits(1);
let server: Server;
let origin: string;

beforeAll(async () => {
  ({ server, origin } = await startTestServer(state, "s"));
});
afterAll(async () => {
  await server?.stop();
});

const HEAD = "6".repeat(40);

/** The same fake GitHub, for another repository of the same owner. */
function repository(repo: string): FakeGitHub {
  return Object.assign(Object.create(Object.getPrototypeOf(github)), github, { repo }) as FakeGitHub;
}

/** A repository without the app, visible (or not) to the app's own installation, its default branch at HEAD. */
function notInstalled(repo: string, visibility: "public" | "private", { firstLookup = false } = {}) {
  nock.enableNetConnect("127.0.0.1");
  github.scope.get(`/repos/learner/${repo}/installation`).reply(404, { message: "Not Found" });
  if (firstLookup) {
    github.scope
      .get("/app/installations")
      .query({ per_page: "1" })
      .reply(200, [{ id: INSTALLATION_ID, account: { login: "someone-else" } }]);
    github.token();
  }
  github.scope.get(`/repos/learner/${repo}`).reply(200, {
    name: repo,
    full_name: `learner/${repo}`,
    private: visibility === "private",
    visibility,
    default_branch: "main",
    html_url: `https://github.com/learner/${repo}`,
  });
  if (visibility === "public")
    github.scope
      .get(`/repos/learner/${repo}/commits/main`)
      .reply(200, HEAD, { "content-type": "application/vnd.github.sha; charset=utf-8" });
}

describe("public audits of repositories without the app", () => {
  it("audit the default branch with the app's own installation, with the score of the same files on disk", async () => {
    notInstalled("open-data", "public", { firstLookup: true });
    repository("open-data").noConfig().commit(HEAD, filesOf("fixtures/repos/middling"));
    github.scope.get(`/repos/learner/open-data/git/commits/${HEAD}`).reply(200, {
      sha: HEAD,
      committer: { name: "L", email: "l@example.com", date: "2026-12-01T09:00:00Z" },
    });
    const page = await fetch(`${origin}/scorecards/learner/open-data`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const local = JSON.parse((await cliOutput(["fixtures/repos/middling", "--format", "json"])).stdout);
    expect(html).toMatch(new RegExp(`class="score"[^>]*>\\s*${local.score}\\b`));
    expect(html).toContain(`https://github.com/learner/open-data/blob/${HEAD}/`);
    expect(html).toMatch(/committed [^)]*2026-12-01/);
  });

  it("serve the same commit again from its audit: two requests, no tree, nothing counted", async () => {
    state.publicCards.clear();
    notInstalled("open-data", "public");
    const page = await fetch(`${origin}/scorecards/learner/open-data`);
    expect(page.status).toBe(200);
    expect(github.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /repos/learner/open-data/installation",
      "GET /repos/learner/open-data",
      "GET /repos/learner/open-data/commits/main",
    ]);
    expect([...state.publicAudits!.clients.values()].flat()).toHaveLength(1);
  });

  it("refuse a client its audit past the hour's allowance, with 429 and the wait", async () => {
    notInstalled("more-data", "public");
    const page = await fetch(`${origin}/scorecards/learner/more-data`);
    expect(page.status).toBe(429);
    const wait = Number(page.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(3000);
    expect(wait).toBeLessThanOrEqual(3600);
    expect(await page.text()).toMatch(/^Too many audits from this address; try again in \d+ minutes\.\n$/);
  });

  it("never audit a private repository: the same 404 as an unknown one", async () => {
    notInstalled("secret-data", "private");
    github.scope.get("/repos/learner/gone/installation").reply(404, { message: "Not Found" });
    github.scope.get("/repos/learner/gone").reply(404, { message: "Not Found" });
    const hidden = await fetch(`${origin}/badges/learner/secret-data.svg`);
    const unknown = await fetch(`${origin}/badges/learner/gone.svg`);
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).toBe(await unknown.text());
    expect(unknown.status).toBe(404);
  });

  it("are off unless turned on", async () => {
    const { publicAuditsFrom } = await import("../src/app/public/uninstalled.js");
    expect(publicAuditsFrom({})).toBeUndefined();
    expect(publicAuditsFrom({ MLOPS_AUDIT_PUBLIC_AUDITS: "1" })).toBeUndefined();
    expect(publicAuditsFrom({ MLOPS_AUDIT_PUBLIC_AUDITS: "true" })?.perHour).toBe(10);
  });
});
