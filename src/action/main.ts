import * as core from "@actions/core";
import { runAction } from "./run.js";

/** The Action's entry: the runner starts it with `node action/index.mjs`. */
runAction().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    core.setFailed(`mlops-audit: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
