import picomatch from "picomatch";
import { baseName, extensionOf } from "./paths.js";

/**
 * What an audit could not read, and what that may change. The unreadable map of an audit holds files, and
 * folders that could not be listed, the latter with a trailing slash (`.github/`).
 */
export function isFolderKey(path: string): boolean {
  return path.endsWith("/");
}

/** Generated reports and lockfiles: reading them could change no rule (the catalogue's list). */
const GENERATED = new Set([
  "coverage.json",
  "coverage.xml",
  ".coverage",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "poetry.lock",
  "uv.lock",
  "Pipfile.lock",
  "pdm.lock",
  "conda-lock.yml",
  "Cargo.lock",
]);
const DATA_EXTENSIONS = new Set(["csv", "tsv", "json", "jsonl", "ndjson", "xml", "txt", "log", "parquet"]);
const DATA_FOLDER = /(^|\/)(data|datasets?|outputs?|results|reports|artifacts|predictions|logs)\//i;

/**
 * "An unreadable file decides nothing it could not have decided": a generated report, a lockfile, a
 * minified file, or a data file under a data or output folder, whatever rule would have scanned it.
 */
export function cannotDecide(path: string): boolean {
  const base = baseName(path);
  return (
    GENERATED.has(base) ||
    /\.min\.[^.]+$/.test(base) ||
    (DATA_EXTENSIONS.has(extensionOf(path)) && DATA_FOLDER.test(path))
  );
}

/**
 * Whether a glob could match a file inside `folder` (given with its trailing slash): its literal leading
 * folders lead there or beyond. A pattern without a slash matches a base name anywhere.
 */
export function globReachesInto(glob: string, folder: string): boolean {
  if (!glob.includes("/")) return true;
  const base = picomatch.scan(glob).base;
  return base === "" || `${base}/`.startsWith(folder) || folder.startsWith(`${base}/`);
}

/** "a.json (2.0 MB, over the 1024 KB cap), folder .github/ (permission denied) and 3 more". */
export function describeUnread(paths: string[], reasons: ReadonlyMap<string, string>, shown = 3): string {
  const named = paths
    .slice(0, shown)
    .map((p) => `${isFolderKey(p) ? "folder " : ""}${p} (${reasons.get(p)})`);
  const more = paths.length - named.length;
  if (more > 0) return `${named.join(", ")} and ${more} more`;
  return named.length > 1 ? `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}` : named[0];
}
