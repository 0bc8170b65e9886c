import { testEvidence } from "../facts/tests.js";
import type { Evidence } from "../model.js";
import { snippetOf } from "../text.js";
import { found, NO, nameGlob, type EvalContext, type PredicateResult } from "./result.js";

const SHELL_LANGS = new Set([
  "",
  "bash",
  "sh",
  "shell",
  "console",
  "zsh",
  "shell-session",
  "powershell",
  "cmd",
  "terminal",
]);
const SHELL_COMMAND =
  /^\s*(\$\s+)?(pip3?|python3?|make|docker|docker-compose|git|cd|conda|poetry|uv|pipenv|dvc|mlflow|npm|export|bash|sh|source|curl|kubectl|terraform|helm|pytest|prefect|airflow|aws|gcloud|az|uvicorn|streamlit|bentoml|mkdir|cp)\b/m;
const RUN_HEADING = /setup|install|usage|quick ?start|getting started|how to run|running|reproduc/i;
const ARCH_HEADING = /architecture|design|pipeline|overview|workflow|components|diagram/i;
const ARCH_IMAGE_WORDS = new Set([
  "architecture",
  "diagram",
  "pipeline",
  "flow",
  "workflow",
  "design",
  "overview",
]);

/** An image is a diagram by whole words: `data-flow.png` is, `mlflow-demo.gif` is not. */
function namesADiagram(text: string): boolean {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .some((word) => ARCH_IMAGE_WORDS.has(word.toLowerCase()));
}

export function evalReadme(
  ctx: EvalContext,
  q: { minWords?: number; heading?: boolean; runInstructions?: boolean; architecture?: boolean },
): PredicateResult {
  const r = ctx.facts.readme;
  if (!r) return NO;
  const evidence: Evidence[] = [];
  if (q.minWords !== undefined) {
    if (r.words < q.minWords) return NO;
    evidence.push({ path: r.path, snippet: `${r.words} words` });
  }
  if (q.heading) {
    if (!r.headings.length) return NO;
    evidence.push({ path: r.path, line: r.headings[0].line, snippet: snippetOf(r.headings[0].text) });
  }
  if (q.runInstructions) {
    const block = r.code.find((c) => SHELL_LANGS.has(c.lang) && SHELL_COMMAND.test(c.value));
    const heading = r.headings.find((h) => RUN_HEADING.test(h.text));
    if (!block && !heading) return NO;
    evidence.push(
      block
        ? { path: r.path, line: block.line, snippet: snippetOf(block.value.split("\n")[0]) }
        : { path: r.path, line: heading!.line, snippet: heading!.text },
    );
  }
  if (q.architecture) {
    const heading = r.headings.find((h) => ARCH_HEADING.test(h.text));
    const mermaid = r.code.find((c) => c.lang === "mermaid");
    const image = r.images.find(
      (i) => (namesADiagram(i.url) || namesADiagram(i.alt)) && !/badge|shields\.io/i.test(i.url + i.alt),
    );
    const hit = heading
      ? { line: heading.line, snippet: heading.text }
      : mermaid
        ? { line: mermaid.line, snippet: "mermaid diagram" }
        : image
          ? { line: image.line, snippet: `image ${image.url}` }
          : undefined;
    if (!hit) return NO;
    evidence.push({ path: r.path, ...hit });
  }
  if (!evidence.length)
    evidence.push({
      path: r.path,
      snippet: `${counted(r.words, "word")}, ${r.headings.length ? counted(r.headings.length, "heading") : "no heading"}`,
    });
  return found(evidence);
}

const TEST_FOLDER_GLOBS = ["**/test/**", "**/tests/**"];

export function evalTests(ctx: EvalContext, q: { functions: boolean }): PredicateResult {
  if (q.functions) {
    const evidence: Evidence[] = [];
    for (const m of ctx.facts.python) {
      const hit = testEvidence(m);
      if (hit) evidence.push({ path: m.path, line: hit.line, snippet: hit.what });
      if (evidence.length === 5) break;
    }
    return found(evidence.slice(0, 5));
  }
  // The globs find the candidates through the path index (they also match a file named `test`); the
  // expression keeps the paths inside a test folder.
  const folder = ctx.facts.pathSearch.matching(TEST_FOLDER_GLOBS).find((p) => /(^|\/)tests?\//.test(p));
  return folder ? found([{ path: folder.replace(/(^|\/)(tests?)\/.*$/, "$1$2/") }]) : NO;
}

export function evalDependencies(
  ctx: EvalContext,
  q: { pinnedShare?: number; lockfile?: boolean },
): PredicateResult {
  const d = ctx.facts.dependencies;
  if (!d.manifests.length) return NO;
  if (q.lockfile) return found(d.lockfiles.slice(0, 3).map((path) => ({ path, snippet: "lockfile" })));
  // Each manifest shows its own count, largest first, so the proof of a pooled share (or of what is left
  // unpinned) points at the files that make it.
  const byManifest = d.manifests
    .map((path) => ({ path, requirements: d.requirements.filter((r) => r.path === path) }))
    .sort((a, b) => b.requirements.length - a.requirements.length)
    .slice(0, 3)
    .map(({ path, requirements }) => ({ path, snippet: pinnedShare(requirements) }));
  if (q.pinnedShare !== undefined) {
    const total = d.requirements.length;
    const pinned = d.requirements.filter((r) => r.pinned).length;
    if (total === 0 || pinned / total < q.pinnedShare) return NO;
    if (byManifest.length > 1)
      byManifest[0].snippet += `; all manifests: ${pinned} of ${total} (${percent(pinned, total)})`;
    return found(byManifest);
  }
  return found(byManifest);
}

function pinnedShare(requirements: { pinned: boolean }[]): string {
  const total = requirements.length;
  if (!total) return "no requirements";
  const pinned = requirements.filter((r) => r.pinned).length;
  return `${pinned} of ${total} requirements pinned (${percent(pinned, total)})`;
}

function percent(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)} %`;
}

export function evalSecrets(ctx: EvalContext): PredicateResult {
  return found(
    ctx.facts.secrets
      .slice(0, 10)
      .map((s) => ({ path: s.path, line: s.line, snippet: `${s.kind}: ${s.redacted}` })),
  );
}

export function evalServing(ctx: EvalContext, q: { kind: string[]; predicts?: boolean }): PredicateResult {
  const evidence: Evidence[] = [];
  for (const s of ctx.facts.serving) {
    for (const e of s.endpoints) {
      if (!q.kind.includes(e.kind) || (q.predicts !== undefined && e.predicts !== q.predicts)) continue;
      evidence.push({ path: e.path, line: e.line, snippet: snippetOf(e.what) });
    }
  }
  return found(evidence.slice(0, 5));
}

export function evalTerraform(
  ctx: EvalContext,
  q: { provider?: string[]; resource?: string[] },
): PredicateResult {
  const evidence: Evidence[] = [];
  if (q.provider) {
    const hit = ctx.facts.terraform.flatMap((t) =>
      t.providers
        .filter((p) => q.provider!.includes(p.name))
        .map((p) => ({ path: t.path, line: p.line, snippet: `provider "${p.name}"` })),
    );
    if (!hit.length) return NO;
    evidence.push(hit[0]);
  }
  if (q.resource) {
    const hit = ctx.facts.terraform.flatMap((t) =>
      t.resources
        .filter((r) => q.resource!.some((g) => nameGlob(g).test(r.type)))
        .map((r) => ({ path: t.path, line: r.line, snippet: `resource "${r.type}" "${r.name}"` })),
    );
    if (!hit.length) return NO;
    evidence.push(hit[0]);
  }
  return found(evidence);
}

function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
