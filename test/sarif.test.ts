import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { cliOutput, GOLDEN_FIXTURES } from "../scripts/goldens.js";
import { githubUploadProblems } from "./sarif/github-upload.js";

/** SARIF 2.1.0's JSON Schema as OASIS published it, kept in the repository so the test runs offline. */
const schema = JSON.parse(readFileSync("test/sarif/sarif-schema-2.1.0.json", "utf8")) as object;
// The published schema has a `language` pattern that is not valid under the `u` flag; it is read as written.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

describe("--format sarif is a file GitHub's code scanning accepts", () => {
  for (const fixture of GOLDEN_FIXTURES) {
    it(`${fixture}: valid SARIF 2.1.0, within GitHub's upload rules, every result located and helped`, async () => {
      const { code, stdout } = await cliOutput([`fixtures/repos/${fixture}`, "--format", "sarif"]);
      expect(code).toBe(0);
      const sarif = JSON.parse(stdout);
      validate(sarif);
      expect(validate.errors ?? []).toEqual([]);
      expect(githubUploadProblems(sarif)).toEqual([]);
      for (const rule of sarif.runs[0].tool.driver.rules) expect(rule.help.markdown).toContain("**Fix:**");
    });
  }

  it("points a failing rule with no evidence at the root README, and a partial one at its evidence", async () => {
    const { stdout } = await cliOutput(["fixtures/repos/middling", "--format", "sarif"]);
    const results = JSON.parse(stdout).runs[0].results as {
      ruleId: string;
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
      }[];
    }[];
    const hpo = results.find((r) => r.ruleId === "tracking.hpo")!;
    expect(hpo.locations[0].physicalLocation.artifactLocation.uri).toBe("README.md");
    const tests = results.find((r) => r.ruleId === "cicd.tests")!;
    expect(tests.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: ".github/workflows/tests.yml" },
      region: { startLine: 12 },
    });
  });

  it("the GitHub checks would have refused a result without a location", () => {
    const sarif = {
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "x", rules: [{ id: "a", help: { text: "h" } }] } },
          results: [{ ruleId: "a", message: { text: "m" } }],
        },
      ],
    };
    expect(githubUploadProblems(sarif)).toEqual(["run 0 result 0 (a): no location"]);
  });
});
