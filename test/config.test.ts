import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { audit } from "../src/engine/audit.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import { configJsonSchema } from "../src/config/json-schema.js";
import { parseConfig, settingsFrom } from "../src/config/load.js";
import { loadCatalogue } from "../src/rules/load.js";

const catalogue = loadCatalogue();
const tool = { name: "mlops-audit", version: "test" };
const parse = (text: string) => parseConfig(text, ".github/mlops-audit.yml", catalogue);

describe("the config file", () => {
  it("an empty file gives the defaults", () => {
    const r = parse("");
    expect(r.ok).toBe(true);
    expect(r.config.thresholds.pass).toBe(60);
  });

  it.each([
    ["a YAML syntax error", "rules:\n  disable: [a\n", /:\d+: /],
    ["an unknown top-level key", "rulez: {}\n", /:1: .*rulez/],
    [
      "an unknown rule id, at its line",
      "rules:\n  disable:\n    - serving.api\n    - serving.nope\n",
      /:4: rules.disable: unknown rule id "serving.nope"/,
    ],
    [
      "an exemption without a reason",
      "rules:\n  exempt:\n    cloud.iac: '   '\n",
      /:3: rules.exempt.cloud.iac: an exemption needs a reason/,
    ],
    [
      "a weight that is not a number",
      "rules:\n  weights:\n    cloud.iac: heavy\n",
      /:3: rules.weights.cloud.iac: /,
    ],
    [
      "a custom rule reusing a catalogue id",
      "rules:\n  custom:\n    - id: serving.api\n      phase: serving\n      title: t\n      weight: 1\n      why: w\n      remediation: r\n      docs: https://example.org\n      pass: { files: { glob: ['x'] } }\n",
      /:3: rules.custom: "serving.api" is a catalogue rule/,
    ],
    [
      "a custom rule with a bad predicate",
      "rules:\n  custom:\n    - id: team.owners\n      phase: foundations\n      title: t\n      weight: 1\n      why: w\n      remediation: r\n      docs: https://example.org\n      pass: { filez: {} }\n",
      /:10: rules.custom.0.pass: /,
    ],
    ["a threshold out of range", "thresholds:\n  pass: 140\n", /:2: thresholds.pass: /],
  ])("%s is refused with its line", (_name, text, message) => {
    const r = parse(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it("a hostile alias bomb is refused, not expanded", () => {
    const bomb =
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
    expect(parse(bomb).ok).toBe(false);
  });

  it("custom rules, weights, disable and ignore change the audit", async () => {
    const r = parse(
      [
        "rules:",
        "  disable: [data.feature-store]",
        "  weights: { foundations.readme: 3 }",
        "  custom:",
        "    - id: team.codeowners",
        "      phase: foundations",
        "      title: A CODEOWNERS file",
        "      weight: 1",
        "      why: Reviews go to the right people.",
        "      remediation: Add .github/CODEOWNERS.",
        "      docs: https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners",
        "      pass: { files: { glob: ['.github/CODEOWNERS'] } }",
        "paths:",
        "  ignore: ['legacy/**']",
      ].join("\n"),
    );
    expect(r.ok).toBe(true);
    const snapshot = new MemorySnapshot({
      ".github/CODEOWNERS": "* @me\n",
      "legacy/train.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
    });
    const card = await audit(snapshot, {
      catalogue,
      tool,
      target: { name: "t" },
      settings: settingsFrom(r.config),
    });
    const byId = (id: string) => card.rules.find((f) => f.id === id)!;
    expect(byId("team.codeowners").status).toBe("pass");
    expect(byId("data.feature-store").status).toBe("exempt");
    expect(byId("foundations.readme").weight).toBe(3);
    expect(byId("tracking.experiments").status).toBe("fail");
  });

  it("the committed JSON Schema is the one the zod schema generates (npm run schema)", () => {
    expect(readFileSync("schema/mlops-audit.schema.json", "utf8")).toBe(configJsonSchema());
  });
});
