import { kindsOf } from "./facts/index.js";
import { readsForGcloud } from "./facts/gcloud.js";
import type { Catalogue, Rule } from "./model.js";
import { matchAny } from "./paths.js";

/**
 * Whether anything but the secret scan reads a file's text: a parser of its kind (Python, YAML, a manifest,
 * a Dockerfile, a script, CI, Terraform, the README), a `text` predicate of the rules by its globs, or the
 * gcloud facts. Plain text that nothing else reaches (the JavaScript, TypeScript and Markdown of a large
 * tree) is scanned for secrets as it is read and let go, so memory holds what the rules will read.
 */
export type TextReach = (path: string, text: string) => boolean;

/** The globs of every `text` predicate anywhere in the rules: found by shape, so no combinator is missed. */
function textGlobsOf(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) textGlobsOf(item, out);
  else if (node && typeof node === "object")
    for (const [key, value] of Object.entries(node)) {
      const glob = (value as { glob?: unknown } | null)?.glob;
      if (key === "text" && Array.isArray(glob)) for (const g of glob) out.add(String(g));
      textGlobsOf(value, out);
    }
  return out;
}

const catalogueGlobs = new WeakMap<Catalogue, string[]>();

export function textReachOf(catalogue: Catalogue, customRules: Rule[] = []): TextReach {
  // The catalogue's globs once per catalogue: an audit walks only a repository's own rules.
  let own = catalogueGlobs.get(catalogue);
  if (!own) catalogueGlobs.set(catalogue, (own = [...textGlobsOf(catalogue, new Set())]));
  const globs = [...new Set([...own, ...textGlobsOf(customRules, new Set())])];
  return (path, text) => {
    const kinds = kindsOf(path);
    return kinds.length !== 1 || kinds[0] !== "text" || matchAny(path, globs) || readsForGcloud(path, text);
  };
}
