import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, MAX_FILE_BYTES, readSnapshot } from "../src/engine/audit.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { judgeWithFixes, type FixPlan } from "../src/fix/index.js";
import { COMMENT_LIMITS, renderComment } from "../src/render/comment.js";
import { relativeLinks } from "../src/render/status.js";
import { loadCatalogue } from "../src/rules/load.js";
import { filesOf } from "./github/fake-github.js";
import { renderedLines } from "./render/rendered.js";

const judged = async (files: Record<string, string | Uint8Array>) =>
  judgeWithFixes(await readSnapshot(new MemorySnapshot(files), DEFAULT_SETTINGS, MAX_FILE_BYTES, 4), {
    catalogue: loadCatalogue(),
    tool: { name: "mlops-audit", version: "test" },
    target: { name: "repo" },
  });

describe("suggested files in the pull request comment", () => {
  it("stay out when they would break the short comment's limits (middling's CI workflow is 27 lines)", async () => {
    const { card, fixes } = await judged(filesOf(join(import.meta.dirname, "..", "fixtures/repos/middling")));
    const body = renderComment(card, { links: relativeLinks, fixes });
    expect(body).toBe(renderComment(card, { links: relativeLinks }));
    expect(body.length).toBeLessThan(COMMENT_LIMITS.chars);
    expect(renderedLines(body).length).toBeLessThan(COMMENT_LIMITS.lines);
  });

  it("appear collapsed under the next steps when the fix of one of them fits", async () => {
    const { card } = await judged(filesOf(join(import.meta.dirname, "..", "fixtures/repos/middling")));
    const rule = card.nextSteps[1].rule;
    const fixes: FixPlan = {
      fixes: [
        {
          fixer: "small",
          rules: [rule],
          files: [{ path: "tests.cfg", content: "[run]\nx = 1\n" }],
          todo: [],
        },
      ],
      skipped: [],
    };
    const body = renderComment(card, { links: relativeLinks, fixes });
    expect(body).toContain(
      "<details><summary>Suggested file: <code>tests.cfg</code></summary>\n\n```\n[run]\nx = 1\n```",
    );
    expect(body.indexOf("Suggested file")).toBeGreaterThan(body.indexOf("**Next steps**"));
    expect(body).toContain("`/mlops-audit fix <rule-id>` answers with every suggested file.");
    expect(renderedLines(body).length).toBeLessThan(COMMENT_LIMITS.lines);
  });
});
