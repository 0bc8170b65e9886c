import { joinPath } from "../../paths.js";
import { stripHashComment } from "../../text.js";

/**
 * Reading shell text as a CI runner would: which simple commands run, which only print, and which
 * have their failure masked. Nothing here executes anything.
 */

export interface ShellCommand {
  text: string;
  line: number;
  masked: boolean;
  /** The text that masks it, such as `|| true`. */
  mask?: string;
  /** Position among every simple command written, print-only ones included. */
  index: number;
  /** The folder an earlier `cd` moved to, relative to where the text runs ("" when none did). */
  dir: string;
}

const MASK = /\|\|\s*(true\b|:(\s|$)|echo\b|printf\b|exit\s+0\b)/;
const PRINT_ONLY = /^(echo|printf|print|write-host|write-output|true|:)(\s|$)/i;
const PREFIXES = [
  /^(sudo|time|exec|nohup)\s+/,
  /^env\s+(\w+=\S*\s+)*/,
  /^\w+=("[^"]*"|'[^']*'|\S*)\s+/,
  /^(npm|yarn|pnpm)\s+(run\s+|exec\s+|run-script\s+)/,
  // Runner options, those that take a value (`uv run --extra dev pytest`) with it.
  /^(pipenv|poetry|uv|pdm|hatch|rye)\s+run\s+((--(extra|group|only-group|no-group|with|python|project|directory|package|env-file|index)(=\S+|\s+\S+)|--?[\w-]+)\s+)*/,
  // A command run inside a container of the system (`docker exec api pylint /app`, `docker compose exec -T api pytest`).
  /^docker(-compose|\s+compose)?\s+exec\s+((-e|--env|-w|--workdir|-u|--user|--env-file)(=\S+|\s+\S+)\s+|--?[\w-]+\s+)*("[^"]*"|'[^']*'|\S+)\s+/,
  /^(if|then|else|do|elif|while|until|!)\s+/,
];
/**
 * `JOB=$(gcloud ai custom-jobs create …)`: the command substitution runs, and under `-e` its failure fails the
 * step as the command's own would; behind `export`, `local`, `readonly` or `declare`, the builtin's own status
 * hides it, which masks it.
 */
const ASSIGNED_OUTPUT = /^(?:(?:export|local|readonly|declare)\s+)?\w+=(["']?)\$\((.+)\)\1$/;
const MASKED_BY_BUILTIN = /^(export|local|readonly|declare)\s+(\w+)=["']?\$\(/;
/** A tool run by its path in a virtual environment or a system folder (`"$VENV/bin/python" -m pytest`) is that tool. */
const TOOL_BY_PATH = /^(["']?)[\w.${}/~-]*\/bin\/([\w.-]+)\1(?=\s|$)/;
const CONTROL_ONLY =
  /^(then|fi|do|done|else|esac|\{|\}|\(|\)|;;|set\b.*|cd\b.*|export\b.*|source\s+.*activate.*)$/;

/** Removes runner prefixes so that `poetry run pytest` reads as `pytest`. */
export function stripPrefixes(command: string): string {
  let text = command.trim();
  for (let changed = true; changed;) {
    changed = false;
    const assigned = text.match(ASSIGNED_OUTPUT)?.[2];
    if (assigned) text = assigned.trim();
    for (const prefix of PREFIXES) {
      const next = text.replace(prefix, "");
      if (next !== text) {
        text = next.trim();
        changed = true;
      }
    }
    const byName = text.replace(TOOL_BY_PATH, "$2");
    if (byName !== text) [text, changed] = [byName, true];
  }
  return text;
}

export function isPrintOnly(command: string): boolean {
  return PRINT_ONLY.test(command.trim());
}

/** Splits a line on `&&`, `;`, `|` and `||`, outside quotes. */
function splitOperators(line: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      current += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ";" || c === "|" || (c === "&" && line[i + 1] === "&")) {
      parts.push(current);
      current = "";
      if ((c === "&" || c === "|") && line[i + 1] === c) i++;
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

export interface SplitResult {
  commands: ShellCommand[];
  /** Some command was written, and every one of them only printed. */
  printOnly: boolean;
  /** How many simple commands were written, print-only ones included. */
  written: number;
}

/** `NAME=…`, `local NAME=…`: an assignment; with a plain value (no expansion, no command) the script sets it. */
const ASSIGNMENT = /^(?:(?:local|export|readonly|declare)\s+)?([A-Za-z_]\w*)=/;
const SET_VARIABLE =
  /^(?:(?:local|export|readonly|declare)\s+)?([A-Za-z_]\w*)=(?:"([^"$`]*)"|'([^']*)'|([^\s"'$`;|&]*))$/;
/** `"$NAME"` (a quoted word the variable fills) or a bare `$NAME`/`${NAME}` anywhere else. */
const VARIABLE_USE = /"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))"|\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g;

/** A command with the plain variables the script set before it written out (`-f "${compose}"` → `-f a.yaml`). */
function withVariables(command: string, variables: Map<string, string>): string {
  if (!variables.size || !command.includes("$")) return command;
  return command.replace(VARIABLE_USE, (whole, ...names: (string | undefined)[]) => {
    const value = variables.get(names.slice(0, 4).find(Boolean)!);
    return value === undefined ? whole : value;
  });
}

/** The simple commands of a shell text, with their lines, print-only ones left out. */
export function splitShell(text: string, firstLine: number): SplitResult {
  const commands: ShellCommand[] = [];
  const variables = new Map<string, string>();
  let written = 0;
  let dir = "";
  const physical = text.split("\n");
  for (let i = 0; i < physical.length; i++) {
    const line = firstLine + i;
    let logical = stripHashComment(physical[i]);
    while (/\\\s*$/.test(logical) && i + 1 < physical.length) {
      logical = logical.replace(/\\\s*$/, " ") + stripHashComment(physical[++i]);
    }
    logical = logical.trim();
    if (!logical) continue;
    const mask = MASK.exec(logical)?.[0].trim();
    const masked = mask !== undefined;
    const beforeMask = masked ? logical.slice(0, logical.search(MASK)) : logical;
    for (const part of splitOperators(beforeMask)) {
      const assigned = part.match(ASSIGNMENT)?.[1];
      const set = part.match(SET_VARIABLE);
      if (set) variables.set(set[1], set[2] ?? set[3] ?? set[4] ?? "");
      else if (assigned) variables.delete(assigned); // a value only known when it runs
      const hidden = part.match(MASKED_BY_BUILTIN);
      const text = stripPrefixes(withVariables(part, variables));
      // `cd dir && ./run.sh`: what follows runs in that folder (a variable, `~` or `-` leaves it unknown).
      const cd = text.match(/^cd\s+["']?([\w./-]+)["']?\s*$/);
      if (cd) dir = joinPath(dir, cd[1]) ?? "";
      if (!text || CONTROL_ONLY.test(text)) continue;
      const index = written++;
      if (isPrintOnly(text)) continue;
      if (hidden) {
        const builtinMask = `${hidden[1]} ${hidden[2]}=$(…)`;
        commands.push({ text, line, masked: true, index, dir, mask: builtinMask });
      } else commands.push({ text, line, masked, index, dir, ...(mask ? { mask } : {}) });
    }
  }
  return { commands, printOnly: written > 0 && commands.length === 0, written };
}

/** A script fails at its first failing command only when it sets errexit. */
export function scriptSetsErrexit(text: string): boolean {
  return /^#!.*\s-\w*e/m.test(text.split("\n")[0] ?? "") || /^\s*set\s+(-\w*e\w*|-o\s+errexit)\b/m.test(text);
}
