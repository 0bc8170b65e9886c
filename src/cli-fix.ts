import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { localConfig } from "./cli-config.js";
import type { Io } from "./cli.js";
import { settingsFrom } from "./config/load.js";
import { MAX_FILE_BYTES, readSnapshot, scorecardFromFacts, type AuditInput } from "./engine/audit.js";
import { buildFacts } from "./engine/facts/index.js";
import type { Scorecard } from "./engine/model.js";
import { planFixes, type FixPlan, type ProposedFile } from "./fix/index.js";
import { loadCatalogue } from "./rules/load.js";
import { LocalSource } from "./sources/local.js";
import { TOOL } from "./version.js";

export const FIX_USAGE = `usage: mlops-audit fix DIR [RULE-ID...] [--dry-run] [--config FILE]
  Writes the files that would make failing or partial rules pass (all of them, or the rules named),
  tailored to the repository, and says what is left to do. It never overwrites a file.
  --dry-run            print the files as a unified diff instead of writing them
Exit codes: 0 done, 1 a file could not be written, 2 bad arguments or unreadable directory.`;

/** A unified diff that creates the file: `git apply` takes it as it is. */
export function creationDiff(file: ProposedFile): string {
  const lines = file.content.replace(/\n$/, "").split("\n");
  return [
    `diff --git a/${file.path} b/${file.path}`,
    "new file mode 100644",
    "--- /dev/null",
    `+++ b/${file.path}`,
    `@@ -0,0 +1,${lines.length} @@`,
    ...lines.map((l) => `+${l}`),
    "",
  ].join("\n");
}

async function auditDir(dir: string, input: AuditInput) {
  const files = await readSnapshot(await LocalSource.open(dir), input.settings!, MAX_FILE_BYTES, 8);
  const facts = buildFacts(files);
  return { facts, card: scorecardFromFacts(facts, input) };
}

/** Writes a file only where none is: the `wx` flag makes the check and the write one step. */
export function writeNew(dir: string, file: ProposedFile): string | null {
  const target = resolve(dir, file.path);
  if (!target.startsWith(resolve(dir) + "/")) return "outside the directory";
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content, { flag: "wx" });
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EEXIST" ? "a file is already there" : (e as Error).message;
  }
}

function describePlan(plan: FixPlan, written: Map<string, string | null>, dryRun: boolean): string {
  const out: string[] = [];
  for (const fix of plan.fixes) {
    out.push(`${fix.rules.join(", ")} (${fix.fixer})`);
    for (const f of fix.files) {
      const refused = written.get(f.path);
      const beside = f.beside ? ` beside ${f.beside}, which is left as it is` : "";
      out.push(
        refused
          ? `  ✗ not written: ${f.path} (${refused})`
          : `  ${dryRun ? "would write" : "wrote"} ${f.path}${beside}`,
      );
    }
    for (const t of fix.todo) out.push(`  to do: ${t}`);
  }
  for (const s of plan.skipped) out.push(`${s.rule}: not fixed, ${s.reason}`);
  if (!plan.fixes.length && !plan.skipped.length) out.push("Nothing to fix: every rule with a fixer passes.");
  return out.join("\n") + "\n";
}

function statusLine(before: Scorecard, after: Scorecard, rules: string[]): string {
  const changes = rules.map((id) => {
    const was = before.rules.find((r) => r.id === id)?.status;
    const now = after.rules.find((r) => r.id === id)?.status;
    return `${id} ${was} → ${now}`;
  });
  return `\nScore ${before.score} → ${after.score}. ${changes.join("; ")}.\n`;
}

/** `mlops-audit fix`: audit the directory, plan the fixes (pure), then write them (or print the diff). */
export async function fixMain(argv: string[], io: Io): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "dry-run": { type: "boolean" },
        config: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    io.stderr(`mlops-audit fix: ${(e as Error).message}\n${FIX_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${FIX_USAGE}\n`);
    return 0;
  }
  const [dirArg, ...rules] = positionals;
  if (!dirArg) {
    io.stderr(`mlops-audit fix: no directory given\n${FIX_USAGE}\n`);
    return 2;
  }
  const catalogue = loadCatalogue();
  const known = new Set(catalogue.phases.flatMap((p) => p.rules.map((r) => r.id)));
  const unknown = rules.filter((r) => !known.has(r));
  if (unknown.length) {
    io.stderr(`mlops-audit fix: unknown rule ${unknown.join(", ")}\n`);
    return 2;
  }
  const cwd = io.cwd ?? process.cwd();
  const dir = resolve(cwd, dirArg);
  const config = localConfig(dir, values.config, cwd, catalogue);
  if (!config.ok) {
    io.stderr(`mlops-audit fix: ${config.error}\n`);
    return 2;
  }
  for (const warning of config.warnings) io.stderr(`mlops-audit fix: warning: ${warning}\n`);
  const input: AuditInput = {
    catalogue,
    settings: settingsFrom(config.config),
    tool: TOOL,
    target: { name: basename(dir), path: dirArg },
  };
  let before;
  try {
    before = await auditDir(dir, input);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.stderr(
      `mlops-audit fix: cannot read ${dirArg}: ${code === "ENOENT" ? "no such directory" : (e as Error).message}\n`,
    );
    return 2;
  }
  const plan = planFixes(before.facts, before.card, catalogue, rules);
  const files = plan.fixes.flatMap((f) => f.files);
  const written = new Map<string, string | null>();
  if (values["dry-run"]) {
    io.stdout(files.map(creationDiff).join(""));
    io.stderr(describePlan(plan, written, true));
    return 0;
  }
  for (const f of files) written.set(f.path, writeNew(dir, f));
  io.stdout(describePlan(plan, written, false));
  if (files.length) {
    const after = await auditDir(dir, input);
    io.stdout(statusLine(before.card, after.card, [...new Set(plan.fixes.flatMap((f) => f.rules))]));
  }
  return [...written.values()].some(Boolean) ? 1 : 0;
}
