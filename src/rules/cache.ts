import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { Catalogue } from "../engine/model.js";

/**
 * The compiled catalogue, cached per user. It used to live in the shared temporary folder under a name
 * anyone could predict, and was read back as is: whoever created that folder first chose the rules other
 * users' audits ran. Now the folder is the user's own (created 0700, refused unless it is a real folder
 * owned by this user that nobody else can write), the file is checked the same way, and what it holds is
 * used only when its digest matches its content and its key matches the rule files it was built from.
 */

export type Warn = (message: string) => void;

/** `$XDG_CACHE_HOME/mlops-audit`, or `~/.cache/mlops-audit` (the XDG base directory default). */
export function catalogueCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache"), "mlops-audit");
}

const digestOf = (text: string) => createHash("sha256").update(text).digest("hex");

/** Why `path` may not be trusted: not the expected kind, not this user's, or writable by others. */
function untrusted(path: string, kind: "folder" | "file"): string | undefined {
  const info = lstatSync(path);
  if (kind === "folder" ? !info.isDirectory() : !info.isFile()) return `it is not a ${kind}`;
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) return `it belongs to user ${info.uid}, not to you (${uid})`;
  if (info.mode & 0o022) return "others can write to it";
  return undefined;
}

interface CacheEntry {
  key: string;
  digest: string;
  catalogue: string;
}

/** The user's cache folder, created if missing, or undefined (with a warning) when it cannot be trusted. */
export function trustedCacheDir(dir: string, warn: Warn): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const problem = untrusted(dir, "folder");
    if (!problem) return dir;
    warn(`the rule cache ${dir} is not used: ${problem}`);
  } catch {
    /* no home or a read-only one: the cache only saves time */
  }
  return undefined;
}

/** The catalogue cached under `key` (a hash of the rule files) in a trusted folder, if it is there and intact. */
export function readCachedCatalogue(trusted: string, key: string, warn: Warn): Catalogue | undefined {
  const file = join(trusted, `catalogue-${key.slice(0, 32)}.json`);
  let text: string;
  try {
    const problem = untrusted(file, "file");
    if (problem) {
      warn(`the cached rules ${file} are not used: ${problem}`);
      return undefined;
    }
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as CacheEntry;
    if (entry.key === key && digestOf(entry.catalogue) === entry.digest)
      return JSON.parse(entry.catalogue) as Catalogue;
  } catch {
    /* reported below */
  }
  warn(`the cached rules ${file} do not match their digest or the rule files; they are rebuilt`);
  return undefined;
}

/** Writes the catalogue into a trusted cache folder: a private file, renamed into place whole. */
export function writeCachedCatalogue(trusted: string, key: string, catalogue: Catalogue): void {
  const text = JSON.stringify(catalogue);
  const entry: CacheEntry = { key, digest: digestOf(text), catalogue: text };
  const file = join(trusted, `catalogue-${key.slice(0, 32)}.json`);
  const partial = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(partial, JSON.stringify(entry), { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    /* a full or read-only disk only costs speed */
  }
}
