import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONDA_GLOBS, REQUIREMENTS_GLOBS } from "../src/engine/facts/dependencies.js";
import { buildFacts, kindsOf } from "../src/engine/facts/index.js";
import { pythonTargets } from "../src/engine/facts/automation.js";
import { splitShell } from "../src/engine/facts/ci/shell.js";
import { parseNotebook } from "../src/engine/facts/notebook.js";
import { parsePython } from "../src/engine/facts/python.js";
import { findSecrets, isSecretName } from "../src/engine/facts/secrets.js";
import { parseYaml } from "../src/engine/facts/yaml.js";
import { parseReadme } from "../src/engine/facts/readme.js";

describe("Python facts", () => {
  it("reads calls through aliases, from-imports, bindings and chains, never inside strings or comments", () => {
    const m = parsePython(
      "t.py",
      [
        "from mlflow import (log_metric,",
        "    log_param as lp)",
        "import wandb as wb",
        '"""mlflow.start_run() in a docstring"""',
        "s = f'{mlflow.autolog()}'  # mlflow.autolog()",
        "log_metric('a', 1)",
        "lp('b', 2)",
        "run = wb.init()",
        "run.log({'x': 1})",
        "pd.DataFrame(x).to_sql('t', con)",
      ].join("\n"),
    );
    const names = m.calls.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "mlflow.log_metric",
        "mlflow.log_param",
        "wandb.init",
        "wandb.init().log",
        "pd.DataFrame().to_sql",
      ]),
    );
    expect(names).not.toContain("mlflow.start_run");
    expect(names).not.toContain("mlflow.autolog");
    expect(m.calls.find((c) => c.name === "mlflow.log_param")!.line).toBe(7);
  });

  it("keeps keyword arguments with their source text", () => {
    const m = parsePython(
      "d.py",
      "DAG('x', schedule_interval=None, default_args={'retries': 2, 'f': g(1, 2)})\n",
    );
    expect(m.calls[0].kwargs).toEqual([
      { name: "schedule_interval", value: "None" },
      { name: "default_args", value: "{'retries': 2, 'f': g(1, 2)}" },
    ]);
  });

  it("resolves a name through the latest binding above its use, or the first when none is above", () => {
    const m = parsePython(
      "dags/p.py",
      [
        "def early():",
        "    client.get_run('r')",
        "from airflow.decorators import dag",
        "from mlflow import MlflowClient",
        "client = MlflowClient()",
        "@dag(schedule=None)",
        "def pipeline(): ...",
        "dag = pipeline()",
        "dag.test()",
      ].join("\n"),
    );
    expect(m.decorators.map((d) => d.name)).toEqual(["airflow.decorators.dag"]);
    const names = m.calls.map((c) => c.name);
    expect(names).toContain("mlflow.MlflowClient().get_run");
    expect(names).toContain("pipeline().test");
    expect(names).not.toContain("airflow.decorators.dag.test");
  });

  it("never throws on broken code", () => {
    for (const text of ["def (", '"""never closed', "x = (((((", "@", "import", "from . import"]) {
      expect(() => parsePython("b.py", text)).not.toThrow();
    }
  });

  it("reads notebooks' code cells only, blanking shell and magic lines", () => {
    const nb = parseNotebook(
      "n.ipynb",
      JSON.stringify({
        cells: [
          { cell_type: "markdown", source: ["import mlflow\n", "mlflow.log_metric('md', 1)"] },
          {
            cell_type: "code",
            source: [
              "!pip install mlflow\n",
              "%matplotlib inline\n",
              "import mlflow\n",
              "mlflow.log_metric('a', 1)",
            ],
          },
        ],
      }),
    )!;
    expect(nb.notebook).toBe(true);
    expect(nb.calls.map((c) => c.name)).toEqual(["mlflow.log_metric"]);
    expect(parseNotebook("x.ipynb", "{oops")).toBeNull();
  });
});

describe("shell reading", () => {
  it("drops print-only commands and marks masked ones", () => {
    const r = splitShell("echo start\npytest tests || true\nmake train && docker push x\nprintf done", 10);
    expect(r.commands.map((c) => [c.text, c.line, c.masked])).toEqual([
      ["pytest tests", 11, true],
      ["make train", 12, false],
      ["docker push x", 12, false],
    ]);
    expect(splitShell('echo "pytest"', 1).printOnly).toBe(true);
  });

  it("strips runner prefixes and environment assignments", () => {
    expect(splitShell("PYTHONPATH=. poetry run pytest -q", 1).commands[0].text).toBe("pytest -q");
    expect(splitShell("uv run --frozen python train.py", 1).commands[0].text).toBe("python train.py");
  });
});

describe("secrets", () => {
  it("finds provider keys and secret-named literals, and never reports the value", () => {
    const value = "q8Lr2vXn4Tb9Kd1Ws7Yh3Pm6Zc0Fg5Jt8Nx2Qe4R";
    const found = findSecrets(
      "app.py",
      `AWS_ACCESS_KEY_ID = "AKIAQ3EGRXZ5J7P4WLMN"\nAWS_SECRET_ACCESS_KEY = "${value}"\n`,
    );
    expect(found.length).toBeGreaterThan(0);
    expect(JSON.stringify(found)).not.toContain(value);
    expect(JSON.stringify(found)).not.toContain("AKIAQ3EGRXZ5J7P4WLMN");
  });

  it("ignores placeholders, references and names that only contain a secret word", () => {
    expect(
      findSecrets("a.yml", "token: ${{ secrets.TOKEN }}\npassword: changeme\napi_key: <your key>\n"),
    ).toEqual([]);
    expect(
      findSecrets("a.py", "AKIAIOSFODNN7EXAMPLE\ntokenizer_name = 'bert1234567890abcdefghij'\n"),
    ).toEqual([]);
    expect(isSecretName("authToken")).toBe(true);
    expect(isSecretName("DB_PASSWORD")).toBe(true);
    expect(isSecretName("keyword")).toBe(false);
  });
});

describe("the kinds of a path", () => {
  it("tries the manifest globs only on the extensions they end in, and finds what they match", () => {
    // kindsOf skips the globs for any other extension: a glob ending otherwise would be missed.
    expect(REQUIREMENTS_GLOBS.every((g) => /\.(txt|in)$/.test(g))).toBe(true);
    expect(CONDA_GLOBS.every((g) => g.endsWith(".y{,a}ml"))).toBe(true);
    for (const path of [
      "requirements-dev.txt",
      "a/requirements/base.txt",
      // A name that is the extension alone: the globs match it, though it has no extension of its own.
      "a/requirements/.txt",
      "dev-requirements.in",
      "env.yaml",
      "ci/conda-gpu.yml",
    ])
      expect(kindsOf(path), path).toContain("manifest");
    for (const path of ["requirements.md", "notes.txt", "config.yml", "environment.json"])
      expect(kindsOf(path), path).not.toContain("manifest");
  });
});

describe("the secrets scan's line filter", () => {
  it("finds in the lines it reads what a reading of every line finds", () => {
    // Assignments of every shape, near misses, and a provider token that makes the scan read every line.
    const line = fc.constantFrom(
      'api_key = "a1b2c3d4e5f6g7h8i9j0k1l2"',
      "API_KEY=a1b2c3d4e5f6g7h8i9j0k1l2",
      'os.environ["DB_PASSWORD"] = "a1b2c3d4e5f6g7h8i9j0k1"',
      "  authToken: 'a1b2c3d4e5f6g7h8i9j0k1l2m3'",
      '{"secret_key" : "a1b2c3d4e5f6g7h8i9j0k1l2"}',
      "keyword = 'a1b2c3d4e5f6g7h8i9j0k1l2'",
      "token = get_token()",
      "x = 1",
      'cfg[\\"client_secret\\"] = \\"a1b2c3d4e5f6g7h8i9j0k1l2\\"',
      "password",
      "= 'a1b2c3d4e5f6g7h8i9j0k1l2'",
      // Near misses of a strong quoted value: 19 characters, a comma inside, the value on the next line.
      'api_key = "a1b2c3d4e5f6g7h8i9j"',
      'api_key = "a1b2c3d4e5,f6g7h8i9j0k1l2"',
      "api_key = \\'a1b2c3d4e5f6g7h8i9j0k1l2\\'",
      "api_key = (",
      "  'a1b2c3d4e5f6g7h8i9j0k1l2')",
      "sorted(xs, key=len); token = 'a1b2c3d4e5f6g7h8i9j0k1l2'",
      "key=a1b2c3d4e5f6g7h8i9j0k1l2c3d4",
    );
    const MARKER = `ghp_${"a1".repeat(18)}`;
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 6 }),
        fc.constantFrom("a.py", ".env", "c.yml", "kaggle.json", "run.sh"),
        (lines, path) => {
          const text = lines.join("\n");
          const everyLine = findSecrets(path, `${text}\n${MARKER}`).filter((f) => f.line <= lines.length);
          expect(findSecrets(path, text)).toEqual(everyLine);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("the secrets scan of a large tree", () => {
  it("finds what reading every file finds, though the word index lets it skip most of them", () => {
    const line = fc.constantFrom(
      'api_key = "a1b2c3d4e5f6g7h8i9j0k1l2"',
      "MONKEY_KEY = 'a1b2c3d4e5f6g7h8i9j0k1l2'",
      `token = "ghp_${"a1".repeat(18)}"`,
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234567890abcdefghijABCDEFGHIJ12345678==",
      "id = 'AKIA1234567890ABCDEF'\nsecret = 'abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ'",
      "x = 1",
      "def f(keys): return keys",
      // Spellings the scan looks for one by one: mixed case, overlapping words, a word past ASCII.
      "SECRETOKEN = 'a1b2c3d4e5f6g7h8i9j0k1l2'",
      "kEy_id = 'a1b2c3d4e5f6g7h8i9j0k1l2'",
      "keyЖtoken = 'a1b2c3d4e5f6g7h8i9j0k1l2'",
      "cfg.Pwd = 'a1b2c3d4e5f6g7h8i9j0k1l2'; sorted(xs, key=len)",
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(line, { maxLength: 3 }), { minLength: 200, maxLength: 210 }),
        (modules) => {
          const texts = new Map(modules.map((lines, i) => [`m${i}.py`, lines.join("\n")]));
          const facts = buildFacts({ paths: [...texts.keys()], texts, unreadable: new Map() });
          const everyFile = [...texts].flatMap(([path, text]) => findSecrets(path, text));
          const order = (a: { path: string; line: number }, b: { path: string; line: number }) =>
            a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line;
          expect(facts.secrets).toEqual(everyFile.sort(order));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("hostile YAML", () => {
  it("an alias bomb ends in an error, quickly", () => {
    const levels = ["a: &a [x,x,x,x,x,x,x,x,x]"];
    for (let i = 1; i < 8; i++)
      levels.push(
        `l${i}: &l${i} [${Array(9)
          .fill(i === 1 ? "*a" : `*l${i - 1}`)
          .join(",")}]`,
      );
    const file = parseYaml("bomb.yml", levels.join("\n"));
    expect(file.error).toMatch(/alias/);
  });

  it("deep nesting ends in an error, not a crash", () => {
    expect(parseYaml("deep.yml", "[".repeat(10_000) + "]".repeat(10_000)).error).toBeTruthy();
  });
});

describe("README", () => {
  it("counts words outside code, links' text not their URLs, and finds ATX, Setext and HTML headings", () => {
    const r = parseReadme(
      "README.md",
      "Title\n=====\n\nOne [two](https://example.org/three) four.\n\n```\nnot counted here\n```\n\n<h2>Setup</h2>\n",
    );
    expect(r.headings.map((h) => h.text)).toEqual(["Title", "Setup"]);
    expect(r.words).toBe(5);
  });

  it("gives each code block, image and heading the line it starts on", () => {
    const r = parseReadme(
      "README.md",
      [
        "## **Setup**", // 1
        "",
        "Some text and", // 3
        "a diagram: ![Pipeline architecture](docs/arch.png)", // 4
        "",
        "```Bash title=run", // 6
        "make run",
        "```",
        "",
        "    pip install -r requirements.txt", // 10
        "",
        'Inline <img src="flow.svg" alt="flow"> too.', // 12
      ].join("\n"),
    );
    expect(r.headings).toEqual([{ text: "Setup", line: 1 }]);
    expect(r.images).toEqual([
      { url: "docs/arch.png", alt: "Pipeline architecture", line: 4 },
      { url: "flow.svg", alt: "flow", line: 12 },
    ]);
    expect(r.code).toEqual([
      { lang: "bash", value: "make run", line: 6 },
      { lang: "", value: "pip install -r requirements.txt", line: 10 },
    ]);
    // Alt text and code blocks are not prose: "Setup Some text and a diagram: Inline too." is eight words.
    expect(r.words).toBe(8);
  });

  it("reads a tab-indented line in a numbered item as a nested item, not as code (CommonMark tab stops)", () => {
    const r = parseReadme("README.md", "4. Train the model.\n\t> Port 6677.\n\n\t- Then run `make test`.\n");
    expect(r.code).toEqual([]);
    // Inline code is prose: "Train the model. Port 6677. Then run make test." is eight words with a letter.
    expect(r.words).toBe(8);
  });
});

describe("the module an app server starts", () => {
  it.each([
    ["gunicorn --bind 0.0.0.0:8000 serve:app", ["serve.py"]],
    ["gunicorn --bind=0.0.0.0:9696 predict:app", ["predict.py"]],
    ["gunicorn -w 4 -b 0.0.0.0:80 api.wsgi:application", ["api/wsgi.py"]],
    ["uvicorn app.main:app --host 0.0.0.0 --port 8000", ["app/main.py"]],
  ])("%s", (command, modules) => {
    expect(pythonTargets(command)).toEqual(modules);
  });
});
