import type { PyModule } from "../facts/python.js";
import type { EvalContext } from "./result.js";

/**
 * Saved predictions, judged by data flow rather than by a variable's name: in a module that predicts, the
 * names bound to a prediction (`scores = model.predict(X)`, `df["y"] = clf.predict(X)`, Spark's
 * `model.transform(df)`), and the names bound from those, are followed to a write: a DataFrame or Spark
 * writer, a database or queue call, or a call of the project's own function (here or in a module it
 * imports, directly or as a background task) whose body writes. A cleaned frame written by the same module
 * is not a prediction, whatever the module also does.
 */

const RESULT =
  /^\s*(\w+)(?:\[[^\]\n]*\])?(?:\s*,\s*\w+)*\s*=[^=\n][^\n]*?\b(\w+)\.(predict\w*|infer\w*|inference|generate|transform|run_inference|score_batch)\(/gm;
/** `.transform(` predicts only on a model or pipeline; a scaler's transform is preprocessing. */
const MODEL_NAME = /model|pipe|clf|classifier|regressor|estimator|predictor|learner|booster|forecaster/i;
const WRITE =
  /\.(to_sql|to_csv|to_parquet|to_json|to_feather|to_excel|insert_one|insert_many|insert|put_object|put_item|upload_file|upload_fileobj|send|produce|publish|execute|executemany|writerow|writerows|write|save|saveAsTable|insertInto|jdbc|bulk_write|add_all|xadd|lpush|rpush)\(/;
/** Showing a value on a page or a terminal records nothing. */
const SHOWS_ONLY = /\b(st|streamlit|gr|sys\.stdout|console)\.write\(/;
const OPENS_FOR_WRITE = /\bopen\([^)\n]*["'](a|w)[bt+]?["']/;

/** Names bound to a loaded model (`PipelineModel.load(…)`, `mlflow.pyfunc.load_model(…)`), whatever they are called. */
const LOADED_MODEL = /^\s*(\w+)\s*=[^=\n][^\n]*(?:Model\w*\.load|load_model)\(/gm;

function boundNames(code: string): Set<string> {
  const names = new Set<string>();
  const models = new Set([...code.matchAll(LOADED_MODEL)].map((m) => m[1]));
  for (const m of code.matchAll(RESULT)) {
    if (m[3] === "transform" && !MODEL_NAME.test(m[2]) && !models.has(m[2])) continue;
    names.add(m[1]);
  }
  // One step further: `out = pd.DataFrame({"pred": scores})`, `row = {"y": y_hat, ...}`.
  for (let pass = 0; pass < 2 && names.size; pass++) {
    const any = new RegExp(`\\b(${[...names].join("|")})\\b`);
    for (const m of code.matchAll(/^\s*(\w+)(?:\[[^\]\n]*\])?\s*=[^=\n]([^\n]*)$/gm))
      if (!names.has(m[1]) && any.test(m[2])) names.add(m[1]);
  }
  return names;
}

/** A function body (of this module or a local one it imports) that writes somewhere. */
function writingFunctions(ctx: EvalContext, m: PyModule): Set<string> {
  const out = new Set<string>();
  const modules = [
    m,
    ...m.imports
      .flatMap((i) => ctx.facts.modules.resolveImport(m, i.module))
      .map((p) => ctx.facts.modules.byPath.get(p)!)
      .filter(Boolean),
  ];
  for (const module of modules) {
    // Tested on the raw source first, so a module that writes nothing is never parsed for this.
    if (!WRITE.test(module.source) && !OPENS_FOR_WRITE.test(module.source)) continue;
    if (!module.functions.length) continue;
    const codeLines = module.code.split("\n");
    const textLines = module.uncommented.split("\n");
    for (const f of module.functions) {
      const code = codeLines.slice(f.line, f.endLine).join("\n");
      const text = textLines.slice(f.line, f.endLine).join("\n");
      if ((WRITE.test(code) && !SHOWS_ONLY.test(code)) || OPENS_FOR_WRITE.test(text)) out.add(f.name);
    }
  }
  return out;
}

/** A call whose result `RESULT` binds: a module without one binds no prediction (`boundNames` is empty). */
const MAY_PREDICT = /\.(predict\w*|infer\w*|generate|transform|run_inference|score_batch)\(/;
/** Text one of which every text `MAY_PREDICT` matches holds: the word index finds the modules to try. */
export const PREDICTION_CALLS = [
  ".predict",
  ".infer",
  ".generate(",
  ".transform(",
  ".run_inference(",
  ".score_batch(",
];
/** Training and evaluation code predicts too: its test-set predictions are a report, not a record of use. */
const TRAINS = /\.fit\(|\.train\(|\bTrainer\(|\bcross_val_\w+\(|\.fit_transform\(/;

/** The lines where a module writes a prediction, itself or through a function of the project's own. */
export function predictionWriteLines(ctx: EvalContext, m: PyModule): number[] {
  // The source is tested first: it needs no parse, and most modules of a tree never predict.
  if (m.notebook || !MAY_PREDICT.test(m.source) || TRAINS.test(m.source)) return [];
  const names = boundNames(m.code);
  if (!names.size) return [];
  const mentions = new RegExp(`\\b(${[...names].join("|")})\\b`);
  let writers: Set<string> | undefined;
  const lines: number[] = [];
  for (const { text, line } of statements(m.code)) {
    if (!mentions.test(text) || /^\s*(async\s+)?def\s/.test(text)) continue;
    if (WRITE.test(text) && !SHOWS_ONLY.test(text)) {
      lines.push(line);
      continue;
    }
    writers ??= writingFunctions(ctx, m);
    const called = [...text.matchAll(/\b(\w+)\s*\(/g)].map((c) => c[1]);
    const task = text.match(/\.add_task\(\s*(\w+)/)?.[1];
    if ((task && writers.has(task)) || called.some((name) => writers!.has(name))) lines.push(line);
  }
  return lines;
}

/** Statements, not lines: a call chained over several lines inside brackets (`df.write\n.mode(…)\n.save()`) is one. */
function statements(code: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let depth = 0;
  let current = "";
  let start = 1;
  code.split("\n").forEach((text, i) => {
    if (depth === 0) {
      current = text;
      start = i + 1;
    } else current += ` ${text.trim()}`;
    for (const c of text)
      depth = Math.max(
        0,
        depth + (c === "(" || c === "[" || c === "{" ? 1 : c === ")" || c === "]" || c === "}" ? -1 : 0),
      );
    if (depth === 0) out.push({ text: current, line: start });
  });
  if (depth > 0) out.push({ text: current, line: start });
  return out;
}
