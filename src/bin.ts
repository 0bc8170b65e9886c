#!/usr/bin/env node
import { callerDirectory, main } from "./cli.js";

// The installed command is a symlink with any name, so this entry always runs: it is the bin and nothing else.
main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: !!process.stdout.isTTY,
  stderrIsTTY: !!process.stderr.isTTY,
  cwd: callerDirectory(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`mlops-audit: ${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
