import * as z from "zod";
import type { Predicate } from "../engine/model.js";

/** The schema of `rules/*.yml`; the engine's `Predicate` type is what it produces. */

const strings = z.array(z.string().min(1)).min(1);
const trigger = z.enum(["push", "pull_request", "schedule", "manual", "data", "other"]);
const regexString = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: "not a valid regular expression" },
);

const pythonQuery: z.ZodType = z.strictObject({
  call: strings.optional(),
  decorator: strings.optional(),
  base: strings.optional(),
  import: strings.optional(),
  text: z.array(regexString).min(1).optional(),
  in: z.enum(["code", "notebook", "any"]).optional(),
  automated: z.boolean().optional(),
  ranBy: z
    .array(z.enum(["ci", "scheduled-ci", "container", "dvc", "orchestrator", "serving"]))
    .min(1)
    .optional(),
  orchestrated: z.boolean().optional(),
  module: z.enum(["serving", "predicting"]).optional(),
  savesPredictions: z.boolean().optional(),
  alsoInModule: z.lazy(() => pythonQuery).optional(),
});

/** Each predicate is an object with exactly one key; the key chooses the schema of its body. */
const predicateBodies: Record<string, z.ZodType> = {
  use: z.string().min(1),
  all: z.array(z.lazy(() => predicateSchema)).min(1),
  any: z.array(z.lazy(() => predicateSchema)).min(1),
  not: z.lazy(() => predicateSchema),
  atLeast: z.strictObject({
    count: z.number().int().min(1),
    of: z.array(z.lazy(() => predicateSchema)).min(1),
  }),
  rule: z.strictObject({ id: z.string(), status: z.array(z.enum(["pass", "partial"])).min(1) }),
  files: z.strictObject({ glob: strings, exclude: strings.optional() }),
  text: z.strictObject({ glob: strings, pattern: z.array(regexString).min(1), exclude: strings.optional() }),
  python: z.lazy(() => pythonQuery),
  ci: z.strictObject({
    command: z.array(regexString).min(1).optional(),
    unless: z.array(regexString).min(1).optional(),
    uses: strings.optional(),
    with: z.record(z.string(), regexString).optional(),
    masked: z.boolean().optional(),
    trigger: z.array(trigger).min(1).optional(),
    hooks: z.boolean().optional(),
  }),
  ciPipeline: z.strictObject({ trigger: z.array(trigger).min(1).optional(), work: z.boolean().optional() }),
  dockerfile: z.strictObject({
    start: z.array(regexString).optional(),
    startsServing: z.boolean().optional(),
    entry: z.boolean().optional(),
  }),
  compose: z.strictObject({ minServices: z.number().int().min(1), startedByCi: z.boolean().optional() }),
  yaml: z.strictObject({
    glob: strings.optional(),
    kind: strings.optional(),
    apiVersion: regexString.optional(),
    path: z.string().optional(),
    value: regexString.optional(),
    beside: z.record(z.string(), regexString).optional(),
  }),
  terraform: z.strictObject({ provider: strings.optional(), resource: strings.optional() }),
  readme: z.strictObject({
    minWords: z.number().int().min(0).optional(),
    heading: z.boolean().optional(),
    runInstructions: z.boolean().optional(),
    architecture: z.boolean().optional(),
  }),
  tests: z.strictObject({ functions: z.boolean() }),
  dependencies: z.strictObject({
    pinnedShare: z.number().min(0).max(1).optional(),
    lockfile: z.boolean().optional(),
  }),
  secrets: z.strictObject({}),
  serving: z.strictObject({
    kind: z.array(z.enum(["post", "get", "handler", "managed", "ui"])).min(1),
    predicts: z.boolean().optional(),
  }),
};

export const predicateSchema: z.ZodType<Predicate> = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => {
    const keys = Object.keys(value);
    if (keys.length !== 1 || !(keys[0] in predicateBodies)) {
      ctx.addIssue({
        code: "custom",
        message: `a predicate has exactly one key, one of ${Object.keys(predicateBodies).join(", ")}; got ${keys.join(", ") || "none"}`,
      });
      return;
    }
    const parsed = predicateBodies[keys[0]].safeParse(value[keys[0]]);
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue, path: [keys[0], ...issue.path] } as never);
  }) as unknown as z.ZodType<Predicate>;

const status = z.enum(["pass", "partial", "fail", "exempt", "inconclusive"]);

export const exampleSchema = z.strictObject({
  name: z.string().min(1),
  status,
  files: z.record(z.string(), z.string()),
});

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, "rule ids look like phase.name"),
  title: z.string().min(1),
  weight: z.number().int().min(1).max(3),
  why: z.string().min(1),
  remediation: z.string().min(1),
  docs: z.url(),
  packages: z.array(z.string()).optional(),
  pass: predicateSchema,
  partial: predicateSchema.optional(),
  messages: z
    .strictObject({
      pass: z.string().optional(),
      partial: z.string().optional(),
      fail: z.string().optional(),
      missing: z.record(z.string(), z.string()).optional(),
      next: z.string().optional(),
    })
    .optional(),
  examples: z.array(exampleSchema),
});

export const phaseFileSchema = z.strictObject({
  phase: z.string().min(1),
  name: z.string().min(1),
  order: z.number().int(),
  rules: z.array(ruleSchema).min(1),
});

const checklistSource = z.union([
  z.strictObject({ rule: z.string() }),
  z.strictObject({ pass: predicateSchema, partial: predicateSchema.optional() }),
]);

export const rulesetFileSchema = z.strictObject({
  version: z.string().min(1),
  definitions: z.record(z.string(), predicateSchema),
  checklist: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      lowest: z.array(checklistSource).min(1).optional(),
      best: z.array(checklistSource).min(1).optional(),
    }),
  ),
});
