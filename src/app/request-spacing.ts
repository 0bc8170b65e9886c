import Bottleneck from "bottleneck";
import { Kind, OperationTypeNode, parse } from "graphql";
import type { WriteBudget } from "./queue/write-budget.js";

interface RequestOptions {
  method: string;
  url: string;
  query?: unknown;
}

/** A GraphQL endpoint: `/graphql` on github.com, `/api/graphql` on GitHub Enterprise Server. */
const GRAPHQL_PATH = /^(\/api)?\/graphql$/;

/**
 * Whether a document only reads: every operation in it is a query. A mutation, a subscription or a
 * document that does not parse counts as a write, so a write is never let through unspaced by mistake.
 */
function onlyReads(document: unknown): boolean {
  if (typeof document !== "string") return false;
  try {
    return parse(document, { noLocation: true }).definitions.every(
      (d) => d.kind !== Kind.OPERATION_DEFINITION || d.operation === OperationTypeNode.QUERY,
    );
  } catch {
    return false;
  }
}

/**
 * Whether GitHub counts a request as a write, which it asks to be spaced a second apart per client:
 * any REST method but GET and HEAD, and a GraphQL request that mutates. A GraphQL query is a POST but
 * a read (GitHub's secondary limits charge it as a GET, a mutation as a POST).
 */
export function isWrite(options: RequestOptions): boolean {
  if (options.method === "GET" || options.method === "HEAD") return false;
  const { pathname } = new URL(options.url, "http://github.test");
  return !(GRAPHQL_PATH.test(pathname) && onlyReads(options.query));
}

type Job<A extends unknown[], T> = (...args: A) => Promise<T>;

/** Runs the job at once: the throttling plugin's own write slot, which cannot tell a query from a mutation. */
const unspaced = {
  key: () => ({
    schedule: <A extends unknown[], T>(_options: unknown, job: Job<A, T>, ...args: A) => job(...args),
  }),
};

/** Ten requests at once per client, as the throttling plugin's own `global` limiter allows. */
const concurrent = new Bottleneck.Group({ id: "octokit-global", maxConcurrent: 10, timeout: 120_000 });

/**
 * Limiters for the throttling plugin (`throttle.write` and `throttle.global`) that space writes from a
 * write budget and let GraphQL queries through. The plugin asks its `write` limiter for a slot before
 * every write and every GraphQL request but tells it nothing about the request, so a batched file read
 * waited a second behind the check run's create. Its `global` limiter is given the request itself, and
 * every request but a token exchange passes it, retries included: that is where a write reserves its slot.
 */
export function throttleLimiters(writes: WriteBudget) {
  return {
    write: unspaced,
    global: {
      key: (id: string) => ({
        async schedule<T>(
          jobOptions: Bottleneck.JobOptions,
          request: (options: RequestOptions) => Promise<T>,
          options: RequestOptions,
        ): Promise<T> {
          if (isWrite(options)) await writes.reserve(id);
          return concurrent.key(id).schedule(jobOptions, request, options);
        },
      }),
    },
  };
}
