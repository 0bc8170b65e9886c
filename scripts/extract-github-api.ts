import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * Writes the part of GitHub's OpenAPI description (`@octokit/openapi`, api.github.com) that request
 * validation needs: every operation's method and path, its query parameter names, and its JSON request
 * body schema with the components those reference. The full description unpacks to 385 MB with every
 * response and every GitHub Enterprise variant, which made each clean install minutes slower; this
 * extract is 0.3 MB and is regenerated with:
 *
 *   npm install --no-save @octokit/openapi && npm run github-api
 */
type Json = Record<string, unknown>;
const METHODS = ["get", "post", "put", "patch", "delete", "head"];
const OUT = "test/github/api.github.com.requests.json";

const require = createRequire(import.meta.url);
const specPath = process.argv[2] ?? require.resolve("@octokit/openapi/generated/api.github.com.json");
const spec = JSON.parse(readFileSync(specPath, "utf8")) as Json & {
  info: { version: string };
  paths: Record<string, Record<string, Json>>;
  components: Record<string, Record<string, Json>>;
};
let version = "unknown";
try {
  version = (JSON.parse(readFileSync(require.resolve("@octokit/openapi/package.json"), "utf8")) as Json)
    .version as string;
} catch {
  /* a path was given on the command line */
}

/** Descriptions and examples are for people; validation does not need them. */
function stripped(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripped);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => !["description", "example", "examples", "summary", "externalDocs"].includes(k))
      .map(([k, v]) => [k, stripped(v)]),
  );
}

/**
 * OpenAPI 3.0 allows `nullable` beside `oneOf` without a `type`; Ajv refuses that, so such a schema gets
 * an explicit null alternative instead, which means the same.
 */
function nullableWithoutType(node: unknown): void {
  if (!node || typeof node !== "object") return;
  const schema = node as Record<string, unknown>;
  if (schema.nullable === true && schema.type === undefined) {
    delete schema.nullable;
    const { ...copy } = schema;
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [copy, { type: "null" }];
  }
  for (const value of Object.values(schema)) nullableWithoutType(value);
}

const refs = new Set<string>();
function collectRefs(node: unknown): void {
  if (Array.isArray(node)) node.forEach(collectRefs);
  else if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node))
      if (k === "$ref" && typeof v === "string") refs.add(v);
      else collectRefs(v);
}

const paths: Record<string, Record<string, Json>> = {};
for (const [path, ops] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(ops)) {
    if (!METHODS.includes(method)) continue;
    const query = ((op.parameters ?? []) as Json[])
      .map((p) => (p.$ref ? spec.components.parameters[String(p.$ref).split("/").pop()!] : p))
      .filter((p) => p.in === "query")
      .map((p) => p.name);
    const content = (op.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)
      ?.content;
    const body = content?.["application/json"]?.schema;
    if (body) collectRefs(body);
    (paths[path] ??= {})[method] = {
      operationId: op.operationId,
      query,
      ...(content ? { bodyTypes: Object.keys(content) } : {}),
      ...(body ? { body: stripped(body) } : {}),
    };
  }
}

const components: Record<string, Record<string, unknown>> = {};
const done = new Set<string>();
while (refs.size) {
  const ref = refs.values().next().value as string;
  refs.delete(ref);
  if (done.has(ref)) continue;
  done.add(ref);
  const [, , kind, name] = ref.split("/");
  const value = spec.components[kind][name];
  (components[kind] ??= {})[name] = stripped(value);
  collectRefs(value);
}

nullableWithoutType(paths);
nullableWithoutType(components);
const doc = { source: `@octokit/openapi ${version}, api.github.com ${spec.info.version}`, paths, components };
writeFileSync(OUT, `${JSON.stringify(doc)}\n`);
console.log(`wrote ${OUT}: ${Object.keys(paths).length} paths, ${done.size} components`);
