import { dirName, joinPath } from "../../paths.js";
import { asMap, type YamlStore } from "../yaml.js";
import { recipeOf, type Makefile } from "./makefile.js";
import type { CiCommand } from "./model.js";
import { scriptSetsErrexit, splitShell } from "./shell.js";

/** What indirection may follow: Makefiles, shell scripts and job-submission specs in the repository. */
export interface IndirectionContext {
  makefiles: Map<string, Makefile>;
  scripts: Map<string, string>;
  yaml: YamlStore;
}

/** The catalogue follows at most two hops from a CI step: step → make target → script. */
const MAX_HOPS = 2;

const MAKE = /^(?:make|gmake|\$\(MAKE\)|\$\{MAKE\})\b(.*)$/;
const SCRIPT = /^(?:(?:bash|sh|zsh|source|\.)\s+(?:-\w+\s+)*)?((?:\.{0,2}\/)?[\w./-]+\.(?:sh|bash))\b/;
const ANYSCALE_JOB = /^anyscale\s+jobs?\s+submit\b.*?(?:(?:-f|--config-file)\s+)?([\w./-]+\.ya?ml)\b/;

function makeTargets(args: string): { dir: string; targets: string[] } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  let dir = "";
  const targets: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === "-C" || words[i] === "--directory") dir = words[++i] ?? "";
    else if (words[i] === "-f") i++;
    else if (!words[i].startsWith("-") && !words[i].includes("=")) targets.push(words[i]);
  }
  return { dir, targets };
}

function findMakefile(ctx: IndirectionContext, dir: string): Makefile | undefined {
  for (const name of ["Makefile", "makefile", "GNUmakefile"]) {
    const path = joinPath(dir, name);
    if (path !== null && ctx.makefiles.has(path)) return ctx.makefiles.get(path);
  }
  return undefined;
}

/** Every command a command leads to, itself first, following up to two hops. */
export function expandCommand(command: CiCommand, ctx: IndirectionContext, baseDir = ""): CiCommand[] {
  const out: CiCommand[] = [command];
  if (command.via.length >= MAX_HOPS) return out;
  const text = command.text;
  let m: RegExpMatchArray | null;
  if ((m = text.match(MAKE))) {
    const { dir, targets } = makeTargets(m[1]);
    const makefile = findMakefile(ctx, joinPath(baseDir, dir) ?? "");
    if (!makefile) return out;
    const wanted = targets.length ? targets : makefile.firstTarget ? [makefile.firstTarget] : [];
    const seen = new Set<string>();
    for (const target of wanted) {
      for (const recipe of recipeOf(makefile, target, seen)) {
        const lines = splitShell(recipe.text, recipe.line).commands;
        for (const c of lines) {
          const dir = joinPath(dirName(makefile.path), c.dir) ?? dirName(makefile.path);
          const next: CiCommand = {
            text: c.text,
            path: makefile.path,
            line: c.line,
            masked: command.masked || c.masked || recipe.ignoreErrors,
            mask: command.mask ?? c.mask ?? (recipe.ignoreErrors ? "a `-` recipe line" : undefined),
            via: [...command.via, `${makefile.path}:${recipe.target}`],
            dir,
          };
          out.push(...expandCommand(next, ctx, dir));
        }
      }
    }
  } else if ((m = text.match(SCRIPT))) {
    // Beside the running folder first, else from the repository's root (where CI runs it); evidence names the one read.
    const besideDir = joinPath(baseDir, m[1]) ?? m[1];
    const path = ctx.scripts.has(besideDir) ? besideDir : m[1].replace(/^\.\//, "");
    const script = ctx.scripts.get(path);
    if (script === undefined) return out;
    // A sourced script runs in the caller's shell, so the caller's `set -e` holds for it too.
    const sourced = /^(source|\.)\s/.test(text);
    const errexit = scriptSetsErrexit(script) || (sourced && (command.errexit ?? !command.masked));
    const { commands, written } = splitShell(script, 1);
    commands.forEach((c) => {
      const last = c.index === written - 1;
      const dir = joinPath(dirName(path), c.dir) ?? dirName(path);
      const next: CiCommand = {
        text: c.text,
        path,
        line: c.line,
        masked: command.masked || c.masked || (!errexit && !last),
        mask: command.mask ?? c.mask ?? (!errexit && !last ? `no set -e in ${path}` : undefined),
        via: [...command.via, path],
        dir,
        errexit,
      };
      out.push(...expandCommand(next, ctx, dir));
    });
  } else if ((m = text.match(ANYSCALE_JOB))) {
    const path = joinPath(baseDir, m[1]) ?? m[1];
    const spec = asMap(ctx.yaml.get(path)?.docs[0]);
    if (typeof spec?.entrypoint === "string") {
      const next: CiCommand = {
        text: spec.entrypoint,
        path,
        line: 1,
        masked: command.masked,
        mask: command.mask,
        via: [...command.via, path],
      };
      out.push(...expandCommand(next, ctx, dirName(path)));
    }
  }
  return out;
}
