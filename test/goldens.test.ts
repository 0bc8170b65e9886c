import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  cliOutput,
  GOLDEN_BADGES,
  GOLDEN_FIXTURES,
  GOLDEN_FORMATS,
  pullRequestPosts,
  stableOutput,
} from "../scripts/goldens.js";
import { renderBadgeSvg } from "../src/render/badge.js";
import { TOOL } from "../src/version.js";

describe("what people read matches the committed goldens (npm run goldens rewrites them)", () => {
  for (const fixture of GOLDEN_FIXTURES) {
    for (const [format, ext] of Object.entries(GOLDEN_FORMATS)) {
      it(`${fixture} as ${format}`, async () => {
        const { code, stdout } = await cliOutput([`fixtures/repos/${fixture}`, "--format", format]);
        expect(code).toBe(0);
        expect(stableOutput(stdout, TOOL.version)).toBe(
          readFileSync(`test/goldens/${fixture}.${ext}`, "utf8"),
        );
      });
    }
  }

  it("the pull request's sticky comment and check run", async () => {
    for (const [name, text] of Object.entries(await pullRequestPosts()))
      expect(text, name).toBe(readFileSync(`test/goldens/${name}`, "utf8"));
  });

  for (const badge of GOLDEN_BADGES)
    it(`the badge for grade ${badge.grade}`, () => {
      expect(renderBadgeSvg(badge)).toBe(readFileSync(`test/goldens/badge-${badge.grade}.svg`, "utf8"));
    });
});
