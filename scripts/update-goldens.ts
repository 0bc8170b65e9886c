import { writeFileSync } from "node:fs";
import { TOOL } from "../src/version.js";
import { renderBadgeSvg } from "../src/render/badge.js";
import {
  cliOutput,
  GOLDEN_BADGES,
  GOLDEN_FIXTURES,
  GOLDEN_FORMATS,
  pullRequestPosts,
  stableOutput,
} from "./goldens.js";

/** Rewrites test/goldens/ from the current code: run after a deliberate change to what people read. */
for (const fixture of GOLDEN_FIXTURES) {
  for (const [format, ext] of Object.entries(GOLDEN_FORMATS)) {
    const { stdout } = await cliOutput([`fixtures/repos/${fixture}`, "--format", format]);
    writeFileSync(`test/goldens/${fixture}.${ext}`, stableOutput(stdout, TOOL.version));
  }
}
for (const [name, text] of Object.entries(await pullRequestPosts()))
  writeFileSync(`test/goldens/${name}`, text);
for (const badge of GOLDEN_BADGES)
  writeFileSync(`test/goldens/badge-${badge.grade}.svg`, renderBadgeSvg(badge));
console.log(
  `wrote ${GOLDEN_FIXTURES.length * Object.keys(GOLDEN_FORMATS).length + 2} goldens and ${GOLDEN_BADGES.length} badges to test/goldens/`,
);
