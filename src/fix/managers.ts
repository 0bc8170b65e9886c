/**
 * How each dependency manager installs a project, runs a tool inside its environment, adds a package, and
 * installs in a container: one row per manager, so every fixer speaks the repository's own manager.
 */

export type ManagerId = "uv" | "poetry" | "pipenv" | "conda" | "pip";

export interface WorkflowStep {
  name: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
}

export interface Manager {
  id: ManagerId;
  /** Steps that prepare Python and the manager itself on a GitHub runner. */
  setup: (python: string, manifest: string) => WorkflowStep[];
  /** The command that installs the project with its development dependencies (conda's setup already has). */
  install?: (manifest: string, devManifest?: string) => string;
  /** Prefix that runs a command inside the project's environment. */
  run: string;
  /** Installs tools the project does not declare into the same environment. */
  addTool: (packages: string[]) => string;
  /** What the learner runs to declare a new dependency (a development one with `dev`). */
  declare: (pkg: string, manifest: string, dev?: boolean) => string;
  /** Dockerfile lines that install the runtime dependencies; the manifests are copied first for layer caching. */
  docker: (manifest: string, hasLock: boolean) => string[];
  /** The container's base image, when not the official Python image of the project's version. */
  image?: string;
  /** Installs, in a container, a package the manifest does not declare. */
  dockerAdd: string;
  /** Shell for workflow steps (conda needs a login shell to activate its environment). */
  shell?: string;
}

const setupPython = (python: string): WorkflowStep => ({
  name: "Set up Python",
  uses: "actions/setup-python@v5",
  with: { "python-version": python },
});

export const MANAGERS: Record<ManagerId, Manager> = {
  uv: {
    id: "uv",
    dockerAdd: "uv pip install",
    setup: (python) => [
      { name: "Set up uv", uses: "astral-sh/setup-uv@v6", with: { "python-version": python } },
    ],
    install: () => "uv sync --all-extras --dev",
    run: "uv run ",
    addTool: (p) => `uv pip install ${p.join(" ")}`,
    declare: (p, _m, dev) => `uv add ${dev ? "--dev " : ""}${p}`,
    docker: (_m, hasLock) => [
      "COPY --from=ghcr.io/astral-sh/uv:0.8 /uv /bin/uv",
      "COPY pyproject.toml uv.lock* ./",
      `RUN uv sync ${hasLock ? "--frozen " : ""}--no-dev --no-install-project`,
      'ENV PATH="/app/.venv/bin:$PATH"',
    ],
  },
  poetry: {
    id: "poetry",
    dockerAdd: "pip install --no-cache-dir",
    setup: (python) => [setupPython(python), { name: "Install Poetry", run: "python -m pip install poetry" }],
    install: () => "poetry install --no-interaction",
    run: "poetry run ",
    addTool: (p) => `poetry run python -m pip install ${p.join(" ")}`,
    declare: (p, _m, dev) => `poetry add ${dev ? "--group dev " : ""}${p}`,
    docker: () => [
      "RUN pip install --no-cache-dir poetry && poetry config virtualenvs.create false",
      "COPY pyproject.toml poetry.lock* ./",
      "RUN poetry install --only main --no-root --no-interaction",
    ],
  },
  pipenv: {
    id: "pipenv",
    dockerAdd: "pip install --no-cache-dir",
    setup: (python) => [setupPython(python), { name: "Install Pipenv", run: "python -m pip install pipenv" }],
    install: () => "pipenv install --dev",
    run: "pipenv run ",
    addTool: (p) => `pipenv run python -m pip install ${p.join(" ")}`,
    declare: (p, _m, dev) => `pipenv install ${dev ? "--dev " : ""}${p}`,
    docker: (_m, hasLock) => [
      "RUN pip install --no-cache-dir pipenv",
      "COPY Pipfile Pipfile.lock* ./",
      `RUN pipenv install --system${hasLock ? " --deploy" : " --skip-lock"}`,
    ],
  },
  conda: {
    id: "conda",
    dockerAdd: "pip install --no-cache-dir",
    setup: (python, manifest) => [
      {
        name: "Set up conda",
        uses: "conda-incubator/setup-miniconda@v3",
        with: { "python-version": python, "environment-file": manifest, "activate-environment": "ci" },
      },
    ],
    run: "",
    addTool: (p) => `python -m pip install ${p.join(" ")}`,
    declare: (p, manifest) => `add ${p} to the dependencies in ${manifest}`,
    docker: (manifest) => [
      `COPY ${manifest} ./`,
      `RUN conda env update -n base -f ${manifest} && conda clean -afy`,
    ],
    image: "condaforge/miniforge3:24.11.3-0",
    shell: "bash -el {0}",
  },
  pip: {
    id: "pip",
    dockerAdd: "pip install --no-cache-dir",
    setup: (python) => [setupPython(python)],
    install: (manifest, dev) =>
      manifest.endsWith(".txt")
        ? `python -m pip install -r ${manifest}${dev ? ` -r ${dev}` : ""}`
        : "python -m pip install -e .",
    run: "",
    addTool: (p) => `python -m pip install ${p.join(" ")}`,
    declare: (p, manifest) => `add ${p} to ${manifest}`,
    docker: (manifest) =>
      manifest.endsWith(".txt")
        ? [`COPY ${manifest} ./`, `RUN pip install --no-cache-dir -r ${manifest}`]
        : ["COPY . .", "RUN pip install --no-cache-dir ."],
  },
};
