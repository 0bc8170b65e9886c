import { describe, expect, it } from "vitest";
import { audit } from "../src/engine/audit.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { badgeSnippet, renderBadgeJson } from "../src/render/badge.js";
import { renderComment } from "../src/render/comment.js";
import { renderHtml } from "../src/render/html.js";
import { renderMarkdown } from "../src/render/markdown.js";
import { relativeLinks } from "../src/render/status.js";
import { loadCatalogue } from "../src/rules/load.js";

const card = await audit(new MemorySnapshot({ "README.md": "# x\n" }), {
  catalogue: loadCatalogue(),
  tool: { name: "mlops-audit", version: "test" },
  target: { name: "learner/taxi" },
});

describe("the README badge snippet", () => {
  const snippet = badgeSnippet("https://audit.example.org/", "learner", "taxi");

  it("links the badge to the public scorecard", () => {
    expect(snippet).toBe(
      "[![MLOps readiness](https://audit.example.org/badges/learner/taxi.svg)](https://audit.example.org/scorecards/learner/taxi)",
    );
  });

  it("is offered to the repository's own people (the comment, the readiness issue), never on the page", () => {
    expect(renderComment(card, { links: relativeLinks, badge: snippet })).toContain(`\n${snippet}\n`);
    expect(renderMarkdown(card, { links: relativeLinks, badge: snippet })).toContain(
      `README badge: \`${snippet}\``,
    );
    expect(renderMarkdown(card, { links: relativeLinks })).not.toContain("README badge");
    expect(renderComment(card, { links: relativeLinks })).not.toContain("badge");
    expect(renderHtml(card, { links: relativeLinks })).not.toMatch(/badge/i);
  });

  it("shields.io's endpoint JSON colours by grade", () => {
    expect(JSON.parse(renderBadgeJson({ score: 45, grade: "D" }))).toMatchObject({
      message: "45 · D",
      color: "orange",
    });
  });
});

describe("the page never lets repository text become markup or a script link", () => {
  it("escapes evidence and makes a hostile path a relative link", () => {
    const hostile = {
      ...card,
      rules: card.rules.map((r, i) =>
        i === 0
          ? {
              ...r,
              status: "pass" as const,
              evidence: [{ path: "javascript:alert(1)", snippet: "<script>x</script>" }],
            }
          : r,
      ),
    };
    const html = renderHtml(hostile, { links: relativeLinks });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('href="./javascript:alert(1)"');
  });
});
