import { dirName, joinPath } from "../paths.js";
import type { ModuleIndex } from "./automation.js";
import type { ComposeFile, Dockerfile } from "./docker.js";

/**
 * A container serves the files its image holds, not whichever file in the repository shares a module's name.
 * A start command's module (`uvicorn app.main:app`, `python -m pkg.server`) is resolved through the image:
 * its build context (the Dockerfile's folder, or a Compose service's `build.context`), its `WORKDIR`, the
 * `COPY`/`ADD` lines that put files there, and a `src/` layout installed by `pip install .`.
 */

/**
 * The build contexts of each Dockerfile, most likely first: those Compose files give it, then its own folder
 * and each folder above it (`docker build -f docker/api.Dockerfile .` builds from the root).
 */
export function buildContexts(dockerfiles: Dockerfile[], compose: ComposeFile[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of compose)
    for (const b of c.builds) {
      const list = out.get(b.dockerfile) ?? [];
      if (!list.includes(b.context)) list.push(b.context);
      out.set(b.dockerfile, list);
    }
  for (const d of dockerfiles) {
    const list = out.get(d.path) ?? [];
    for (let dir = dirName(d.path); ; dir = dirName(dir)) {
      if (!list.includes(dir)) list.push(dir);
      if (!dir) break;
    }
    out.set(d.path, list);
  }
  return out;
}

interface Copy {
  sources: string[];
  /** Absolute path inside the image. */
  dest: string;
  destIsFolder: boolean;
}

const layouts = new WeakMap<Dockerfile, { copies: Copy[]; workdir: string }>();

/** The image's files by where they came from: every `COPY`/`ADD` from the context, and the last `WORKDIR`. */
function layoutOf(d: Dockerfile): { copies: Copy[]; workdir: string } {
  let layout = layouts.get(d);
  if (!layout) {
    layout = readLayout(d);
    layouts.set(d, layout);
  }
  return layout;
}

function readLayout(d: Dockerfile): { copies: Copy[]; workdir: string } {
  let workdir = "/";
  const copies: Copy[] = [];
  for (const ins of d.instructions) {
    if (ins.keyword === "FROM") workdir = "/";
    if (ins.keyword === "WORKDIR") workdir = `/${joinPath(workdir, ins.args.trim()) ?? ""}`;
    if (ins.keyword !== "COPY" && ins.keyword !== "ADD") continue;
    const words = ins.args.split(/\s+/).filter(Boolean);
    // A copy from another build stage or image brings files this context does not hold.
    if (words.some((w) => /^--from=/.test(w))) continue;
    const paths = words.filter((w) => !w.startsWith("--"));
    if (paths.length < 2) continue;
    const rawDest = paths.at(-1)!;
    copies.push({
      sources: paths.slice(0, -1),
      dest: `/${joinPath(rawDest.startsWith("/") ? "" : workdir, rawDest) ?? ""}`,
      destIsFolder: rawDest.endsWith("/") || rawDest === "." || paths.length > 2,
    });
  }
  return { copies, workdir };
}

const strip = (p: string) => p.replace(/^\/+/, "");

/** Where, in each build context, a file at `imagePath` came from. */
function sourcesOf(copies: Copy[], imagePath: string): string[] {
  const out: string[] = [];
  for (const c of [...copies].reverse()) {
    const dest = strip(c.dest);
    for (const source of c.sources) {
      const src = source.replace(/\/+$/, "");
      const leaf = src.split("/").pop()!;
      if (/\.py$/.test(src)) {
        if ((c.destIsFolder && imagePath === joinPath(dest, leaf)) || imagePath === dest) out.push(src);
      } else if (imagePath === dest || imagePath.startsWith(dest ? `${dest}/` : "")) {
        out.push(joinPath(src, imagePath.slice(dest.length).replace(/^\/+/, "")) ?? imagePath);
      }
    }
  }
  return out;
}

/**
 * The repository file a container's start command names (`app/main.py`, relative to the image's `WORKDIR`),
 * or undefined when the image cannot be shown to hold one. Searches no wider than the build contexts.
 */
export function moduleInImage(
  index: ModuleIndex,
  d: Dockerfile,
  contexts: string[],
  target: string,
): string | undefined {
  const found = fileInImage((p) => index.byPath.has(p), d, contexts, target);
  if (found) return found;
  // A module found on the image's import path: a package installed from the context, anywhere under it.
  // The nearest context that holds exactly one such module decides.
  const dotted = target.replace(/\.py$/, "").replace(/\//g, ".");
  for (const context of contexts) {
    const under = index.modulesNamed(dotted).filter((p) => !context || p.startsWith(`${context}/`));
    if (under.length === 1) return under[0];
  }
  return undefined;
}

/** The repository file at `target` in the image (relative to its `WORKDIR`, or absolute), through its copies. */
export function fileInImage(
  exists: (path: string) => boolean,
  d: Dockerfile,
  contexts: string[],
  target: string,
): string | undefined {
  const { copies, workdir } = layoutOf(d);
  const imagePath = strip(target.startsWith("/") ? target : (joinPath(workdir, target) ?? target));
  const relative = [...sourcesOf(copies, imagePath), strip(target), `src/${strip(target)}`];
  for (const context of contexts)
    for (const rel of relative) {
      const path = joinPath(context, rel);
      if (path && exists(path)) return path;
    }
  return undefined;
}
