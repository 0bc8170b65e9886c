import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { graphqlProblems } from "./graphql.js";

/**
 * Checks requests against GitHub's own OpenAPI description (the request side of @octokit/openapi's
 * api.github.com, extracted by scripts/extract-github-api.ts): the method and path must be an operation
 * of api.github.com, every query parameter one it declares, and a JSON body must validate against the
 * operation's request schema.
 */
type Operation = { operationId: string; query: string[]; bodyTypes?: string[]; body?: unknown };
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
};

const spec = JSON.parse(
  readFileSync(new URL("./api.github.com.requests.json", import.meta.url), "utf8"),
) as Spec;

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
const ajv = new Ajv({ strict: false, allErrors: false });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: "gh" } as object);

const templates = Object.keys(spec.paths).map((template) => {
  const params = template.match(/\{[^}]+\}/g)?.length ?? 0;
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part, i, parts) =>
      part.startsWith("{")
        ? // A multi-segment parameter (a file path) may hold slashes when it ends the template.
          i === parts.length - 2 && parts[i + 1] === "" && part === "{path}"
          ? ".+"
          : "[^/]+"
        : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return { template, params, regex: new RegExp(`^${pattern}$`) };
});
templates.sort((a, b) => a.params - b.params);

const compiled = new Map<string, ValidateFunction>();

function pointer(...parts: string[]): string {
  return parts.map((p) => encodeURIComponent(p.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");
}

export interface CheckedRequest {
  method: string;
  url: string;
  body?: unknown;
}

/** The problems GitHub's description finds with a request; empty when it is valid. */
export function openApiProblems(req: CheckedRequest): string[] {
  const url = new URL(req.url, "https://api.github.com");
  const method = req.method.toLowerCase();
  const path = decodeURIComponent(url.pathname);
  // GraphQL has one endpoint; what matters is the query, checked against GitHub's GraphQL schema.
  if (path === "/graphql" && method === "post") return graphqlProblems(req.body);
  const match = templates.find((t) => t.regex.test(path) && spec.paths[t.template][method]);
  if (!match) return [`${req.method} ${path} is not an operation of the GitHub API`];
  const op = spec.paths[match.template][method];
  const problems: string[] = [];
  const declared = new Set(op.query);
  for (const key of url.searchParams.keys())
    if (!declared.has(key)) problems.push(`${op.operationId}: query parameter "${key}" is not declared`);
  if (req.body !== undefined && req.body !== "") {
    const key = `${match.template} ${method}`;
    let validate = compiled.get(key);
    if (!validate) {
      if (!op.body) return [...problems, `${op.operationId} takes no JSON body`];
      validate = ajv.compile({ $ref: `gh#/${pointer("paths", match.template, method, "body")}` });
      compiled.set(key, validate);
    }
    const body = typeof req.body === "string" ? JSON.parse(req.body) : req.body;
    if (!validate(body))
      problems.push(
        ...(validate.errors ?? []).map(
          (e) => `${op.operationId}: body${e.instancePath} ${e.message ?? "is invalid"}`,
        ),
      );
  }
  return problems;
}
