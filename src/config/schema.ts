import * as z from "zod";
import { ruleSchema } from "../rules/schema.js";

/** `.github/mlops-audit.yml`: the type is the schema's output, and the JSON Schema is generated from it. */

export const MAX_CUSTOM_RULES = 50;

export const customRuleSchema = ruleSchema.extend({
  phase: z.string().min(1).describe("The phase id this rule belongs to, such as serving or monitoring."),
  examples: ruleSchema.shape.examples.default([]),
});

export const configSchema = z
  .strictObject({
    rules: z
      .strictObject({
        disable: z.array(z.string()).default([]).describe("Rule ids not to judge; shown as exempt."),
        exempt: z
          .record(z.string(), z.string().trim().min(1, "an exemption needs a reason"))
          .default({})
          .describe("Rule id → the reason it does not apply; the reason is shown on the scorecard."),
        weights: z
          .record(z.string(), z.number().int().min(0).max(10))
          .default({})
          .describe("Rule id → weight."),
        custom: z
          .array(customRuleSchema)
          .max(MAX_CUSTOM_RULES)
          .default([])
          .describe("Rules of your own, in the language of rules/."),
      })
      .default({ disable: [], exempt: {}, weights: {}, custom: [] }),
    paths: z
      .strictObject({
        ignore: z.array(z.string()).default([]).describe("Globs of paths no rule looks at."),
        root: z
          .string()
          .refine(
            (root) => !root.split(/[/\\]/).includes(".."),
            "must be a folder inside the repository (no ..)",
          )
          .optional()
          .describe("Audit only this folder (one project of a monorepo)."),
      })
      .default({ ignore: [] }),
    thresholds: z
      .strictObject({
        pass: z.number().min(0).max(100).default(60).describe("Score at or above which the check succeeds."),
        fail_below: z
          .number()
          .min(0)
          .max(100)
          .optional()
          .describe("Score below which the check fails (otherwise it is neutral)."),
      })
      .default({ pass: 60 }),
    report: z
      .strictObject({
        issue: z
          .boolean()
          .default(false)
          .describe(
            'Keep one "MLOps readiness" issue up to date on pushes to the default branch (for repositories without pull requests).',
          ),
      })
      .default({ issue: false }),
  })
  .describe("mlops-audit configuration");

export type Config = z.output<typeof configSchema>;
