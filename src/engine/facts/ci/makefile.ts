import { stripHashComment } from "../../text.js";

export interface MakeTarget {
  prerequisites: string[];
  recipe: { text: string; line: number; ignoreErrors: boolean }[];
  line: number;
}

export interface Makefile {
  path: string;
  targets: Map<string, MakeTarget>;
  firstTarget?: string;
}

const RULE = /^([^\s:=#][^:=]*?)\s*::?(?!=)\s*(.*)$/;

export function parseMakefile(path: string, text: string): Makefile {
  const targets = new Map<string, MakeTarget>();
  let current: MakeTarget[] = [];
  let firstTarget: string | undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i];
    while (raw.endsWith("\\") && i + 1 < lines.length) raw = raw.slice(0, -1) + " " + lines[++i];
    if (raw.startsWith("\t")) {
      const body = stripHashComment(raw.slice(1)).trim();
      if (!body) continue;
      const ignoreErrors = /^[@+]*-/.test(body);
      const text = body.replace(/^[@+-]+/, "").trim();
      for (const t of current) t.recipe.push({ text, line: i + 1, ignoreErrors });
      continue;
    }
    const line = stripHashComment(raw);
    const m = line.match(RULE);
    if (!m || /^\s*(ifeq|ifneq|ifdef|ifndef|else|endif|include|export|define|endef)\b/.test(line)) {
      if (line.trim() && !line.startsWith(" ")) current = [];
      continue;
    }
    const [recipeInline] = m[2].split(";").slice(1);
    current = [];
    for (const name of m[1].split(/\s+/).filter(Boolean)) {
      if (name.startsWith(".")) continue;
      const target: MakeTarget = targets.get(name) ?? { prerequisites: [], recipe: [], line: i + 1 };
      target.prerequisites.push(...m[2].split(";")[0].split(/\s+/).filter(Boolean));
      if (recipeInline?.trim())
        target.recipe.push({ text: recipeInline.trim(), line: i + 1, ignoreErrors: false });
      targets.set(name, target);
      current.push(target);
      firstTarget ??= name;
    }
  }
  return { path, targets, firstTarget };
}

/** The recipe lines a target runs, its prerequisites' first, each target once. */
export function recipeOf(
  makefile: Makefile,
  target: string,
  seen = new Set<string>(),
): { target: string; text: string; line: number; ignoreErrors: boolean }[] {
  if (seen.has(target)) return [];
  seen.add(target);
  const t = makefile.targets.get(target);
  if (!t) return [];
  return [
    ...t.prerequisites.flatMap((p) => recipeOf(makefile, p, seen)),
    ...t.recipe.map((r) => ({ target, ...r })),
  ];
}
