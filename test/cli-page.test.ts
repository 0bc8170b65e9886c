import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliOutput } from "../scripts/goldens.js";
import { launchChromium } from "./github/chromium.js";

/**
 * The CLI's page, saved at the root of the directory it audits (`--format html > DIR/scorecard.html`), opened
 * in Chromium from the disk: every evidence link must lead to a file that is there.
 */
let browser: Browser;
let dir: string;
beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), "mlops-audit-page-"));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the CLI's HTML page, opened from the audited directory", () => {
  for (const fixture of ["middling", "complete", "monorepo"])
    it(`${fixture}: every evidence link resolves to an existing file`, async () => {
      const root = join(dir, fixture);
      cpSync(`fixtures/repos/${fixture}`, root, { recursive: true });
      const { stdout } = await cliOutput([root, "--format", "html"]);
      writeFileSync(join(root, "scorecard.html"), stdout);
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(root, "scorecard.html")).href);
      const links = await page
        .locator(".evidence a, .steps a:not([href^='#']), .checklist details a:not([href^='#'])")
        .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      expect(links.length).toBeGreaterThan(5);
      const missing = links
        .map((href) => new URL(href))
        .filter((url) => url.protocol === "file:")
        .map((url) => fileURLToPath(new URL(url.pathname, url)))
        .filter((path) => !existsSync(path));
      expect(missing).toEqual([]);
      // A dot-folder keeps its dot: the link that was `./github/...` goes to `.github/`.
      if (fixture === "middling") {
        expect(links.some((l) => l.includes("/.github/workflows/tests.yml#L"))).toBe(true);
        const text = await page.locator("main").innerText();
        expect(text).not.toContain("`");
        expect(await page.locator(".fix code", { hasText: "dvc init" }).count()).toBeGreaterThan(0);
        // Next steps come first, before the checklist.
        const headings = await page.locator("h2").allInnerTexts();
        expect(headings[0]).toBe("Next steps");
        // Follow one link for real: Chromium fetches the file (a YAML or Python file comes as a download).
        const first = links.find((l) => l.includes("/.github/workflows/tests.yml#L"))!;
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.goto(first).catch(() => undefined),
        ]);
        expect(await download.failure()).toBeNull();
      }
      await page.close();
    }, 60_000);
});
