import { LineIndex, stripSlashComments } from "../../text.js";
import type { IndirectionContext } from "./expand.js";
import type { CiPipeline, Trigger } from "./model.js";
import { buildStep } from "./steps.js";

const SH_STEP =
  /\b(sh|bat|powershell|pwsh)\s*\(?\s*(?:script\s*:\s*)?('''[\s\S]*?'''|"""[\s\S]*?"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")([^\n)]*)/g;

/**
 * Groovy fills `${…}` in a double-quoted step before the shell reads it, so each expression (which may hold quotes
 * and `?:`) is one word to the shell; `\$` is the shell's own `$`.
 */
function afterGroovyInterpolation(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "\\" && body[i + 1] === "$") {
      out += "$";
      i++;
    } else if (body[i] === "$" && body[i + 1] === "{") {
      let depth = 0;
      let j = i + 1;
      for (; j < body.length; j++) {
        if (body[j] === "{") depth++;
        else if (body[j] === "}" && --depth === 0) break;
      }
      out += "groovy-value";
      i = j;
    } else out += body[i];
  }
  return out;
}

/**
 * A shared-library step handed a script of the repository (`componentPipeline.runAll('ci/run.sh', …)`): the
 * library runs it, so the pipeline is judged by what the script does, as if `sh 'bash ci/run.sh'` were written.
 */
const LIBRARY_SCRIPT = /\b([A-Za-z_][\w.]*)\s*\(\s*(['"])([\w./-]+\.(?:sh|bash))\2/g;
/** Steps that take a script's path without running it (or, for `sh`, are read as steps already). */
const NOT_RUNNERS =
  /^(sh|bat|powershell|pwsh|load|readFile|readTrusted|writeFile|fileExists|libraryResource|File|echo|error|println|print|archiveArtifacts|stash|unstash|dir)$/;

/** A declarative or scripted Jenkinsfile: `sh` steps are `-e` by default; masking is judged as written. */
export function jenkinsPipeline(path: string, text: string, ctx: IndirectionContext): CiPipeline {
  const code = stripSlashComments(text);
  const index = new LineIndex(code);
  const triggers = new Set<Trigger>(["push"]);
  if (/\btriggers\s*\{[^}]*\bcron\s*\(/s.test(code)) triggers.add("schedule");
  const steps = [...code.matchAll(SH_STEP)].map((m) => {
    const literal = m[2];
    const quote = literal.startsWith("'''") || literal.startsWith('"""') ? 3 : 1;
    const line = index.lineOf((m.index ?? 0) + m[0].indexOf(literal));
    const written = literal.slice(quote, -quote);
    const body = literal.startsWith('"') ? afterGroovyInterpolation(written) : written;
    const masked = /returnStatus\s*:\s*true/.test(m[3]);
    return buildStep(
      path,
      { line, masked, maskedBy: "returnStatus: true", script: { text: body, line } },
      ctx,
    );
  });
  for (const m of code.matchAll(LIBRARY_SCRIPT)) {
    const script = m[3].replace(/^\.\//, "");
    if (NOT_RUNNERS.test(m[1].split(".").pop()!) || !ctx.scripts.has(script)) continue;
    const line = index.lineOf((m.index ?? 0) + m[0].indexOf(m[3]));
    steps.push(buildStep(path, { line, masked: false, script: { text: `bash ${script}`, line } }, ctx));
  }
  return { provider: "jenkins", path, triggers, steps, images: [] };
}
