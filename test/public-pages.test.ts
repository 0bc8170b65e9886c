import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import nock from "nock";
import type { Browser } from "playwright-core";
import type { Server } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createState } from "../src/app/index.js";
import { audit } from "../src/engine/audit.js";
import { wantsDeployments, workflowsToVerify } from "../src/engine/verification.js";
import { LocalSource } from "../src/sources/local.js";
import { TOOL } from "../src/version.js";
import { FakeGitHub, filesOf, gitBlobSha, INSTALLATION_ID, wantedPaths } from "./github/fake-github.js";
import { launchChromium } from "./github/chromium.js";
import { fakeGitHubPerTest } from "./github/per-test.js";
import { startTestServer } from "./github/probot.js";

/**
 * The public scorecard page and badges, served by the app's real HTTP server from check-run data that
 * nock serves, and looked at in headless Chromium (driven by playwright-core; see launchChromium for which).
 */
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const SCREENSHOTS = ".ci/out/screenshots";
const github = fakeGitHubPerTest();

let server: Server;
let origin: string;
let browser: Browser;
const state = createState();
beforeAll(async () => {
  ({ server, origin } = await startTestServer(state, "s"));
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The installation token is asked for once, then cached by the app for the hour it lasts. */
let tokenIssued = false;
function installationToken() {
  if (!tokenIssued) github.token({ actions: "read", deployments: "read", checks: "write", contents: "read" });
  tokenIssued = true;
}

/** GitHub's answers for a public repository whose default branch was audited at `sha`. */
async function publicRepository(repo: string, fixture: string, sha: string) {
  nock.enableNetConnect("127.0.0.1");
  const base = `/repos/learner/${repo}`;
  github.scope.get(`${base}/installation`).reply(200, { id: INSTALLATION_ID });
  installationToken();
  github.scope.get(base).reply(200, {
    name: repo,
    full_name: `learner/${repo}`,
    private: false,
    visibility: "public",
    default_branch: "main",
    html_url: `https://github.com/learner/${repo}`,
  });
  github.scope
    .get(`${base}/commits/main/check-runs`)
    .query({ check_name: "MLOps readiness", status: "completed", filter: "latest", per_page: "20" })
    .reply(200, {
      total_count: 1,
      check_runs: [
        {
          id: 1,
          head_sha: sha,
          external_id: "mlops-audit",
          status: "completed",
          completed_at: "2026-11-20T10:30:00Z",
          output: { title: "Readiness 100/100 · A · Level 2" },
        },
      ],
    });
  // Blobs already fetched for an earlier test are served from the app's cache, as in a running app.
  const files = filesOf(`fixtures/repos/${fixture}`);
  const fetched = wantedPaths(files).filter((p) => !state.cache.blobs.has(gitBlobSha(files[p])));
  const fake = Object.assign(Object.create(Object.getPrototypeOf(github)), github, { repo });
  fake.noConfig().commit(sha, files, fetched);
  await greenRuns(fake, fixture, base);
  github.scope.get(`${base}/git/commits/${sha}`).reply(200, {
    sha,
    committer: { name: "learner", email: "learner@example.org", date: "2026-11-19T08:15:00Z" },
  });
}

/** The installation grants `actions: read`: every workflow the audit credits last ran green; no deployments. */
async function greenRuns(fake: FakeGitHub, fixture: string, base: string) {
  const card = await audit(await LocalSource.open(`fixtures/repos/${fixture}`), {
    catalogue: state.catalogue,
    tool: TOOL,
    target: { name: fixture },
  });
  for (const w of workflowsToVerify(card)) {
    const file = w.path.split("/").pop()!;
    const run = {
      id: 9,
      status: "completed",
      conclusion: "success",
      event: w.scheduled ? "schedule" : "push",
      head_branch: "main",
      html_url: `https://github.com/learner/${fixture}/actions/runs/9`,
      updated_at: "2026-11-20T09:00:00Z",
      head_repository: { full_name: `learner/${fixture}` },
    };
    fake.workflowRuns(file, [200, { total_count: 1, workflow_runs: [run] }], w.scheduled);
  }
  if (wantsDeployments(card)) fake.scope.get(`${base}/deployments`).query({ per_page: "1" }).reply(200, []);
}

async function look(path: string, width: number, screenshot: string) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => requests.push(r.url()));
  const response = await page.goto(`${origin}${path}`);
  await page.screenshot({ path: `${SCREENSHOTS}/${screenshot}-${width}.png`, fullPage: false });
  const result = {
    status: response?.status(),
    headers: response?.headers() ?? {},
    errors,
    requests,
    score: await page.locator(".score").innerText(),
    scoreVisible: await page.locator(".score").isVisible(),
    hrefs: await page.locator(".evidence a").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? "")),
    page,
    context,
  };
  return result;
}

/** axe-core in the page; the page's CSP forbids scripts, so this check runs in a context that bypasses it. */
async function seriousViolations(path: string): Promise<string[]> {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${origin}${path}`);
  await page.addScriptTag({ content: AXE });
  const violations = (await page.evaluate(async () => {
    const result = await (
      window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }
    ).axe.run();
    return result.violations;
  })) as { id: string; impact: string }[];
  await context.close();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
}

describe("the public scorecard page", () => {
  for (const [fixture, sha] of [
    ["complete", "1".repeat(40)],
    ["middling", "2".repeat(40)],
  ] as const)
    it(`renders the ${fixture} fixture at 1280 and 390 px, self-contained and accessible`, async () => {
      await publicRepository(fixture, fixture, sha);
      for (const width of [1280, 390]) {
        const seen = await look(`/scorecards/learner/${fixture}`, width, fixture);
        expect(seen.status).toBe(200);
        expect(seen.errors).toEqual([]);
        expect(seen.scoreVisible).toBe(true);
        expect(seen.score).toMatch(/^\d{1,3}\s*\/100$/);
        expect(seen.requests.every((u) => u.startsWith(origin))).toBe(true);
        expect(seen.hrefs.length).toBeGreaterThan(0);
        for (const href of seen.hrefs)
          expect(href).toContain(`https://github.com/learner/${fixture}/blob/${sha}/`);
        expect(seen.headers["content-security-policy"]).toContain("default-src 'none'");
        const text = await seen.page.locator("main").innerText();
        // Trust at a glance: the commit and the audit's date beside the score, and what grade and level mean.
        expect(text).toContain(
          `Audited commit ${sha.slice(0, 7)} (committed 2026-11-19 08:15 UTC) on 2026-11-20 10:30 UTC.`,
        );
        expect(text).toMatch(/Grade: A ≥ 80, B ≥ 60, C ≥ 40, D ≥ 20, else E\. Level \d of 0–2/);
        expect(await seen.page.locator("h1 a").getAttribute("href")).toBe(
          `https://github.com/learner/${fixture}`,
        );
        expect(await seen.page.locator(".meta a").getAttribute("href")).toBe(
          `https://github.com/learner/${fixture}/commit/${sha}`,
        );
        // What GitHub's records say: a small mark on each rule whose workflow last ran green.
        expect(await seen.page.locator(".records-verified a").first().innerText()).toMatch(
          /^verified by GitHub: last run ✓/,
        );
        // Code is shown as code, never as backticks; the badge is for the repository's people, not visitors.
        expect(text).not.toContain("`");
        expect(text).not.toMatch(/badge/i);
        // Each rule says why it matters; each checklist item opens onto the rules that decide it.
        expect(await seen.page.locator(".rule .why").count()).toBe(35);
        expect(
          await seen.page.locator(".checklist details a[href^='#rule-']").count(),
        ).toBeGreaterThanOrEqual(5);
        // The phase rows read on a phone: labels at least 12 px, nothing wider than the screen.
        const phases = await seen.page.locator(".phases .name").evaluateAll((els) =>
          els.map((e) => ({
            size: parseFloat(getComputedStyle(e).fontSize),
            right: e.getBoundingClientRect().right,
          })),
        );
        expect(phases).toHaveLength(10);
        for (const p of phases) {
          expect(p.size).toBeGreaterThanOrEqual(12);
          expect(p.right).toBeLessThanOrEqual(width);
        }
        expect(await seen.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          width,
        );
        await seen.page
          .locator(".phases")
          .screenshot({ path: `${SCREENSHOTS}/${fixture}-phases-${width}.png` });
        await seen.context.close();
      }
      expect(await seriousViolations(`/scorecards/learner/${fixture}`)).toEqual([]);
    }, 90_000);
});

describe("badges", () => {
  it("serve SVG and shields.io JSON from the same audit", async () => {
    await publicRepository("badged", "complete", "3".repeat(40));
    const svg = await fetch(`${origin}/badges/learner/badged.svg`);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(await svg.text()).toContain("MLOps readiness: 100 · A");
    const json = await (await fetch(`${origin}/badges/learner/badged.json`)).json();
    expect(json).toEqual({
      schemaVersion: 1,
      label: "MLOps readiness",
      message: "100 · A",
      color: "brightgreen",
    });
  });
});

describe("privacy", () => {
  it("a private repository gets the same 404 as an unknown one", async () => {
    nock.enableNetConnect("127.0.0.1");
    github.scope.get("/repos/learner/secret-project/installation").reply(200, { id: INSTALLATION_ID });
    installationToken();
    github.scope.get("/repos/learner/secret-project").reply(200, {
      name: "secret-project",
      private: true,
      visibility: "private",
      default_branch: "main",
      html_url: "https://github.com/learner/secret-project",
    });
    github.scope.get("/repos/learner/no-such-repo/installation").reply(404, { message: "Not Found" });
    const strip = async (r: Response) => ({
      status: r.status,
      body: await r.text(),
      headers: [...r.headers].filter(([k]) => !["date", "connection", "keep-alive"].includes(k)),
    });
    const hidden = await strip(await fetch(`${origin}/scorecards/learner/secret-project`));
    const unknown = await strip(await fetch(`${origin}/scorecards/learner/no-such-repo`));
    expect(hidden.status).toBe(404);
    expect(hidden).toEqual(unknown);
    // Cached: asking again costs GitHub nothing and still says nothing.
    expect((await fetch(`${origin}/badges/learner/secret-project.svg`)).status).toBe(404);
  });
});
