import { joinPath } from "../../paths.js";
import { asMap, type YamlFile } from "../yaml.js";
import { expandCommand, type IndirectionContext } from "./expand.js";
import type { CiStep, RawStep, Trigger } from "./model.js";
import { splitShell } from "./shell.js";

/** Turns a provider's raw step into commands, following indirection. */
export function buildStep(path: string, raw: RawStep, ctx: IndirectionContext, workingDir = ""): CiStep {
  const masked = raw.masked ?? false;
  const commands = [];
  if (raw.script) {
    const split = splitShell(raw.script.text, raw.script.line);
    for (const c of split.commands) {
      const dir = joinPath(workingDir, c.dir) ?? workingDir;
      commands.push(
        ...expandCommand(
          {
            text: c.text,
            path,
            line: c.line,
            masked: masked || c.masked,
            mask: c.mask ?? (masked ? raw.maskedBy : undefined),
            via: [],
            dir,
          },
          ctx,
          dir,
        ),
      );
    }
  }
  return {
    path,
    line: raw.line,
    name: raw.name,
    uses: raw.uses,
    with: raw.with ?? {},
    masked,
    commands,
  };
}

/** The line a YAML scalar's text starts on: the next one for a block scalar (`run: |`). */
export function scriptStart(file: YamlFile, keyLine: number | undefined): number {
  const line = keyLine ?? 1;
  return /:\s*[|>][-+0-9]*\s*$/.test(file.lines[line - 1] ?? "") ? line + 1 : line;
}

/** Joins a list of script lines (GitLab, Bitbucket) into text, keeping each item's own line. */
export function scriptItems(
  items: unknown[],
  lines: (i: number) => number | undefined,
  file: YamlFile,
): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  items.forEach((item, i) => {
    if (typeof item === "string") out.push({ text: item, line: scriptStart(file, lines(i)) });
    else if (Array.isArray(item)) out.push(...scriptItems(item, () => lines(i), file));
  });
  return out;
}

export function truthy(value: unknown): boolean {
  return (
    value === true || value === "true" || (typeof value === "string" && /^\$\{\{\s*true\s*\}\}$/.test(value))
  );
}

const DATA_PATH =
  /(^|\/)(data|datasets?|raw|processed)(\/|$)|\.dvc$|dvc\.(lock|yaml)$|\.(csv|parquet|json|jsonl|tsv)$/i;

/** A `paths:` filter that names data: the pipeline runs when data changes. */
export function pathsMentionData(paths: unknown): boolean {
  return (
    Array.isArray(paths) && paths.some((p) => typeof p === "string" && DATA_PATH.test(p.replace(/\*+/g, "x")))
  );
}

export function addDataTrigger(triggers: Set<Trigger>, filter: unknown): void {
  if (pathsMentionData(asMap(filter)?.paths)) triggers.add("data");
}
