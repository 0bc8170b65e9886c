import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  parse,
  printSchema,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type GraphQLNamedType,
  type GraphQLType,
} from "graphql";
import { blobQuery } from "../src/sources/github-blobs.js";

/**
 * Writes the part of GitHub's GraphQL schema (`@octokit/graphql-schema`) that the app's queries use:
 * each type they reach with only the fields they select, descriptions kept. The tests validate and
 * answer every query the app sends against it. Regenerated with:
 *
 *   npm install --no-save @octokit/graphql-schema && npm run github-graphql
 */
const OUT = "test/github/api.github.com.graphql";
/** Every query the app sends, in each of its shapes. */
const QUERIES = [blobQuery(2)];

// The package exports only its entry point; the schema and version are files beside it.
const root = dirname(fileURLToPath(import.meta.resolve("@octokit/graphql-schema")));
// GitHub's published SDL defines two enterprise fields twice, which strict validation refuses; the
// part extracted here is validated when the tests build it.
const full = buildSchema(readFileSync(join(root, "schema.graphql"), "utf8"), { assumeValidSDL: true });
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };

/** Fields selected, by type; types named by a fragment's type condition. */
const used = new Map<string, Set<string>>();
const conditions = new Set<string>();
for (const query of QUERIES) {
  const info = new TypeInfo(full);
  visit(
    parse(query),
    visitWithTypeInfo(info, {
      Field(node) {
        const parent = info.getParentType();
        if (parent) used.set(parent.name, (used.get(parent.name) ?? new Set()).add(node.name.value));
      },
      InlineFragment(node) {
        if (node.typeCondition) conditions.add(node.typeCondition.name.value);
      },
    }),
  );
}
// An interface keeps the fields its kept implementations select that it declares too.
for (const name of conditions) {
  const type = full.getType(name);
  if (!(type instanceof GraphQLObjectType)) continue;
  for (const iface of type.getInterfaces())
    for (const field of used.get(name) ?? [])
      if (iface.getFields()[field]) used.set(iface.name, (used.get(iface.name) ?? new Set()).add(field));
}

const pruned = new Map<string, GraphQLNamedType>();
function prune(type: GraphQLType): GraphQLType {
  if (type instanceof GraphQLNonNull) return new GraphQLNonNull(prune(type.ofType));
  if (type instanceof GraphQLList) return new GraphQLList(prune(type.ofType));
  const named = type as GraphQLNamedType;
  const known = pruned.get(named.name);
  if (known) return known;
  if (!(named instanceof GraphQLObjectType || named instanceof GraphQLInterfaceType)) {
    pruned.set(named.name, named);
    return named;
  }
  const keep = used.get(named.name) ?? new Set();
  const config = named.toConfig() as ReturnType<GraphQLInterfaceType["toConfig"]>;
  const fields = () =>
    Object.fromEntries(
      Object.entries(config.fields)
        .filter(([name]) => keep.has(name))
        .map(([name, field]) => [
          name,
          {
            ...field,
            type: prune(field.type) as never,
            args: Object.fromEntries(
              Object.entries(field.args ?? {}).map(([arg, a]) => [
                arg,
                { ...a, type: prune(a.type) as never },
              ]),
            ),
          },
        ]),
    );
  const interfaces = () =>
    config.interfaces.filter((i) => used.has(i.name)).map((i) => prune(i) as GraphQLInterfaceType);
  const out =
    named instanceof GraphQLObjectType
      ? new GraphQLObjectType({ ...named.toConfig(), fields, interfaces })
      : new GraphQLInterfaceType({ ...named.toConfig(), fields, interfaces });
  pruned.set(named.name, out);
  return out;
}

const schema = new GraphQLSchema({
  query: prune(full.getQueryType()!) as GraphQLObjectType,
  types: [...conditions].map((c) => prune(full.getType(c)!) as GraphQLNamedType),
});
writeFileSync(
  OUT,
  `# The part of GitHub's GraphQL schema the app's queries use, from @octokit/graphql-schema ${version}.\n` +
    `# Written by scripts/extract-github-graphql.ts; do not edit.\n\n${printSchema(schema)}\n`,
);
console.log(`${OUT}: ${[...used].map(([t, f]) => `${t} { ${[...f].join(" ")} }`).join(", ")}`);
