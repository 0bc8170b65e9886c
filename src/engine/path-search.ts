import { JoinedText } from "./joined-text.js";
import { matchAny, matchGlob } from "./paths.js";

/** Characters that make part of a glob more than literal text. */
const GLOB_CHARS = /[*?[\]{}()!+@\\/]+/;

/**
 * `{a,b}` groups expanded (not nested); undefined for anything more involved, and for a range (`{1..3}`)
 * or a group without a comma (`{a}` is literal text to the matcher).
 */
function expandBraces(glob: string): string[] | undefined {
  const open = glob.indexOf("{");
  if (open === -1) return [glob];
  const close = glob.indexOf("}", open);
  if (close === -1) return undefined;
  const body = glob.slice(open + 1, close);
  if (body.includes("{") || body.includes("..") || !body.includes(",")) return undefined;
  const rest = expandBraces(glob.slice(close + 1));
  if (!rest) return undefined;
  const head = glob.slice(0, open);
  return glob
    .slice(open + 1, close)
    .split(",")
    .flatMap((alt) => rest.map((tail) => head + alt + tail));
}

/**
 * Text that every path matching a glob must contain, one entry per brace alternative: the longest
 * literal run of each (`**\/*.y{a,}ml` → `.yaml`, `.yml`; `**\/Dockerfile*` → `Dockerfile`). Runs are
 * split at slashes too, since `**\/` may match nothing. Undefined when some alternative has none (`**`).
 */
function literalsOf(glob: string): string[] | undefined {
  // Negation and extended globs (`!(x)`, `@(a|b)`) can match without their text; leave them unfiltered.
  if (/[!()]/.test(glob)) return undefined;
  const variants = expandBraces(glob.replace(/\[[^\]]*\]/g, "*"));
  if (!variants) return undefined;
  const literals: string[] = [];
  for (const v of variants) {
    const longest = v.split(GLOB_CHARS).reduce((a, b) => (b.length > a.length ? b : a), "");
    if (!longest) return undefined;
    literals.push(longest);
  }
  return literals;
}

/**
 * The extensions a matching path's base name must end with, when every alternative's last segment is a
 * literal name (`dvc.yaml`, `Makefile`) or ends in a literal extension (`*.y{a,}ml`); "" stands for no
 * extension. Undefined otherwise (`Dockerfile*`, `**`).
 */
function extensionsOf(glob: string): string[] | undefined {
  if (/[!()[\]\\]/.test(glob) || /\{[^}]*\//.test(glob)) return undefined;
  const variants = expandBraces(glob.slice(glob.lastIndexOf("/") + 1));
  if (!variants) return undefined;
  const extensions: string[] = [];
  for (const v of variants) {
    const literal = !/[*?{}]/.test(v);
    const ext = v.match(/\.([^.*?{}]+)$/)?.[1];
    if (ext !== undefined) extensions.push(ext.toLowerCase());
    else if (literal && !v.includes(".")) extensions.push("");
    else return undefined;
  }
  return extensions;
}

interface GlobTest {
  glob: string;
  literals?: string[];
  extensions?: string[];
}

const globTests = new Map<string, GlobTest>();

function globTest(glob: string): GlobTest {
  let test = globTests.get(glob);
  if (!test) {
    test = { glob, literals: literalsOf(glob), extensions: extensionsOf(glob) };
    globTests.set(glob, test);
  }
  return test;
}

/** The text after a base name's last dot, lower-cased; "" when it has none. */
function extensionOfBase(path: string): string {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  return dot > slash ? path.slice(dot + 1).toLowerCase() : "";
}

/**
 * Glob queries over the audited paths. A glob ending in a literal name or extension is tried only on the
 * paths with that extension. Any other glob with literal text is tried only on the paths holding it, found
 * by searching all paths joined into one text (one native scan instead of a call per path); the rest on
 * every path. Each distinct query is answered once per audit.
 */
export class PathSearch {
  private readonly answers = new Map<string, string[]>();
  private joined?: JoinedText;
  private extensionIndex?: Map<string, number[]>;

  constructor(readonly paths: readonly string[]) {}

  /** The paths matching any of `globs` and none of `exclude`, in tree order. */
  matching(globs: readonly string[], exclude: readonly string[] = []): string[] {
    const key = JSON.stringify([globs, exclude]);
    let answer = this.answers.get(key);
    if (!answer) {
      const hits = new Set<number>();
      for (const glob of globs) for (const i of this.matchesOf(globTest(glob))) hits.add(i);
      answer = [...hits]
        .sort((a, b) => a - b)
        .map((i) => this.paths[i])
        .filter((path) => !matchAny(path, exclude));
      this.answers.set(key, answer);
    }
    return answer;
  }

  private matchesOf({ glob, literals, extensions }: GlobTest): number[] {
    const candidates = extensions
      ? extensions.flatMap((ext) => this.byExtension().get(ext) ?? [])
      : literals
        ? this.holdingAny(literals)
        : this.paths.map((_, i) => i);
    return candidates.filter((i) => matchGlob(this.paths[i], glob));
  }

  private byExtension(): Map<string, number[]> {
    if (!this.extensionIndex) {
      const index = new Map<string, number[]>();
      this.paths.forEach((path, i) => {
        const ext = extensionOfBase(path);
        const list = index.get(ext);
        if (list) list.push(i);
        else index.set(ext, [i]);
      });
      this.extensionIndex = index;
    }
    return this.extensionIndex;
  }

  /** Indexes of the paths holding any of `literals`, in tree order. */
  private holdingAny(literals: string[]): number[] {
    const joined = (this.joined ??= JoinedText.of(this.paths));
    const found = new Set<number>();
    for (const literal of literals) for (const i of joined.holding(literal)) found.add(i);
    return [...found].sort((a, b) => a - b);
  }
}
