import { LRUCache } from "lru-cache";

/** A GET answered 200 with an ETag, kept to stand in for GitHub's 304 to the same GET later. */
interface Stored {
  etag: string;
  response: { status: number; url: string; headers: Record<string, unknown>; data: unknown };
}

type Options = { headers?: Record<string, string> };
type Parse = (options: Options) => { method: string; url: string; headers: Record<string, string> };
type Request = (options: Options) => Promise<Stored["response"]>;

interface HookedOctokit {
  hook: { wrap: (name: "request", fn: (request: Request, options: Options) => Promise<unknown>) => void };
  request: { endpoint: { parse: Parse } };
}

/** Answers kept, by their size as JSON: the config files and lists this is for are small. */
export const answerStore = () =>
  new LRUCache<string, Stored>({
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (s) => JSON.stringify(s.response.data ?? "").length + 1,
  });

/**
 * Git objects are named by their content's SHA: their answers never change, and the snapshot cache
 * keeps what was read of them already.
 */
const IMMUTABLE = /\/git\/(trees|blobs)\//;

/**
 * Conditional requests, as an Octokit plugin: a GET that GitHub answered with an ETag is asked again
 * with `If-None-Match`, and GitHub's 304 (no body, and not counted against the rate limit) is answered
 * with the stored response, its status 304 so that counters see what GitHub said. The repository's
 * config, the org's `.github` fallback and a commit's check runs are read this way on every event.
 *
 * Answers are kept per installation, so one installation is never handed what another was sent.
 */
export function conditionalRequests(store: ReturnType<typeof answerStore>) {
  return (octokit: object, options: { auth?: unknown }) => {
    const client = octokit as HookedOctokit;
    const installationId = (options.auth as { installationId?: number } | undefined)?.installationId;
    const who = installationId === undefined ? "app" : `installation ${installationId}`;
    client.hook.wrap("request", async (request, requestOptions) => {
      const { method, url, headers } = client.request.endpoint.parse(requestOptions);
      if (method !== "GET" || IMMUTABLE.test(url) || headers["if-none-match"]) return request(requestOptions);
      const key = `${who} ${headers.accept} ${url}`;
      const stored = store.get(key);
      // Hooks inside this one are bound to this options object, not to what `request` is called with.
      if (stored) requestOptions.headers = { ...requestOptions.headers, "if-none-match": stored.etag };
      try {
        const response = await request(requestOptions);
        const etag = response.headers.etag;
        // Copies in and out: a caller may change the answer it is handed (pagination does).
        if (response.status === 200 && typeof etag === "string")
          store.set(key, { etag, response: structuredClone(response) });
        return response;
      } catch (e) {
        if (stored && (e as { status?: number }).status === 304)
          return { ...structuredClone(stored.response), status: 304 };
        throw e;
      }
    });
    return {};
  };
}
