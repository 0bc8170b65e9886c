import type { Fixer, FixContext } from "../fixer.js";
import type { ProposedFile } from "../model.js";
import { freePath } from "../project.js";
import { metricsModulePath } from "./metrics.js";
import { LITERAL_PATH } from "./dvc-pipeline.js";
import { SERVICE_PORT } from "./service-target.js";

const SERVERS = {
  fastapi: {
    pkg: "uvicorn",
    cmd: (target: string) => ["uvicorn", target, "--host", "0.0.0.0", "--port", `${SERVICE_PORT}`],
  },
  flask: {
    pkg: "gunicorn",
    cmd: (target: string) => ["gunicorn", "--bind", `0.0.0.0:${SERVICE_PORT}`, target],
  },
} as const;

/** What every image should leave out: history, environments, caches, and DVC's cache (data comes by `dvc pull`). */
const DOCKERIGNORE = `.git
.github
.venv
venv
**/__pycache__
**/*.pyc
.pytest_cache
.mypy_cache
.ruff_cache
.ipynb_checkpoints
.dvc/cache
.dvc/tmp
`;

/** Model files the serving module loads by a literal path that is not in the repository (built by training). */
function modelFilesMissing(ctx: FixContext): string[] {
  const module = ctx.facts.python.find((m) => m.path === ctx.project.service?.path);
  const loads = (module?.calls ?? []).filter(
    (c) => /(^|\.)(load\w*|open)$/.test(c.name) && (c.name !== "open" || /^r?b/.test(c.strings[1] ?? "")),
  );
  const paths = loads.map((c) => c.strings[0]).filter((p) => p && LITERAL_PATH.test(p));
  return [...new Set(paths)].filter((p) => !ctx.project.paths.has(p.replace(/^\.\//, "")));
}

/** The module the container starts: the metrics wrapper when this run writes (or the repository has) one. */
function startedModule(ctx: FixContext): string {
  const service = ctx.project.service!;
  const wrapper = metricsModulePath(service);
  const wrapped = ctx.planned.some((f) => f.path === wrapper) || ctx.project.paths.has(wrapper);
  return wrapped ? wrapper.replace(/\.py$/, "").replaceAll("/", ".") : service.module;
}

/**
 * foundations.container and serving.container: a Dockerfile that installs with the repository's manager and
 * starts the detected prediction service, and a `.dockerignore`.
 */
export const containerFixer: Fixer = {
  id: "container",
  rules: ["foundations.container", "serving.container"],
  propose(ctx) {
    const { project } = ctx;
    const service = project.service;
    if (!service)
      return { skip: "no FastAPI or Flask prediction service (an app with a POST route) to start" };
    const { manager, manifest } = project;
    const server = SERVERS[service.framework];
    const target = `${startedModule(ctx)}:${service.app}`;
    const todo: string[] = [];
    const image = manager.image ?? `python:${project.python.version}-slim`;
    const lines = [
      `# The prediction service in ${service.path}, served by ${server.pkg} on port ${SERVICE_PORT}.`,
      `#   docker build -t prediction-service . && docker run -p ${SERVICE_PORT}:${SERVICE_PORT} prediction-service`,
      `FROM ${image}`,
      "WORKDIR /app",
      "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1",
      ...(manifest ? manager.docker(manifest, project.hasLock) : []),
    ];
    if (!manifest)
      todo.push(
        "Declare the service's dependencies (requirements.txt or pyproject.toml): the image installs none.",
      );
    if (!project.declared.has(server.pkg)) {
      lines.push(
        `# ${server.pkg} is not declared${manifest ? ` in ${manifest}` : ""}: declare it and drop this line.`,
        `RUN ${manager.dockerAdd} ${server.pkg}`,
      );
      todo.push(`Declare ${server.pkg}: ${manager.declare(server.pkg, manifest ?? "requirements.txt")}.`);
    }
    lines.push(
      "COPY . .",
      `EXPOSE ${SERVICE_PORT}`,
      `CMD ${JSON.stringify(server.cmd(target)).replaceAll(",", ", ")}`,
    );
    const wanted = project.paths.has("Dockerfile") ? "serve.Dockerfile" : "Dockerfile";
    const dockerfile = freePath(project.paths, wanted);
    const files: ProposedFile[] = [{ ...dockerfile, content: `${lines.join("\n")}\n` }];
    if (!project.paths.has(".dockerignore")) files.push({ path: ".dockerignore", content: DOCKERIGNORE });
    const missing = modelFilesMissing(ctx);
    if (missing.length)
      todo.push(
        `The service loads ${missing.join(", ")}, which the repository does not hold: produce it (your training script, or \`dvc repro\`) before \`docker build\`, or the container stops at start-up.`,
      );
    if (ctx.facts.paths.some((p) => p.endsWith(".dvc")))
      todo.push(
        "Run `dvc pull` before `docker build`: the image copies the working tree, and DVC-tracked files are not in Git.",
      );
    todo.push(
      `Build and try it: docker build -f ${dockerfile.path} -t prediction-service . && docker run -p ${SERVICE_PORT}:${SERVICE_PORT} prediction-service`,
    );
    return { files, todo };
  },
};
