import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planFixes } from "../src/fix/index.js";
import { renderFixReply, suggestedFileBlocks } from "../src/render/fix.js";
import { auditFiles, catalogue } from "./fix-helpers.js";
import { filesOf } from "./github/fake-github.js";

const middling = async () => {
  const { facts, card } = await auditFiles(
    filesOf(join(import.meta.dirname, "..", "fixtures/repos/middling")),
  );
  return planFixes(facts, card, catalogue);
};

describe("the fix reply", () => {
  it("holds every file in full, what is left to do, and how to apply it locally", async () => {
    const plan = await middling();
    const reply = renderFixReply(plan, ["cicd.tests"], { canOpenPullRequest: false });
    const ci = plan.fixes.find((f) => f.fixer === "ci-workflow")!;
    for (const f of ci.files) expect(reply).toContain(f.content.trimEnd());
    expect(reply).toContain("- Run `pipenv run ruff check .` locally");
    expect(reply).toContain("npx mlops-audit fix . cicd.tests");
    expect(reply).toContain("`app.write.yml`");
    expect(reply).not.toContain("publish-image.yml");
  });

  it("names rules it cannot fix and rules that already pass", async () => {
    const plan = await middling();
    const { facts, card } = await auditFiles(
      filesOf(join(import.meta.dirname, "..", "fixtures/repos/middling")),
    );
    const asked = planFixes(facts, card, catalogue, ["cloud.iac"]);
    expect(renderFixReply(asked, ["cloud.iac"], { canOpenPullRequest: false })).toContain(
      "- `cloud.iac`: not fixed, no fixer for this rule yet.",
    );
    expect(renderFixReply(plan, ["cicd.pipeline"], { canOpenPullRequest: false })).toContain("already pass");
  });

  it("a file holding a fence cannot close the block it is shown in", () => {
    const plan = {
      fixes: [
        { fixer: "x", rules: ["r"], files: [{ path: "README.md", content: "```bash\nls\n```\n" }], todo: [] },
      ],
      skipped: [],
    };
    const block = suggestedFileBlocks(plan, "r", 10_000);
    expect(block).toContain("````\n```bash\nls\n```\n````");
  });

  it("the comment's collapsed block appears only within its budget", async () => {
    const plan = await middling();
    const block = suggestedFileBlocks(plan, "cicd.delivery", 5_000);
    expect(block).toMatch(
      /^<details><summary>Suggested file: <code>\.github\/workflows\/publish-image\.yml<\/code><\/summary>/,
    );
    expect(suggestedFileBlocks(plan, "cicd.delivery", 500)).toBe("");
    expect(suggestedFileBlocks(plan, "cloud.iac", 5_000)).toBe("");
  });
});
