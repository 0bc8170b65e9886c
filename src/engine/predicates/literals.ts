/**
 * Text every match of a regular expression must contain, so that a search can rule out a file with a
 * substring test before running the expression. Conservative: only literal characters at the top level
 * that nothing makes optional, split at whitespace (a match in comment-blanked code may span blanks where
 * the source had a comment). Empty when nothing is certain: a top-level `|`, inline flags, `\Q…\E`.
 */
export function requiredLiterals(pattern: string): string[] {
  if (/\(\?(?!:)|\\Q/.test(pattern)) return [];
  const runs: string[] = [];
  let run = "";
  let depth = 0;
  const endRun = () => {
    runs.push(...run.split(/\s+/).filter(Boolean));
    run = "";
  };
  const optional = (at: number) => /[?*{]/.test(pattern[at] ?? "");
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const escaped = pattern[++i] ?? "";
      // `\(` and `\.` are literal text; `\b`, `\w`, `\n`, `\1` and the like are not.
      const literal = depth === 0 && /[^A-Za-z0-9]/.test(escaped) && !optional(i + 1);
      if (literal && pattern[i + 1] !== "+") run += escaped;
      else endRun();
      i = afterEscapeArguments(pattern, escaped, i);
      continue;
    }
    if (c === "[") {
      endRun();
      // A class is one unknown character: skip to its closing bracket.
      i = classEnd(pattern, i);
      continue;
    }
    if (c === "{") {
      // A counted quantifier (`{0,2}`): its digits are not text to match.
      endRun();
      const close = pattern.indexOf("}", i);
      i = close === -1 ? pattern.length : close;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "|") {
      if (depth === 0) return [];
    } else if (depth === 0 && !/[.^$*+?{}]/.test(c) && !optional(i + 1) && pattern[i + 1] !== "+") {
      run += c;
      continue;
    }
    endRun();
  }
  endRun();
  return runs;
}

/**
 * The alternatives of a pattern's top-level `|` (`[Cc]hampion|CHAMPION` → both), or the pattern alone: a
 * match matches one of them, so holds the literals of one of them.
 */
export function topLevelAlternatives(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "[") i = classEnd(pattern, i);
    else if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "|" && depth === 0) {
      out.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  out.push(pattern.slice(start));
  return out;
}

/** The most alternatives a pattern is expanded into: past it, the top-level ones are kept as they are. */
const MAX_ALTERNATIVES = 32;

/**
 * Alternatives whose union is the pattern: its top-level `|`, and where an alternative has a choice that
 * nothing repeats or makes optional, one alternative per branch: of a group (`(Staging|Candidate)`, its
 * brackets dropped), or of a class of a few plain characters (`["']`, `[Cc]`). A match matches one of them,
 * so it holds the literals of one of them: `["'][Ss]taging["']` then needs the quoted word itself.
 */
export function alternativesOf(pattern: string): string[] {
  const out: string[] = [];
  const pending = topLevelAlternatives(pattern);
  while (pending.length) {
    const alternative = pending.shift()!;
    const group = choiceGroup(alternative) ?? smallClass(alternative);
    if (!group || out.length + pending.length + group.branches.length > MAX_ALTERNATIVES)
      out.push(alternative);
    else pending.unshift(...group.branches.map((b) => group.before + b + group.after));
  }
  return out;
}

/** The first top-level group (`(…)` or `(?:…)`) holding a top-level `|`, with nothing quantifying it. */
function choiceGroup(pattern: string): { before: string; branches: string[]; after: string } | undefined {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "[") i = classEnd(pattern, i);
    else if (c === "(") {
      if (depth++ === 0) open = i;
    } else if (c === ")" && depth > 0 && --depth === 0) {
      const plain = pattern[open + 1] !== "?" || pattern.startsWith("?:", open + 1);
      const inner = pattern.slice(pattern.startsWith("?:", open + 1) ? open + 3 : open + 1, i);
      const branches = topLevelAlternatives(inner);
      if (plain && branches.length > 1 && !/^[?*+{]/.test(pattern.slice(i + 1)))
        return { before: pattern.slice(0, open), branches, after: pattern.slice(i + 1) };
    }
  }
  return undefined;
}

/** The first top-level class of two to four plain characters (`["']`, `[Cc]`), with nothing quantifying it. */
function smallClass(pattern: string): { before: string; branches: string[]; after: string } | undefined {
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "[") {
      const end = classEnd(pattern, i);
      const members = pattern.slice(i + 1, end);
      if (depth === 0 && /^[A-Za-z0-9"'`]{2,4}$/.test(members) && !/^[?*+{]/.test(pattern.slice(end + 1)))
        return { before: pattern.slice(0, i), branches: [...members], after: pattern.slice(end + 1) };
      i = end;
    }
  }
  return undefined;
}

/** Where a character class that opens at `at` closes: a `]` first in it (after any `^`) is literal. */
function classEnd(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
  return i;
}

/**
 * Where an escape's arguments end: `\x41`, `\u0041`, `\u{41}`, `\cJ`, `\pL`, `\p{Greek}`, `\k<name>`
 * and the digits of a back-reference are part of the escape, not text to match.
 */
function afterEscapeArguments(pattern: string, escaped: string, at: number): number {
  const braced = (open: string, close: string) => {
    if (pattern[at + 1] !== open) return undefined;
    const end = pattern.indexOf(close, at + 1);
    return end === -1 ? pattern.length : end;
  };
  if (escaped === "x") return at + 2;
  if (escaped === "u") return braced("{", "}") ?? at + 4;
  if (escaped === "c") return at + 1;
  if (escaped === "p" || escaped === "P") return braced("{", "}") ?? at + 1;
  if (escaped === "k") return braced("<", ">") ?? at;
  if (/[0-9]/.test(escaped)) {
    let end = at;
    while (/[0-9]/.test(pattern[end + 1] ?? "")) end++;
    return end;
  }
  return at;
}
