import { readFileSync } from "node:fs";
import { buildSchema, graphqlSync, parse, validate, type GraphQLError } from "graphql";

/** The part of GitHub's GraphQL schema the app uses (`npm run github-graphql` extracts it). */
const schema = buildSchema(readFileSync(new URL("./api.github.com.graphql", import.meta.url), "utf8"));

/**
 * The simulations cut a blob's text past this size and say so (`isTruncated`), as GitHub does past a
 * limit it does not document, so that the app's REST read of a truncated blob is exercised.
 */
export const TEXT_LIMIT = 512 * 1024;

/** What GitHub answers for a blob: its text unless binary, cut past the limit. */
function blobAnswer(oid: string, bytes: Buffer) {
  const binary = bytes.includes(0);
  return {
    __typename: "Blob",
    oid,
    byteSize: bytes.length,
    isBinary: binary,
    isTruncated: bytes.length > TEXT_LIMIT,
    text: binary ? null : bytes.subarray(0, TEXT_LIMIT).toString("utf8"),
  };
}

/**
 * Answers one GraphQL request as GitHub would, from blobs by SHA: the query is parsed and validated
 * against GitHub's schema and executed on it, so a field GitHub does not have, a wrong argument type or
 * a variable left undeclared fails here as it would there. `problems` collects those errors.
 */
export function answerGraphql(
  body: unknown,
  blobs: (oid: string) => Buffer | undefined,
): { data?: unknown; errors?: { message: string }[] } {
  const { query, variables } = parsedBody(body);
  const invalid = graphqlProblems(body);
  if (invalid.length) return { errors: invalid.map((message) => ({ message })) };
  const root = {
    repository: () => ({
      object: ({ oid }: { oid: string }) => {
        const bytes = blobs(oid);
        return bytes ? blobAnswer(oid, bytes) : null;
      },
    }),
  };
  const result = graphqlSync({ schema, source: String(query), rootValue: root, variableValues: variables });
  return result as { data?: unknown; errors?: { message: string }[] };
}

function parsedBody(body: unknown): { query?: string; variables?: Record<string, unknown> } {
  return (typeof body === "string" ? JSON.parse(body) : (body ?? {})) as {
    query?: string;
    variables?: Record<string, unknown>;
  };
}

/**
 * Why GitHub would refuse a GraphQL request: the query does not parse, or does not validate against its
 * schema, or its variables do not fit the types the query declares. None for a request it would run.
 */
export function graphqlProblems(body: unknown): string[] {
  const { query, variables } = parsedBody(body);
  let errors: readonly GraphQLError[];
  try {
    errors = validate(schema, parse(String(query)));
    // Running it on a GitHub that holds nothing checks the variables against their declared types.
    if (!errors.length)
      errors =
        graphqlSync({ schema, source: String(query), rootValue: {}, variableValues: variables }).errors ?? [];
  } catch (e) {
    errors = [e as GraphQLError];
  }
  return errors.map((e) => `GraphQL: ${e.message}`);
}
