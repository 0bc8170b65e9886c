import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { DEFAULT_SETTINGS, MAX_FILE_BYTES, readSnapshot, scorecardFromFacts } from "../src/engine/audit.js";
import { parseDockerfile } from "../src/engine/facts/docker.js";
import { buildFacts } from "../src/engine/facts/index.js";
import type { Scorecard, Status } from "../src/engine/model.js";
import { MemorySnapshot } from "../src/engine/snapshot.js";
import type { FixPlan } from "../src/fix/index.js";
import { loadCatalogue } from "../src/rules/load.js";

export const catalogue = loadCatalogue();
const tool = { name: "mlops-audit", version: "test" };

export async function auditFiles(files: Record<string, string | Uint8Array>) {
  const read = await readSnapshot(new MemorySnapshot(files), DEFAULT_SETTINGS, MAX_FILE_BYTES, 8);
  const facts = buildFacts(read);
  return { facts, card: scorecardFromFacts(facts, { catalogue, tool, target: { name: "repo" } }) };
}

export function withPlan(files: Record<string, string | Uint8Array>, plan: FixPlan) {
  const out = { ...files };
  for (const f of plan.fixes.flatMap((x) => x.files)) {
    if (f.path in out) throw new Error(`the plan overwrites ${f.path}`);
    out[f.path] = f.content;
  }
  return out;
}

const RANK: Record<Status, number> = { fail: 0, partial: 1, pass: 2, exempt: 3, inconclusive: 3 };

/** Rules whose status went down between two audits of the same repository. */
export function worse(before: Scorecard, after: Scorecard): string[] {
  return before.rules
    .filter((r) => RANK[after.rules.find((a) => a.id === r.id)!.status] < RANK[r.status])
    .map((r) => `${r.id} ${r.status} → ${after.rules.find((a) => a.id === r.id)!.status}`);
}

const ajv = new Ajv({ allErrors: true, strict: false });
const schema = (name: string) =>
  JSON.parse(readFileSync(new URL(`schemas/${name}`, import.meta.url), "utf8"));
export const validateWorkflow = ajv.compile(schema("github-workflow.json"));
export const validateDvcYaml = ajv.compile(schema("dvc-yaml.json"));

/** Run lines that only print, and the usual placeholder shapes: neither may appear in a written file. */
const ECHO_ONLY = /^\s*(echo|printf|print)\b/;
const PLACEHOLDER = /<[A-Za-z_ -]+>|\bTODO\b|FIXME|\byour[_-]\w+|CHANGE_?ME|REPLACE_WITH|x{4,}/i;

/** Every check a written file must pass, by its kind; returns the problems found. */
export function problemsOf(path: string, content: string): string[] {
  const problems: string[] = [];
  if (PLACEHOLDER.test(content)) problems.push(`${path}: placeholder ${content.match(PLACEHOLDER)![0]}`);
  if (path.startsWith(".github/workflows/")) {
    const doc = parse(content);
    if (!validateWorkflow(doc)) problems.push(`${path}: ${ajv.errorsText(validateWorkflow.errors)}`);
    for (const job of Object.values(doc.jobs ?? {}) as { steps?: { run?: string }[] }[])
      for (const step of job.steps ?? [])
        for (const line of (step.run ?? "").split("\n"))
          if (ECHO_ONLY.test(line)) problems.push(`${path}: a step only prints: ${line}`);
  }
  if (/(^|\/)dvc\.yaml$/.test(path) && !validateDvcYaml(parse(content)))
    problems.push(`${path}: ${ajv.errorsText(validateDvcYaml.errors)}`);
  if (/(^|\/)([\w.-]*\.)?Dockerfile$/.test(path)) {
    const d = parseDockerfile(path, content);
    if (!d.from || !(d.cmd ?? d.entrypoint)) problems.push(`${path}: no FROM or no CMD`);
    if (d.instructions.some((i) => i.keyword === "RUN" && ECHO_ONLY.test(i.args)))
      problems.push(`${path}: a RUN only prints`);
  }
  if (/\.ya?ml$/.test(path)) parse(content);
  return problems;
}
