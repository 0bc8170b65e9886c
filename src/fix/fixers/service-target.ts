import { asMap } from "../../engine/facts/yaml.js";
import type { FixContext } from "../fixer.js";

export const SERVICE_PORT = 8000;

/** The committed Dockerfile that starts the prediction service, with its start line and exposed port. */
export function servingDockerfile(ctx: FixContext) {
  const service = ctx.project.service;
  if (!service) return undefined;
  for (const d of ctx.facts.dockerfiles) {
    const start = d.entrypoint ?? d.cmd;
    if (
      !start ||
      !new RegExp(`\\b${service.module.replaceAll(".", "\\.")}:${service.app}\\b`).test(start.args)
    )
      continue;
    const expose = d.instructions.find((i) => i.keyword === "EXPOSE")?.args.match(/\d+/)?.[0];
    const bind = start.args.match(/(?:--port[= ]|0\.0\.0\.0:)(\d+)/)?.[1];
    return {
      path: d.path,
      line: start.line,
      start: start.args,
      port: Number(bind ?? expose ?? SERVICE_PORT),
    };
  }
  return undefined;
}

/** Where Prometheus finds the service: its Compose service when one builds this repository, else the host. */
export function serviceTarget(ctx: FixContext): { job: string; host: string; port: number } {
  const port = servingDockerfile(ctx)?.port ?? SERVICE_PORT;
  for (const c of ctx.facts.compose) {
    const services = asMap(asMap(ctx.facts.yaml.get(c.path)?.docs[0])?.services) ?? {};
    const built = Object.entries(services).find(([, s]) => asMap(s)?.build !== undefined);
    if (built) return { job: built[0], host: built[0], port };
  }
  return { job: "prediction-service", host: "host.docker.internal", port };
}
