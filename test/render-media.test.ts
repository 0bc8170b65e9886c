import { describe, expect, it } from "vitest";
import { audit } from "../src/engine/audit.js";
import type { Scorecard } from "../src/engine/model.js";
import { renderCheckRun } from "../src/render/check-run.js";
import { renderComment } from "../src/render/comment.js";
import { deltaOf } from "../src/render/delta.js";
import { codeSpan, htmlInline, markdownInline, plainText } from "../src/render/inline.js";
import { renderMarkdown } from "../src/render/markdown.js";
import { relativeLinks } from "../src/render/status.js";
import { renderText } from "../src/render/text.js";
import { loadCatalogue } from "../src/rules/load.js";
import { LocalSource } from "../src/sources/local.js";
import { markdownToHtml, renderedLines } from "./render/rendered.js";

/** Each text is rendered for its medium and checked as a reader sees it, not as its source string. */
const catalogue = loadCatalogue();
const tool = { name: "mlops-audit", version: "test" };
async function fixture(name: string): Promise<Scorecard> {
  const source = await LocalSource.open(`fixtures/repos/${name}`);
  return audit(source, { catalogue, tool, target: { name, commit: "c".repeat(40) } });
}
const middling = await fixture("middling");
const base = await fixture("notebook-only");

/** What a reader sees of rendered Markdown: the text, with code kept apart. */
function seen(markdown: string): { text: string; code: string[] } {
  const html = markdownToHtml(markdown);
  const code = Array.from(html.matchAll(/<code>([^<]*)<\/code>/g), (m) => m[1]);
  return { text: renderedLines(markdown).join("\n"), code };
}

describe("inline text, each medium its own way", () => {
  it("keeps code as code and escapes what would format or link", () => {
    const source = "Run `dvc init` then see [x](y) <b>*now*</b> || true";
    expect(plainText(source)).toBe("Run dvc init then see [x](y) <b>*now*</b> || true");
    expect(htmlInline(source)).toBe(
      "Run <code>dvc init</code> then see [x](y) &lt;b&gt;*now*&lt;/b&gt; || true",
    );
    expect(renderedLines(markdownInline(source))).toEqual([
      "Run dvc init then see [x](y) <b>*now*</b> || true",
    ]);
    expect(markdownToHtml(markdownInline(source))).toContain("<code>dvc init</code>");
  });

  it("puts any text in one code span, backticks and all", () => {
    expect(seen(codeSpan("echo `date` ``x``")).code).toEqual(["echo `date` ``x``"]);
  });
});

describe("no escape is shown as text", () => {
  it("the full Markdown scorecard shows `|| true` as code, never `\\|\\|` or a stray backtick", () => {
    const { text, code } = seen(renderMarkdown(middling, { links: relativeLinks }));
    expect(text).not.toContain("\\|");
    expect(text).not.toContain("`");
    expect(code).toContain("pytest tests/ || true");
  });

  it("the check run's summary and text render clean, and its annotations are plain text", () => {
    const run = renderCheckRun(middling, { links: relativeLinks });
    for (const part of [run.summary, run.text]) {
      expect(seen(part).text).not.toContain("\\|");
      expect(seen(part).text).not.toContain("`");
    }
    expect(run.annotations.length).toBeGreaterThan(0);
    for (const a of run.annotations) expect(a.message).not.toContain("`");
    expect(run.annotations.find((a) => a.title.includes("cicd.tests"))?.message).toContain(
      "pytest tests/ || true",
    );
  });

  it("the terminal shows no Markdown backticks", () => {
    expect(renderText(middling, { color: false })).not.toContain("`");
  });
});

describe("the pull request comment is short", () => {
  const body = renderComment(middling, {
    links: relativeLinks,
    delta: deltaOf(base, middling, "main"),
    pageUrl: "https://audit.example.org/scorecards/learner/middling",
    checkRunUrl: "https://github.com/learner/middling/runs/7",
    badge:
      "[![MLOps readiness](https://audit.example.org/badges/learner/middling.svg)](https://audit.example.org/scorecards/learner/middling)",
  });

  it("stays under 3,000 characters and 25 rendered lines on middling, with the change in its headline", () => {
    expect(body.length).toBeLessThan(3000);
    expect(renderedLines(body).length).toBeLessThan(25);
    expect(renderedLines(body)[0]).toMatch(/^MLOps readiness 45\/100 \(\+\d+\) · C · Level 0/);
    expect(body).toContain("- and ");
  });

  it("names three next steps with their points, and links to the page and the check run", () => {
    const steps = renderedLines(body).filter((l) => /\(\+\d+ points?/.test(l));
    expect(steps).toHaveLength(3);
    expect(steps.join("\n")).toContain("pytest tests/ || true at .github/workflows/tests.yml:12");
    const html = markdownToHtml(body);
    expect(html).toContain('href="https://audit.example.org/scorecards/learner/middling"');
    expect(html).toContain('href="https://github.com/learner/middling/runs/7"');
  });

  it("says 'no change' when no rule changed", () => {
    const same = renderComment(middling, {
      links: relativeLinks,
      delta: deltaOf(middling, middling, "main"),
    });
    expect(renderedLines(same)).toContain("No rule changed status.");
    expect(renderedLines(same)[0]).toMatch(/\(±0\)/);
  });
});
