import fc from "fast-check";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scorecardFromFacts } from "../src/engine/audit.js";
import { ORCHESTRATOR_PACKAGES, usesOrchestrator } from "../src/engine/facts/automation.js";
import { normalisedName } from "../src/engine/facts/imported.js";
import { buildFacts } from "../src/engine/facts/index.js";
import { LazyPyModule, parsePython } from "../src/engine/facts/python.js";
import { ModuleTexts } from "../src/engine/facts/module-texts.js";
import { endpointsOf, mayServe, servingCandidates } from "../src/engine/facts/serving.js";
import { alternativesOf, requiredLiterals } from "../src/engine/predicates/literals.js";
import { loadCatalogue } from "../src/rules/load.js";
import { TOOL } from "../src/version.js";

const catalogue = loadCatalogue();

/** Every Python file the project holds as an example: the rules' examples and the fixture repositories. */
function pythonCorpus(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const rule of catalogue.phases.flatMap((p) => p.rules))
    for (const example of rule.examples)
      for (const [path, text] of Object.entries(example.files))
        if (path.endsWith(".py")) out.push({ path, text });
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".py")) out.push({ path: full, text: readFileSync(full, "utf8") });
    }
  };
  walk("fixtures/repos");
  return out;
}

/** Lines of serving and orchestration code, imported under their own names and under aliases. */
const line = fc.constantFrom(
  "import fastapi",
  "from fastapi import FastAPI as F",
  "import flask as fl",
  "from flask import Flask",
  "from litestar import post",
  "from kafka import KafkaConsumer",
  "import bentoml",
  "from airflow import DAG",
  "from airflow.decorators import dag, task",
  "import prefect as pf",
  "from kfp import dsl",
  "from metaflow import FlowSpec",
  "from dagster import asset as a",
  "app = F()",
  "app = fastapi.FastAPI()",
  "app = fl.Flask(__name__)",
  "api = Flask(__name__)",
  "@app.post('/predict')",
  "@api.route('/p', methods=['POST'])",
  "@post('/x')",
  "@pf.flow",
  "@task",
  "@a",
  "@dsl.pipeline(name='p')",
  "@bentoml.service",
  "with DAG('d') as d:",
  "class Flow(FlowSpec):",
  "consumer = KafkaConsumer('t')",
  "def lambda_handler(event, context):",
  "async def Process_HANDLER(event, ctx):",
  "from quart import Quart",
  "qa = Quart(__name__)",
  "@qa.post('/p')",
  "from google.cloud import pubsub_v1",
  "sub = pubsub_v1.SubscriberClient()",
  "from azure.ai.ml.entities import ManagedOnlineEndpoint",
  "e = ManagedOnlineEndpoint(name='x')",
  "import ray",
  "@ray.serve.deployment",
  "app.add_url_rule('/p', view_func=f, methods=['POST'])",
  "def run(data):",
  "    return model.predict(x)",
  "    pass",
);

describe("modules are ruled out by their text before they are parsed", () => {
  const corpus = pythonCorpus();
  const generated = fc.array(line, { minLength: 1, maxLength: 8 }).map((l) => l.join("\n"));

  it("the corpus holds serving and orchestration code, so the checks below are not vacuous", () => {
    const modules = corpus.map(({ path, text }) => parsePython(path, text));
    expect(modules.filter((m) => endpointsOf(m).length).length).toBeGreaterThan(5);
    expect(modules.filter((m) => usesOrchestrator(m)).length).toBeGreaterThan(3);
  });

  it("no module with an endpoint fails the serving gate", () => {
    // One service of each kind the gate names, each under an alias where one can be given.
    const services = [
      "from quart import Quart as Q\napp = Q(__name__)\n@app.post('/p')\ndef p(): pass",
      "from google.cloud import pubsub_v1 as ps\nsub = ps.SubscriberClient()",
      "import azure.functions as func\napp = func.FunctionApp()\n@app.route(route='p')\ndef p(req): pass",
      "import ray.serve as rs\n@ray.serve.deployment\nclass M: pass",
      "from sagemaker.model import Model\nModel(image_uri='x').deploy()",
      "from google.cloud import aiplatform as aip\naip.Endpoint.create(display_name='e')",
      "import streamlit as st\nst.write(model.predict(x))",
      "from django.views import View as V\nclass P(V):\n    def post(self, r): pass",
      "from rest_framework.decorators import api_view as av\n@av(['POST'])\ndef p(r): pass",
      "app.add_url_rule('/p', view_func=f, methods=['POST'])",
      "import functions_framework as ff\n@ff.http\ndef p(r): pass",
      "import bentoml as b\n@b.service\nclass S: pass",
      "def Process_Handler(Event, context):\n    pass",
      "def handler(  # takes a, b\n    event, context):\n    pass",
    ];
    for (const text of services) {
      const m = parsePython("svc.py", text);
      expect(endpointsOf(m).length, text).toBeGreaterThan(0);
      expect(mayServe(m, servingCandidates(new ModuleTexts([m]))), text).toBe(true);
    }
    for (const { path, text } of corpus) {
      const m = parsePython(path, text);
      if (endpointsOf(m).length)
        expect(mayServe(m, servingCandidates(new ModuleTexts([m]))), path).toBe(true);
    }
    fc.assert(
      fc.property(generated, fc.constantFrom("app.py", "score.py", "src/serve.py"), (text, path) => {
        const m = parsePython(path, text);
        return !endpointsOf(m).length || mayServe(m, servingCandidates(new ModuleTexts([m])));
      }),
      { numRuns: 500 },
    );
  });

  it("no module that defines orchestrated work fails the orchestrator gate", () => {
    for (const { path, text } of corpus) {
      const m = parsePython(path, text);
      if (usesOrchestrator(m)) expect(ORCHESTRATOR_PACKAGES.test(text), path).toBe(true);
    }
    fc.assert(
      fc.property(
        generated,
        (text) => !usesOrchestrator(parsePython("p.py", text)) || ORCHESTRATOR_PACKAGES.test(text),
      ),
      { numRuns: 500 },
    );
  });
});

describe("declared but never used: the import gate in front of the parser", () => {
  /** Imports written every way the parser reads one, and mentions that are not imports. */
  const importLine = fc.constantFrom(
    "import black",
    "import os, Black",
    "import os,\\\n    black.x as b",
    "from black import Mode",
    "from  black.linter import x",
    "import great_expectations as gx",
    "import Great-Expectations",
    "import \u212aeras",
    "import keras_tuner",
    "from . import black",
    "# pylint: disable=black",
    '"""import black"""',
    "x = black(1)",
    "import blackhole",
    "import os; import black",
    "import a, x(\n), black",
    "    import black",
  );
  const names = ["black", "blackhole", "great-expectations", "keras", "keras-tuner", "os", "x"];

  it("says a package is imported exactly when some parsed module imports it", () => {
    fc.assert(
      fc.property(fc.array(fc.array(importLine, { maxLength: 4 }), { maxLength: 4 }), (modules) => {
        const texts = modules.map((lines, i) => [`m${i}.py`, lines.join("\n")] as const);
        const facts = buildFacts({
          paths: texts.map(([p]) => p),
          texts: new Map(texts),
          unreadable: new Map(),
        });
        // The same, with every name looked up together before the first is asked.
        const expecting = buildFacts({
          paths: texts.map(([p]) => p),
          texts: new Map(texts),
          unreadable: new Map(),
        });
        expecting.imported.expect(names);
        for (const name of names) {
          const parsed = texts.map(([path, text]) => parsePython(path, text));
          const imports = parsed.some((m) =>
            m.imports.some(
              (i) => !i.module.startsWith(".") && normalisedName(i.module.split(".")[0]) === name,
            ),
          );
          expect(facts.imported.has(name), `${name} in ${JSON.stringify(texts)}`).toBe(imports);
          expect(expecting.imported.has(name), `${name} expected, in ${JSON.stringify(texts)}`).toBe(imports);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

/** Lines that the Python queries' word filters must not rule out: keywords, fragments, alternatives, traps. */
const queryLine = fc.constantFrom(
  "from prefect import flow",
  "flow.serve(name='x', cron='0 * * * *')",
  "train.deploy(interval=3600)",
  "observe(cron)",
  "x.serve()",
  "from airflow import DAG",
  "from airflow.models import DAG as D",
  "dag = D('d', schedule_interval='@daily')",
  "DAG('d', schedule=None)",
  "with DAG('t', schedule='@hourly') as d:",
  "@flow(retries=3)",
  "default_args = {'retries': 2}",
  "from mlflow.tracking import MlflowClient",
  "client = MlflowClient()",
  "client.set_registered_model_alias('m', 'champion', 1)",
  "# Champion model",
  "s = 'CHALLENGER'",
  "import great_expectations as gx",
  "from evidently.metric_preset import DataDriftPreset",
  "report = Report(metrics=[DataDriftPreset()])",
  "model.fit(X, y)",
  "preds = model.predict(X)",
  "preds.to_csv('out.csv')",
  // Identifiers inside longer ones, beside non-ASCII characters, and choices inside a group.
  "import mlflow_utils\nmlflow_utils.start_run()",
  "mlflowx.start_run()",
  "import mlflow→\nmlflow.start_run()",
  "é_mlflow = mlflow.start_run()",
  "client.set_registered_model_aliasx('m', 'champion', 1)",
  "stage = 'Staging'",
  'alias = "candidate"',
);

describe("the word filters in front of the Python queries", () => {
  it("rule out only modules that could not match: a tree is judged as with every module tried", () => {
    const module = fc
      .array(fc.oneof(line, queryLine), { minLength: 1, maxLength: 8 })
      .map((l) => l.join("\n"));
    const input = { catalogue, tool: TOOL, target: { name: "filters" } };
    fc.assert(
      fc.property(fc.array(module, { minLength: 1, maxLength: 4 }), (texts) => {
        const read = () => ({
          paths: texts.map((_, i) => `m${i}.py`),
          texts: new Map(texts.map((t, i) => [`m${i}.py`, t])),
          unreadable: new Map(),
        });
        const unfiltered = buildFacts(read());
        // Every module holds every word: no query rules a module out before trying it.
        const everything = Object.assign(Object.create(unfiltered.moduleTexts), {
          holding: () => [...unfiltered.python],
          holdingAnyCase: () => [...unfiltered.python],
          mayHold: () => [...unfiltered.python],
          expect: () => {},
          holds: () => true,
        });
        Object.assign(unfiltered, { moduleTexts: everything });
        expect(scorecardFromFacts(buildFacts(read()), input)).toEqual(scorecardFromFacts(unfiltered, input));
      }),
      { numRuns: 200 },
    );
  });
});

describe("required literals of a text pattern", () => {
  it("finds the literal text of the catalogue's patterns, and nothing where a part is optional", () => {
    expect(requiredLiterals("InitialVariantWeight")).toEqual(["InitialVariantWeight"]);
    expect(requiredLiterals(`set_registered_model_alias\\([^)]*["'](champion|challenger)["']`)).toEqual([
      "set_registered_model_alias(",
    ]);
    expect(requiredLiterals(`["']models:/`)).toEqual(["models:/"]);
    expect(requiredLiterals("\\b(re)?train\\w*\\(")).toEqual(["train", "("]);
    expect(requiredLiterals("ab?c")).toEqual(["a", "c"]);
    expect(requiredLiterals("ab+c")).toEqual(["a", "c"]);
    expect(requiredLiterals("retries = 3")).toEqual(["retries", "=", "3"]);
    expect(requiredLiterals("foo|bar")).toEqual([]);
    expect(requiredLiterals("(?i)secret")).toEqual([]);
    expect(requiredLiterals("\\x41BC\\u0044EF\\pLx")).toEqual(["BC", "EF", "x"]);
  });

  it("every string a pattern matches holds every literal it requires", () => {
    const atom = fc.constantFrom(
      "a",
      "b",
      "ab",
      ".",
      "\\.",
      "\\(",
      "[ab]",
      "[^a]",
      "\\w",
      "\\s",
      " ",
      "(a|b)",
      "x",
      "\\x61",
      "\\u0061",
      "\\cJ",
      "\\1",
    );
    const quantifier = fc.constantFrom("", "", "", "?", "*", "+", "{0,2}");
    const pattern = fc
      .array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.map(([a, q]) => a + q).join(""));
    const subject = fc
      .array(fc.constantFrom("a", "b", ".", "(", " ", "x", "\n"), { maxLength: 14 })
      .map((c) => c.join(""));
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        if (!new RegExp(p, "m").test(s)) return true;
        return requiredLiterals(p).every((literal) => s.includes(literal));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the alternatives of a text pattern", () => {
  it("expands a group of choices that nothing repeats, so its literals still rule text out", () => {
    expect(alternativesOf(`([Cc]andidate|STAGING)["']`)).toEqual([
      `Candidate"`,
      `Candidate'`,
      `candidate"`,
      `candidate'`,
      `STAGING"`,
      `STAGING'`,
    ]);
    expect(alternativesOf("a(?:b|c)d|e")).toEqual(["abd", "acd", "e"]);
    expect(alternativesOf("x(a|b)(c|d)")).toEqual(["xac", "xad", "xbc", "xbd"]);
    // Repeated, optional, look-around and named groups stay whole; so do a class holding a bar, a repeated
    // or negated class, and a range.
    for (const kept of [
      "a(b|c)?d",
      "a(b|c)+",
      "a(?=b|c)",
      "a(?<n>b|c)",
      "[(|)]x",
      "[ab]?c",
      "[^ab]",
      "[a-z]",
    ])
      expect(alternativesOf(kept)).toEqual([kept]);
    expect(alternativesOf("\\(a|b\\)x")).toEqual(["\\(a", "b\\)x"]);
    expect(alternativesOf("(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)")).toHaveLength(32);
    expect(requiredLiterals(alternativesOf(`["']([Cc]andidate|STAGING)["']`)[0])).toEqual([`"Candidate"`]);
  });

  it("every string a pattern matches holds the literals of one of its alternatives", () => {
    const atom = fc.constantFrom("a", "b", "ab", ".", "\\.", "[ab]", "[^a]", "['b]", "\\w", " ", "x", "\\1");
    const piece: fc.Arbitrary<string> = fc.oneof(
      atom,
      fc
        .tuple(fc.array(atom, { minLength: 1, maxLength: 3 }), fc.array(atom, { minLength: 1, maxLength: 3 }))
        .map(([l, r]) => `(${l.join("")}|${r.join("")})`),
      fc.array(atom, { minLength: 1, maxLength: 2 }).map((l) => `(?:${l.join("")}|x)`),
    );
    const quantifier = fc.constantFrom("", "", "", "?", "*", "+");
    const branch = fc
      .array(fc.tuple(piece, quantifier), { minLength: 1, maxLength: 5 })
      .map((parts) => parts.map(([a, q]) => a + q).join(""));
    const pattern = fc.array(branch, { minLength: 1, maxLength: 2 }).map((b) => b.join("|"));
    const subject = fc
      .array(fc.constantFrom("a", "b", ".", " ", "x", "\n"), { maxLength: 14 })
      .map((c) => c.join(""));
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        if (!new RegExp(p, "m").test(s)) return true;
        return alternativesOf(p).some((a) => requiredLiterals(a).every((literal) => s.includes(literal)));
      }),
      { numRuns: 5000 },
    );
  });
});

describe("a large tree's modules are parsed only when a rule reaches them", () => {
  it("parses a small share of 400 modules, and judges the tree as it would with every module parsed", () => {
    const files = new Map<string, string>();
    for (let i = 0; i < 400; i++)
      files.set(
        `pkg/m${String(i).padStart(3, "0")}.py`,
        `import numpy as np\n\n\ndef f${i}(x):\n    return np.mean(x)\n`,
      );
    files.set("pkg/track.py", "import mlflow\n\nmlflow.log_metric('acc', 0.9)\n");
    files.set("requirements.txt", "mlflow==2.14.0\nnumpy==1.26.4\nfastapi==0.111.0\n");
    const read = () => ({ paths: [...files.keys()].sort(), texts: new Map(files), unreadable: new Map() });
    const input = { catalogue, tool: TOOL, target: { name: "lazy" } };

    const lazy = buildFacts(read());
    const lazyCard = scorecardFromFacts(lazy, input);
    const parsed = lazy.python.filter((m) => (m as LazyPyModule).isParsed);
    expect(parsed.length).toBeLessThan(20);
    expect(parsed.map((m) => m.path)).toContain("pkg/track.py");

    const eager = buildFacts(read());
    for (const m of eager.python) void m.calls;
    expect(scorecardFromFacts(eager, input)).toEqual(lazyCard);
    expect(lazyCard.rules.find((r) => r.id === "tracking.experiments")?.status).not.toBe("fail");
    // fastapi is declared and never imported: the answer needs no module parsed, and is still given.
    expect(JSON.stringify(lazyCard.rules)).toContain("fastapi is declared but never used");
  });
});
