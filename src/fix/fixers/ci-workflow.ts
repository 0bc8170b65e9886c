import { stringify } from "yaml";
import type { Fixer } from "../fixer.js";
import type { WorkflowStep } from "../managers.js";
import type { ProposedFile } from "../model.js";
import { freePath, type Linter, type Project } from "../project.js";
import { settled } from "../fixer.js";

/** How each linter checks the whole repository without changing it. */
export const LINT_COMMANDS: Record<Linter, string> = {
  ruff: "ruff check .",
  flake8: "flake8 .",
  black: "black --check .",
  pylint: "pylint $(git ls-files '*.py')",
  mypy: "mypy .",
  isort: "isort --check-only .",
};

/** Ruff's default rules, stated so the learner sees where to add more; the target is the project's Python. */
export function ruffToml(project: Project): string {
  return `# Ruff's settings: https://docs.astral.sh/ruff/configuration/
# These are Ruff's default rules (syntax errors, undefined names, unused imports); add more as the code allows,
# for example "I" (import order) or "B" (likely bugs).
target-version = "py${project.python.version.replace(".", "")}"

[lint]
select = ["E4", "E7", "E9", "F"]
`;
}

function testCommand(project: Project): string | undefined {
  const t = project.tests;
  if (!t) return undefined;
  return t.runner === "pytest"
    ? `pytest${t.folder ? ` ${t.folder}` : ""}`
    : `python -m unittest discover -s ${t.folder ?? "."}`;
}

/**
 * cicd.pipeline, cicd.tests and foundations.code-quality: one workflow on push and pull request that installs
 * with the repository's manager and Python, runs its linter and its tests, and lets either fail the build.
 */
export const ciWorkflowFixer: Fixer = {
  id: "ci-workflow",
  rules: ["cicd.pipeline", "cicd.tests", "foundations.code-quality"],
  propose(ctx) {
    const { project } = ctx;
    const { manager, manifest } = project;
    const lint = !settled(ctx, "foundations.code-quality") || !settled(ctx, "cicd.pipeline");
    const test =
      !settled(ctx, "cicd.tests") || !settled(ctx, "cicd.pipeline") ? testCommand(project) : undefined;
    if (!lint && !test) return { skip: "CI already runs the tests and a linter" };
    const todo: string[] = [];
    const files: ProposedFile[] = [];
    const tools = [
      ...(lint && !project.declared.has(project.linter.tool) ? [project.linter.tool] : []),
      ...(test && project.tests?.runner === "pytest" && !project.declared.has("pytest") ? ["pytest"] : []),
    ];
    const steps: WorkflowStep[] = [
      { name: "Check out", uses: "actions/checkout@v4" },
      ...manager.setup(project.python.version, manifest ?? ""),
    ];
    const install = manifest && manager.install?.(manifest, project.devManifest);
    if (install) steps.push({ name: "Install dependencies", run: install });
    if (tools.length) steps.push({ name: `Install ${tools.join(" and ")}`, run: manager.addTool(tools) });
    if (lint)
      steps.push({
        name: `Lint with ${project.linter.tool}`,
        run: manager.run + LINT_COMMANDS[project.linter.tool],
      });
    if (test) steps.push({ name: "Run the tests", run: manager.run + test });
    const notFixed = project.tests
      ? []
      : [
          {
            rule: "cicd.tests",
            reason: "no test files to run: write tests/test_*.py with `def test_…` first",
          },
        ];
    const job: Record<string, unknown> = { "runs-on": "ubuntu-latest" };
    if (manager.shell) job.defaults = { run: { shell: manager.shell } };
    job.steps = steps;
    const workflow = {
      name: "CI",
      on: { push: null, pull_request: null },
      permissions: { contents: "read" },
      jobs: { checks: job },
    };
    const path = freePath(project.paths, ".github/workflows/ci.yml");
    const from = project.python.from
      ? `Python ${project.python.version} as ${project.python.from} declares`
      : `Python ${project.python.version} (no version is declared)`;
    files.push({
      ...path,
      content: `# Installs with ${manager.id}, ${from}, then ${[lint && "lints", test && "runs the tests"].filter(Boolean).join(" and ")}.\n${stringify(workflow, { lineWidth: 0 }).replace(/: null$/gm, ":")}`,
    });
    if (!project.python.from)
      todo.push(
        `Declare the Python version (.python-version or requires-python); the workflow assumes ${project.python.version}.`,
      );
    if (lint && !project.linter.configured) {
      const config = freePath(project.paths, "ruff.toml");
      if (!config.beside) files.push({ path: config.path, content: ruffToml(project) });
    }
    if (lint)
      todo.push(
        `Run \`${manager.run}${LINT_COMMANDS[project.linter.tool]}\` locally and fix what it reports: the new step fails the build on any finding.`,
      );
    if (tools.length)
      todo.push(
        `Declare ${tools.join(" and ")} for development (${tools.map((t) => manager.declare(t, project.devManifest ?? manifest ?? "requirements-dev.txt", true)).join("; ")}), then drop the workflow's "Install ${tools.join(" and ")}" step.`,
      );
    return { files, todo, notFixed };
  },
};
