import { stringify } from "yaml";
import type { Fixer } from "../fixer.js";
import type { Linter } from "../project.js";
import { freePath } from "../project.js";
import { ruffToml } from "./ci-workflow.js";

/**
 * Each linter's pre-commit hook, pinned to a release (`pre-commit autoupdate` moves them on). Pylint needs the
 * project's own imports, so it runs from the project's environment rather than an isolated one.
 */
export const HOOKS: Record<Linter, Record<string, unknown>> = {
  ruff: { repo: "https://github.com/astral-sh/ruff-pre-commit", rev: "v0.12.0", hooks: [{ id: "ruff" }] },
  black: { repo: "https://github.com/psf/black-pre-commit-mirror", rev: "25.1.0", hooks: [{ id: "black" }] },
  flake8: { repo: "https://github.com/PyCQA/flake8", rev: "7.3.0", hooks: [{ id: "flake8" }] },
  isort: { repo: "https://github.com/PyCQA/isort", rev: "6.0.1", hooks: [{ id: "isort" }] },
  mypy: { repo: "https://github.com/pre-commit/mirrors-mypy", rev: "v1.16.1", hooks: [{ id: "mypy" }] },
  pylint: {
    repo: "local",
    hooks: [{ id: "pylint", name: "pylint", entry: "pylint", language: "system", types: ["python"] }],
  },
};

/** foundations.code-quality: the repository's linter (Ruff otherwise) as a pre-commit hook. */
export const preCommitFixer: Fixer = {
  id: "pre-commit",
  rules: ["foundations.code-quality"],
  propose(ctx) {
    const { project } = ctx;
    const path = freePath(project.paths, ".pre-commit-config.yaml");
    if (path.beside) return { skip: `${path.beside} exists; add a ${project.linter.tool} hook to it` };
    const tool = project.linter.tool;
    const content = `# Runs ${tool} on the files of every commit. Install once: pip install pre-commit && pre-commit install\n${stringify({ repos: [HOOKS[tool]] }, { lineWidth: 0 })}`;
    const files = [{ ...path, content }];
    if (tool === "ruff" && !project.linter.configured && !ctx.planned.some((f) => f.path === "ruff.toml")) {
      const config = freePath(project.paths, "ruff.toml");
      if (!config.beside) files.push({ path: config.path, content: ruffToml(project) });
    }
    return {
      files,
      todo: [
        "Install the hook once: pip install pre-commit && pre-commit install (then `pre-commit run --all-files`).",
        ...(tool === "pylint"
          ? ["The pylint hook runs the pylint of your environment: install it there."]
          : []),
      ],
    };
  },
};
