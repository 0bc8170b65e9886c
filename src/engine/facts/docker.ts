import { baseName, dirName, joinPath } from "../paths.js";
import { asMap, lineOf, type YamlFile } from "./yaml.js";

export interface DockerInstruction {
  keyword: string;
  /** Arguments as one line: a JSON (exec) form is joined with spaces. */
  args: string;
  line: number;
}

export interface Dockerfile {
  path: string;
  instructions: DockerInstruction[];
  from?: DockerInstruction;
  /** The last CMD and the last ENTRYPOINT: only those take effect. */
  cmd?: DockerInstruction;
  entrypoint?: DockerInstruction;
}

export interface ComposeFile {
  path: string;
  services: string[];
  line: number;
  /** The images its services build: each one's context folder and Dockerfile, as repository paths. */
  builds: { context: string; dockerfile: string }[];
}

export function isDockerfilePath(path: string): boolean {
  const base = baseName(path);
  return /^(Dockerfile|Containerfile)/i.test(base) || /\.dockerfile$/i.test(base);
}

export function isComposePath(path: string): boolean {
  return /^(docker-)?compose[\w.-]*\.ya?ml$/i.test(baseName(path));
}

function execForm(args: string): string {
  if (!args.startsWith("[")) return args;
  try {
    const parts = JSON.parse(args);
    return Array.isArray(parts) ? parts.map(String).join(" ") : args;
  } catch {
    return args;
  }
}

/** Instructions with comments dropped and continuation lines joined. */
export function parseDockerfile(path: string, text: string): Dockerfile {
  const instructions: DockerInstruction[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*#/.test(lines[i]) || !lines[i].trim()) continue;
    const start = i;
    let body = lines[i];
    while (/\\\s*$/.test(body) && i + 1 < lines.length) {
      i++;
      if (/^\s*#/.test(lines[i])) continue;
      body = body.replace(/\\\s*$/, " ") + lines[i];
    }
    const m = body.trim().match(/^([A-Za-z]+)\s*(.*)$/s);
    if (!m) continue;
    instructions.push({ keyword: m[1].toUpperCase(), args: execForm(m[2].trim()), line: start + 1 });
  }
  const last = (k: string) => instructions.filter((ins) => ins.keyword === k).at(-1);
  return {
    path,
    instructions,
    from: instructions.find((ins) => ins.keyword === "FROM"),
    cmd: last("CMD"),
    entrypoint: last("ENTRYPOINT"),
  };
}

export function composeOf(file: YamlFile): ComposeFile | null {
  const services = asMap(asMap(file.docs[0])?.services);
  if (!services) return null;
  const builds: ComposeFile["builds"] = [];
  for (const value of Object.values(services)) {
    const build = asMap(value)?.build ?? null;
    const spec = typeof build === "string" ? { context: build } : asMap(build);
    if (!spec) continue;
    const context = joinPath(dirName(file.path), String(spec.context ?? "."));
    const dockerfile = context !== null ? joinPath(context, String(spec.dockerfile ?? "Dockerfile")) : null;
    if (context !== null && dockerfile) builds.push({ context, dockerfile });
  }
  return {
    path: file.path,
    services: Object.keys(services),
    line: lineOf(asMap(file.docs[0]), "services") ?? 1,
    builds,
  };
}
