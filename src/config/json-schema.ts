import * as z from "zod";
import { configSchema } from "./schema.js";

/** The JSON Schema of the config file, generated from the zod schema so the two cannot disagree. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" });
  return (
    JSON.stringify({ ...schema, title: "mlops-audit configuration (.github/mlops-audit.yml)" }, null, 2) +
    "\n"
  );
}
