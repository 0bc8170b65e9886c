import { isDocumentation } from "../paths.js";

/**
 * What the repository's own files (scripts, Makefiles, CI and other config; not documentation, which only tells
 * a reader what to run) do with `gcloud` beyond CI steps: create a Cloud Build trigger, deploy a Cloud Function.
 * Read in one pass over the texts.
 */
export interface GcloudFacts {
  createsBuildTrigger: boolean;
  /** Python functions that Cloud Functions deployments name (`--entry-point`, else the function's name). */
  functionEntryPoints: Set<string>;
}

/** A line that runs `gcloud` outside a comment, with its `\` continuations. */
const GCLOUD_LINE = /^[^#\n]*\bgcloud\b(?:\\\n|[^\n])*/gm;
const CREATE_TRIGGER = /\bgcloud\s+(?:beta\s+)?builds\s+triggers\s+create\b/;
const FUNCTIONS_DEPLOY = /\bgcloud\s+(?:beta\s+)?functions\s+deploy\s+([\w-]+)/g;
const ENTRY_POINT_FLAG = /--entry-point[=\s]+["']?(\w+)/;
const TERRAFORM_ENTRY_POINT = /^\s*entry_point\s*=\s*"(\w+)"/gm;

/** The files these facts read: Terraform and anything else naming `gcloud`, documentation aside. */
export function readsForGcloud(path: string, text: string): boolean {
  return !isDocumentation(path) && (path.endsWith(".tf") || text.includes("gcloud"));
}

export function gcloudFacts(texts: Map<string, string>): GcloudFacts {
  const facts: GcloudFacts = { createsBuildTrigger: false, functionEntryPoints: new Set() };
  for (const [path, text] of texts) {
    if (!readsForGcloud(path, text)) continue;
    if (path.endsWith(".tf"))
      for (const m of text.matchAll(TERRAFORM_ENTRY_POINT)) facts.functionEntryPoints.add(m[1]);
    if (!text.includes("gcloud")) continue;
    for (const [line] of text.matchAll(GCLOUD_LINE)) {
      if (CREATE_TRIGGER.test(line)) facts.createsBuildTrigger = true;
      for (const m of line.matchAll(FUNCTIONS_DEPLOY)) {
        const rest = line.slice((m.index ?? 0) + m[0].length);
        facts.functionEntryPoints.add(rest.match(ENTRY_POINT_FLAG)?.[1] ?? m[1].replace(/-/g, "_"));
      }
    }
  }
  return facts;
}
