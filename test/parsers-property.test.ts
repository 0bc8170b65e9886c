import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load.js";
import { scorecardFromFacts } from "../src/engine/audit.js";
import { parseMakefile } from "../src/engine/facts/ci/makefile.js";
import { splitShell } from "../src/engine/facts/ci/shell.js";
import { parsePep508 } from "../src/engine/facts/dependencies.js";
import { parseDockerfile } from "../src/engine/facts/docker.js";
import { buildFacts } from "../src/engine/facts/index.js";
import { parseNotebook } from "../src/engine/facts/notebook.js";
import { blankedCode, parsePython, scan } from "../src/engine/facts/python.js";
import { parseReadme } from "../src/engine/facts/readme.js";
import { findSecrets } from "../src/engine/facts/secrets.js";
import { parseTerraform } from "../src/engine/facts/terraform.js";
import { parseYaml } from "../src/engine/facts/yaml.js";
import { loadCatalogue } from "../src/rules/load.js";

/**
 * Every parser gets text built from the fragments that make its language hard (and those of the others),
 * plus arbitrary Unicode. None may throw; each must finish (vitest's timeout bounds a hang).
 */
const FRAGMENTS = [
  "\n",
  "  ",
  "\t",
  "#",
  ":",
  "- ",
  "&a ",
  "*a",
  "<<: ",
  "{",
  "}",
  "[",
  "]",
  "'",
  '"',
  '"""',
  "|\n",
  "---\n",
  "!Ref ",
  "!!binary ",
  "on:",
  "jobs:",
  "steps:",
  "run: ",
  "uses: ",
  "script:",
  "def f(",
  "class C(",
  "import ",
  "from x import (",
  "@app.post(",
  "(",
  ")",
  "\\\n",
  "=",
  "mlflow.log_metric(",
  "FROM ",
  "RUN ",
  "CMD [",
  "ENTRYPOINT ",
  "all:",
  "\tmake ",
  "$(",
  "`",
  "&&",
  "||",
  ";",
  "|",
  "include ",
  "[tool.poetry]",
  "dependencies = [",
  'resource "a" "b" {',
  "```",
  "# Title",
  "[x](y)",
  "AKIA",
  "ghp_",
  "password = ",
  '{"cells": [',
  '{"cell_type": "code", "source": [',
  "]}",
  "\u0000",
  "\ud800",
  "é",
  "🙂",
];
const tricky = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: "binary", maxLength: 8 })), {
    maxLength: 120,
  })
  .map((parts) => parts.join(""));

const noThrow = (parse: (text: string) => unknown) =>
  fc.assert(
    fc.property(tricky, (text) => {
      parse(text);
    }),
    { numRuns: 150 },
  );

describe("no parser throws on hostile text", () => {
  it.each([
    ["Python", (t: string) => parsePython("x.py", t)],
    ["notebooks", (t: string) => parseNotebook("x.ipynb", t)],
    ["YAML", (t: string) => parseYaml("x.yml", t)],
    ["Dockerfiles", (t: string) => parseDockerfile("Dockerfile", t)],
    ["Makefiles", (t: string) => parseMakefile("Makefile", t)],
    ["shell", (t: string) => splitShell(t, 1)],
    ["Terraform", (t: string) => parseTerraform("main.tf", t)],
    ["READMEs", (t: string) => parseReadme("README.md", t)],
    ["the secrets scan", (t: string) => findSecrets(".env", t)],
    ["requirement lines", (t: string) => parsePep508(t)],
    ["the config file", (t: string) => parseConfig(t, ".github/mlops-audit.yml", loadCatalogue())],
  ])("%s", (_, parse) => noThrow(parse));

  it("nor does the whole engine, with such text in every kind of file, and every rule gets a status", () => {
    const catalogue = loadCatalogue();
    const PATHS = [
      ".github/workflows/ci.yml",
      ".gitlab-ci.yml",
      "Jenkinsfile",
      "azure-pipelines.yml",
      "bitbucket-pipelines.yml",
      ".circleci/config.yml",
      "cloudbuild.yaml",
      "Makefile",
      "scripts/run.sh",
      "Dockerfile",
      "docker-compose.yml",
      "k8s/deploy.yaml",
      "dvc.yaml",
      "main.tf",
      "README.md",
      "requirements.txt",
      "pyproject.toml",
      "Pipfile",
      "setup.cfg",
      "setup.py",
      "environment.yml",
      "train.py",
      "app/main.py",
      "eda.ipynb",
      ".env",
    ];
    fc.assert(
      fc.property(fc.array(tricky, { minLength: PATHS.length, maxLength: PATHS.length }), (texts) => {
        const files = new Map(PATHS.map((p, i) => [p, texts[i]] as const));
        const facts = buildFacts({ paths: [...PATHS].sort(), texts: files, unreadable: new Map() });
        const card = scorecardFromFacts(facts, {
          catalogue,
          tool: { name: "t", version: "0" },
          target: { name: "x" },
        });
        expect(card.rules).toHaveLength(35);
        for (const r of card.rules) expect(["pass", "partial", "fail", "inconclusive"]).toContain(r.status);
      }),
      { numRuns: 40 },
    );
  });
});

describe("hostile shapes", () => {
  it("deeply nested notebooks, Python and YAML end with a result or an error, not a stack overflow", () => {
    const deepJson = `{"cells": [${"[".repeat(100_000)}${"]".repeat(100_000)}]}`;
    expect(parseNotebook("deep.ipynb", deepJson)?.code.trim() ?? "").toBe("");
    expect(parseNotebook("broken.ipynb", `{"cells": [${"[".repeat(100_000)}`)).toBeNull();
    expect(parsePython("deep.py", `x = ${"(".repeat(50_000)}1${")".repeat(50_000)}\n`).path).toBe("deep.py");
    expect(parseYaml("deep.yml", `${"- ".repeat(20_000)}x\n`).error).toBeTruthy();
  });
});

describe("the Python blanking", () => {
  it("blanks code alone exactly as the whole scan does, keeping every offset", () => {
    fc.assert(
      fc.property(tricky, (text) => {
        const whole = scan(text);
        expect(blankedCode(text)).toBe(whole.code);
        expect(whole.code.length).toBe(text.length);
        expect(whole.uncommented.length).toBe(text.length);
      }),
      { numRuns: 500 },
    );
  });
});
