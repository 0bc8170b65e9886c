import { workflowOf } from "../facts/ci/model.js";
import { flaskRunModule, pythonTargets } from "../facts/automation.js";
import { servedModules } from "../facts/serving.js";
import { dirName } from "../paths.js";
import { splitShell } from "../facts/ci/shell.js";
import type { Dockerfile } from "../facts/docker.js";
import type { Facts } from "../facts/index.js";
import type { Evidence } from "../model.js";
import { snippetOf } from "../text.js";
import { found, type EvalContext, type PredicateResult } from "./result.js";

/** What a container runs on start: ENTRYPOINT then CMD, one level into a start script in the repository. */
export function startCommand(facts: Facts, d: Dockerfile): string {
  const own = [d.entrypoint?.args, d.cmd?.args].filter(Boolean).join(" ");
  const script = own.match(/(?:^|\s)(?:(?:ba)?sh\s+)?((?:\.?\/)?[\w./-]+\.sh)\b/);
  if (!script) return own;
  const path =
    facts.fileInImage(d, script[1]) ??
    [...facts.texts.keys()].find((p) => p === script[1] || p.endsWith(`/${script[1].replace(/^\.?\//, "")}`));
  const body = path ? facts.texts.get(path) : undefined;
  return body
    ? `${own}\n${splitShell(body, 1)
        .commands.map((c) => c.text)
        .join("\n")}`
    : own;
}

const MODEL_SERVERS =
  /\b(bentoml\s+serve|torchserve|mlflow\s+models\s+serve|tensorflow_model_server|seldon-core-microservice|kserve|ray\s+serve|serve\s+run)\b/;
const APP_SERVERS =
  /\b(uvicorn|gunicorn|hypercorn|waitress-serve|flask\s+run|python[0-9.]*\s+(-m\s+)?[\w./-]+)/;

/** Whether a start command starts a prediction service the facts know of. */
function startsPredictionService(facts: Facts, d: Dockerfile, start: string): boolean {
  if (MODEL_SERVERS.test(start)) return true;
  const predictingEndpoints = facts.serving.flatMap((s) =>
    s.endpoints.filter((e) => e.predicts && (e.kind === "post" || e.kind === "handler")),
  );
  const predicting = new Set(predictingEndpoints.map((e) => e.path));
  if (predicting.size === 0) return false;
  if (/public\.ecr\.aws\/lambda\/python|amazon\/aws-lambda-python/.test(d.from?.args ?? "")) {
    // A Lambda image's CMD names module.function: that very handler must be the one that predicts.
    const handler = d.cmd?.args.match(/([\w./]+)\.(\w+)/);
    return (
      !!handler &&
      predictingEndpoints.some(
        (e) =>
          e.what.startsWith(`${handler[2]}(`) &&
          e.path.replace(/\.py$/, "").endsWith(handler[1].replace(/\./g, "/")),
      )
    );
  }
  if (!APP_SERVERS.test(start)) return false;
  const flaskApp = flaskRunModule(facts.modules, d, start);
  if (flaskApp) return servedModules(facts.modules, flaskApp).some((p) => predicting.has(p));
  // The module:app after gunicorn's options, not a `--bind 0.0.0.0:8000` address (a module starts with a letter).
  const targets = pythonTargets(
    start.replace(/\b(gunicorn|hypercorn)\b(.*?)\s([A-Za-z_][\w.]*:\w+)/, "uvicorn $3"),
  );
  return targets.some((t) => {
    const path = facts.moduleInImage(d, t);
    if (!path) return false;
    // A Django project's wsgi/asgi module serves every app of the project beside it.
    if (/get_[wa]sgi_application/.test(facts.modules.byPath.get(path)?.source ?? "")) {
      const project = dirName(dirName(path));
      return [...predicting].some((p) => !project || p.startsWith(`${project}/`));
    }
    return (
      servedModules(facts.modules, path).some((p) => predicting.has(p)) ||
      importsStartedApp(facts, path, start, predicting)
    );
  });
}

/**
 * A start module that is no service itself but imports the started application object from a prediction
 * service (`wsgi.py` with `from app import app`, started as `gunicorn wsgi:app`) starts that service.
 */
function importsStartedApp(facts: Facts, path: string, start: string, predicting: Set<string>): boolean {
  const module = facts.modules.byPath.get(path);
  const stem = path.replace(/\.py$/, "").split("/").pop();
  const attr = start.match(new RegExp(`\\b${stem}:(\\w+)`))?.[1];
  if (!module || !attr || facts.serving.some((s) => s.path === path)) return false;
  return [...module.code.matchAll(/^from[ \t]+([\w.]+)[ \t]+import[ \t]+(.+)$/gm)].some(
    ([, from, names]) =>
      new RegExp(`(^|[\\s,(])${attr}(\\s*[,)]|\\s*$)`).test(names) &&
      facts.modules.resolveImport(module, from).some((p) => predicting.has(p)),
  );
}

export function evalDockerfile(
  ctx: EvalContext,
  q: { start?: string[]; startsServing?: boolean; entry?: boolean },
): PredicateResult {
  const evidence: Evidence[] = [];
  for (const d of ctx.facts.dockerfiles) {
    if (!d.from) continue;
    const starter = d.entrypoint ?? d.cmd;
    if ((q.entry || q.start || q.startsServing) && !starter) continue;
    const start = q.start || q.startsServing ? startCommand(ctx.facts, d) : "";
    if (q.start && !q.start.some((p) => ctx.pattern(p).test(start))) continue;
    if (q.startsServing && !startsPredictionService(ctx.facts, d, start)) continue;
    const at = starter ?? d.from;
    evidence.push({ path: d.path, line: at.line, snippet: snippetOf(`${at.keyword} ${at.args}`) });
  }
  return found(evidence.slice(0, 5));
}

const COMPOSE_UP = /\bdocker(?:-|\s+)compose\b(.*?)\bup\b(.*)$/;

export function evalCompose(
  ctx: EvalContext,
  q: { minServices: number; startedByCi?: boolean },
): PredicateResult {
  const big = ctx.facts.compose.filter((c) => c.services.length >= q.minServices);
  if (!q.startedByCi)
    return found(
      big.map((c) => ({ path: c.path, line: c.line, snippet: `services: ${c.services.join(", ")}` })),
    );
  const evidence: Evidence[] = [];
  for (const p of ctx.facts.ci) {
    for (const s of p.steps) {
      for (const c of s.commands) {
        const m = c.text.match(COMPOSE_UP);
        if (!m) continue;
        const file = m[1].match(/(?:-f|--file)[\s=]+["']?([^\s"']+)/)?.[1];
        const target = file
          ? big.find((b) => b.path === file || b.path.endsWith(`/${file}`))
          : (big.find((b) => !b.path.includes("/")) ?? big[0]);
        const named = m[2].split(/\s+/).filter((w) => w && !w.startsWith("-"));
        if (!target || (/--no-deps/.test(m[2]) && named.length < 2)) continue;
        evidence.push({ path: c.path, line: c.line, snippet: snippetOf(c.text), ...workflowOf(p) });
      }
    }
  }
  return found(evidence.slice(0, 5));
}
