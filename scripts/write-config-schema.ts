import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../src/config/json-schema.js";

/** Regenerates schema/mlops-audit.schema.json, the JSON Schema editors use for .github/mlops-audit.yml. */
writeFileSync("schema/mlops-audit.schema.json", configJsonSchema());
console.log("wrote schema/mlops-audit.schema.json");
