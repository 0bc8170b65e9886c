import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWeb, connectSources } from "../scripts/build-web.js";
import { cliOutput } from "../scripts/goldens.js";
import { webSiteRoutes } from "../src/app/web-site.js";
import { launchChromium } from "./github/chromium.js";
import { filesOf } from "./github/fake-github.js";
import { SimulatedGitHub, type Files } from "./github/simulated-github.js";
import { serveStaticSite } from "./github/static-site.js";

/**
 * The static site, built as `npm run build:web` builds it (with the local origins allowed by its CSP),
 * served on localhost beside a simulated GitHub (API and raw host), and driven in headless Chromium.
 */
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const FIXTURE = "fixtures/repos/middling";
const HEAD = "3333333333333333333333333333333333333333";
const files: Files = Object.fromEntries(
  Object.entries(filesOf(FIXTURE)).map(([path, bytes]) => [path, bytes.toString("utf8")]),
);
const github = new SimulatedGitHub()
  .commit(HEAD, files)
  .repository("learner", "taxi-mlops", "main", { main: HEAD });

let dir: string;
let site: Awaited<ReturnType<typeof serveStaticSite>>;
let api: Awaited<ReturnType<SimulatedGitHub["listen"]>>;
let browser: Browser;
beforeAll(async () => {
  nock.enableNetConnect("127.0.0.1");
  dir = mkdtempSync(join(tmpdir(), "mlops-audit-web-"));
  const built = await buildWeb(dir, connectSources("http://127.0.0.1:*"));
  site = await serveStaticSite(dir, built);
  // Each answer a little late, so the progress bar is on screen long enough to be seen.
  api = await github.listen(15, { browser: true });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  github.requests.length = 0;
  github.rawRequests.length = 0;
  github.rawAuthorized = 0;
  github.routes.length = 0;
});

/** The text of an element once the page has written some. */
async function textOf(page: Page, selector: string): Promise<string> {
  await page.locator(selector).filter({ hasText: /\S/ }).waitFor();
  return page.locator(selector).innerText();
}

/** Opens the page at `#hash` against the simulated GitHub, collecting console errors. */
async function open(hash: string, options: { width?: number; bypassCSP?: boolean } = {}) {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    bypassCSP: options.bypassCSP ?? false,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  const query = `?api=${encodeURIComponent(api.apiUrl)}&raw=${encodeURIComponent(api.rawUrl)}`;
  await page.goto(`${site.origin}/${query}#${hash}`);
  return { page, context, errors, close: () => context.close() };
}

async function downloaded(page: Page, label: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByText(label).click()]);
  return readFileSync((await download.path())!, "utf8");
}

describe("the audit in the browser", () => {
  it("audits a repository named in the URL, to the CLI's score, in three API requests, showing its progress", async () => {
    const { page, errors, close } = await open("learner/taxi-mlops");
    await page.waitForFunction(() => {
      const bar = document.getElementById("progress") as HTMLProgressElement;
      return !bar.closest("[hidden]") && bar.value > 0 && bar.max > 1;
    });
    await page.locator("#scorecard .score").waitFor();
    const local = JSON.parse((await cliOutput([FIXTURE, "--format", "json"])).stdout);
    expect(await page.locator("#scorecard .score").getAttribute("aria-label")).toBe(
      `Score ${local.score} out of 100`,
    );
    const card = JSON.parse(await downloaded(page, "Download JSON"));
    expect(card.score).toBe(local.score);
    expect(card.rules.map((r: { status: string }) => r.status)).toEqual(
      local.rules.map((r: { status: string }) => r.status),
    );
    expect(card.target).toEqual({
      name: "learner/taxi-mlops",
      commit: HEAD,
      url: "https://github.com/learner/taxi-mlops",
    });
    const sarif = JSON.parse(await downloaded(page, "Download SARIF"));
    expect(sarif.version).toBe("2.1.0");
    // The API is asked three times; every file comes from the raw host at the commit.
    expect(github.requests.map((r) => r.url.split("?")[0])).toEqual([
      "/repos/learner/taxi-mlops",
      "/repos/learner/taxi-mlops/commits/main",
      `/repos/learner/taxi-mlops/git/trees/${HEAD}`,
    ]);
    expect(github.rawRequests.length).toBeGreaterThan(5);
    expect(github.rawRequests.every((u) => u.startsWith(`/raw/learner/taxi-mlops/${HEAD}/`))).toBe(true);
    expect(await textOf(page, "#allowance")).toMatch(/^19 audits left this hour/);
    await expect(page.locator(".badge-snippet code").innerText()).resolves.toContain(
      `](${site.origin}/?api=${encodeURIComponent(api.apiUrl)}&raw=${encodeURIComponent(api.rawUrl)}#learner/taxi-mlops)`,
    );
    await expect(page.locator("footer.site").innerText()).resolves.toMatch(/mlops-audit \S+, ruleset \S+/);
    const evidence = await page.locator("#scorecard .evidence a").first().getAttribute("href");
    expect(evidence).toMatch(new RegExp(`^https://github.com/learner/taxi-mlops/blob/${HEAD}/`));
    expect(errors).toEqual([]);
    await close();
  });

  it("passes axe and reads at 390 px wide", async () => {
    const { page, close } = await open("learner/taxi-mlops", { width: 390, bypassCSP: true });
    await page.locator("#scorecard .score").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.addScriptTag({ content: AXE });
    const violations = (await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }).axe;
      return (await axe.run()).violations;
    })) as { id: string; impact: string }[];
    expect(violations.map((v) => `${v.id} (${v.impact})`)).toEqual([]);
    await close();
  });

  /** A failed fetch is logged by Chromium itself; anything else in the console is the page's fault. */
  const ownErrors = (errors: string[]) => errors.filter((e) => !/^Failed to load resource/.test(e));

  it("says an unknown repository was not found", async () => {
    const { page, errors, close } = await open("learner/nothing-here");
    expect(await textOf(page, "#error")).toBe(
      "learner/nothing-here was not found: it does not exist, or it is private and no token was given",
    );
    expect(ownErrors(errors)).toEqual([]);
    await close();
  });

  it("says when GitHub's rate limit was reached, and when it resets", async () => {
    const reset = Date.UTC(2026, 11, 6, 17, 45) / 1000;
    github.routes.push((_method, path) =>
      /^\/repos\/[^/]+\/[^/]+$/.test(path)
        ? [
            403,
            { message: "API rate limit exceeded for 127.0.0.1." },
            { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
          ]
        : undefined,
    );
    const { page, errors, close } = await open("learner/taxi-mlops");
    expect(await textOf(page, "#error")).toMatch(
      /^GitHub's rate limit was reached; it resets at 17:45 UTC \(without the token/,
    );
    expect(await textOf(page, "#allowance")).toMatch(/^0 audits left this hour/);
    expect(ownErrors(errors)).toEqual([]);
    await close();
  });

  it("names a ref that does not exist, and treats markup in the address as text", async () => {
    const { page, close } = await open("learner/taxi-mlops@no-such-branch");
    expect(await textOf(page, "#error")).toBe(
      'learner/taxi-mlops has no branch, tag or commit named "no-such-branch"',
    );
    await page.evaluate(() => (location.hash = "<img src=x onerror=alert(1)>"));
    expect(await textOf(page, "#error")).toMatch(/^"<img src=x onerror=alert\(1\)>" is not/);
    expect(await page.locator("img").count()).toBe(0);
    await close();
  });

  it("refuses a private repository, as GitHub shows one to a token that can read it", async () => {
    github.routes.push((_method, path) =>
      /^\/repos\/[^/]+\/[^/]+$/.test(path)
        ? [
            200,
            {
              full_name: "learner/taxi-mlops",
              owner: { login: "learner", type: "User" },
              private: true,
              html_url: "https://github.com/learner/taxi-mlops",
              default_branch: "main",
            },
          ]
        : undefined,
    );
    const { page, close } = await open("learner/taxi-mlops");
    expect(await textOf(page, "#error")).toBe(
      "learner/taxi-mlops is private: this page audits public repositories only, whose files anyone may read",
    );
    expect(github.rawRequests).toEqual([]);
    expect(await page.locator("#scorecard").innerHTML()).toBe("");
    await close();
  });

  it("sends a token typed into the form to GitHub's API, keeping it in the tab's session storage only", async () => {
    const { page, errors, close } = await open("");
    await page.getByText("GitHub token (optional)").click();
    await page.getByLabel("Token").fill("ghp_browserTestToken000000000000000000");
    await page.getByLabel("Repository").fill("learner/taxi-mlops");
    await page.getByRole("button", { name: "Audit" }).click();
    await page.locator("#scorecard .score").waitFor();
    expect(new URL(page.url()).hash).toBe("#learner/taxi-mlops");
    expect(github.requests.map((r) => r.authorization)).toEqual(
      Array(3).fill("token ghp_browserTestToken000000000000000000"),
    );
    expect(github.rawRequests.length).toBeGreaterThan(5);
    expect(github.rawAuthorized).toBe(0);
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length, document.cookie])).toEqual([
      1,
      0,
      "",
    ]);
    expect(await page.getByLabel("Token").inputValue()).toBe("");
    expect(await page.locator("#allowance").innerText()).toBe("");
    expect(errors).toEqual([]);
    await close();
  });

  it("says so when the visitor is offline", async () => {
    const { page, context, close } = await open("");
    await context.setOffline(true);
    await page.evaluate(() => (location.hash = "learner/taxi-mlops"));
    expect(await textOf(page, "#error")).toBe("You are offline: connect to the internet and audit again.");
    expect(github.requests).toEqual([]);
    await close();
  });
});

describe("the site served by the app at /audit", () => {
  async function serve(env: Record<string, string | undefined>) {
    const saved = {
      PUBLIC_URL: process.env.PUBLIC_URL,
      MLOPS_AUDIT_WEB_DIR: process.env.MLOPS_AUDIT_WEB_DIR,
    };
    Object.assign(process.env, { MLOPS_AUDIT_WEB_DIR: dir });
    if (env.PUBLIC_URL) process.env.PUBLIC_URL = env.PUBLIC_URL;
    else delete process.env.PUBLIC_URL;
    try {
      return webSiteRoutes();
    } finally {
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
  }

  it("serves the built files under /audit/ with the site's CSP, only when PUBLIC_URL is set", async () => {
    expect(await serve({})).toBeUndefined();
    const routes = (await serve({ PUBLIC_URL: "https://audit.example" }))!;
    const server = createServer((req, res) => {
      void routes(req, res).then((handled) => handled || res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const bare = await fetch(`${origin}/audit?api=x`, { redirect: "manual" });
      expect([bare.status, bare.headers.get("location")]).toEqual([301, "/audit/?api=x"]);
      const index = await fetch(`${origin}/audit/`);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<script src="page.js" defer></script>');
      expect(index.headers.get("content-security-policy")).toMatch(
        /^default-src 'none'; script-src 'self'; .*connect-src https:\/\/api.github.com https:\/\/raw.githubusercontent.com http:\/\/127.0.0.1:\*; .*frame-ancestors 'none'$/,
      );
      const worker = await fetch(`${origin}/audit/worker.js`);
      expect(worker.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect((await fetch(`${origin}/audit/../package.json`)).status).toBe(404);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
