import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { answerGraphql } from "./graphql.js";
import type { CheckedRequest } from "./openapi.js";

/**
 * A GitHub with state, for benchmarks and for tests with more than one process: every endpoint the app
 * calls, answered from memory, either in-process through nock (`intercept`) or on a real HTTP server
 * (`listen`, which the app reaches as GitHub Enterprise through GHE_HOST). Unlike the strict fake of
 * the unit tests it keeps answering for a whole run, and it remembers the check runs it was sent.
 */
export type Files = Record<string, string>;
export type Answer = [status: number, body: unknown, headers?: Record<string, string>];
/** An extra part of the API (webhook deliveries, say): answers what it serves, `undefined` otherwise. */
export type Route = (
  method: string,
  path: string,
  body: unknown,
  query: URLSearchParams,
) => Answer | undefined;

export interface CheckRun {
  id: number;
  head_sha: string;
  status: string;
  conclusion?: string;
  title?: string;
}

const blobSha = (text: string) => {
  const bytes = Buffer.from(text);
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
};

function kindOf(method: string, path: string): string {
  if (path.includes("/access_tokens")) return "token";
  if (path === "/graphql") return "blobs: batched";
  if (path.includes("/contents/")) return "config";
  if (path.includes("/git/trees/")) return "tree";
  if (path.includes("/git/blobs/")) return "blob";
  if (path.includes("check-runs")) return method === "GET" ? "check runs: list" : "check runs: write";
  if (path.startsWith("/app/hook/deliveries"))
    return method === "GET" ? "deliveries: list" : "deliveries: redeliver";
  if (/^\/repos\/[^/]+\/[^/]+\/commits\/[^/]+$/.test(path)) return "commit";
  if (/^\/repos\/[^/]+\/[^/]+$/.test(path)) return "repository";
  if (path.includes("/actions/workflows/")) return "workflow runs";
  if (path.includes("/deployments")) return "deployments";
  if (path.includes("/packages/container/")) return "packages";
  if (path.includes("/comments")) return method === "GET" ? "comments: list" : "comments: write";
  return `${method} other`;
}

export class SimulatedGitHub {
  private readonly commits = new Map<string, Files>();
  private readonly blobs = new Map<string, string>();
  readonly checkRuns: CheckRun[] = [];
  /** Every request since the last `countedSince`: its kind, GitHub's status and the bytes of its answer. */
  private counted: { kind: string; status: number; bytes: number }[] = [];
  /** Called with each request's kind and body before it is answered (a test or benchmark waits on one). */
  onRequest: (kind: string, body: unknown) => void = () => {};
  /** What the installation granted, as its token says: the audit reads workflow runs and deployments. */
  permissions: Record<string, string> = {
    actions: "read",
    checks: "write",
    contents: "read",
    deployments: "read",
    issues: "write",
    metadata: "read",
    pull_requests: "write",
  };
  /** Parts of the API that a test adds, tried before the "not simulated" answer. */
  readonly routes: Route[] = [];
  /** Every request the HTTP server received, with its query, for checks against GitHub's description. */
  readonly requests: (CheckedRequest & { authorization?: string })[] = [];
  /** Every file read from the raw host (with `listen`'s `browser`). */
  readonly rawRequests: string[] = [];
  /** Raw reads that carried an Authorization header (a page must send its token to the API alone). */
  rawAuthorized = 0;
  /** CORS preflights answered (with `listen`'s `browser`): each costs the page a round trip too. */
  preflights = 0;
  /** Comments on issues and pull requests, as `issues/N` → comments; the Action and the app edit theirs. */
  readonly comments = new Map<
    string,
    { id: number; body: string; user: { login: string; type: string } }[]
  >();
  private commentIds = 0;
  private readonly repos = new Map<string, { defaultBranch: string; refs: Record<string, string> }>();

  /** `fallback` answers a tree asked for a commit that was never added. */
  constructor(private readonly fallback?: Files) {
    if (fallback) this.store(fallback);
  }

  commit(sha: string, files: Files): this {
    this.commits.set(sha, files);
    this.store(files);
    return this;
  }

  /** A public repository, for the calls that audit one by name; its refs name commits added with `commit`. */
  repository(owner: string, repo: string, defaultBranch: string, refs: Record<string, string>): this {
    this.repos.set(`${owner}/${repo}`, { defaultBranch, refs });
    return this;
  }

  private store(files: Files): void {
    for (const text of Object.values(files)) this.blobs.set(blobSha(text), text);
  }

  private blobBytes(oid: string): Buffer | undefined {
    const text = this.blobs.get(oid);
    return text === undefined ? undefined : Buffer.from(text);
  }

  countedSince(): { kind: string; status: number; bytes: number }[] {
    const out = this.counted;
    this.counted = [];
    return out;
  }

  /** The check runs created for a commit. */
  runsOf(sha: string): CheckRun[] {
    return this.checkRuns.filter((r) => r.head_sha === sha);
  }

  /**
   * GitHub's answer. A GET answered 200 carries an ETag of its body, and a GET that sends that ETag back
   * in `If-None-Match` (`ifNoneMatch`) is answered 304 with no body, as GitHub does.
   */
  answer(
    method: string,
    path: string,
    body: unknown,
    query = new URLSearchParams(),
    ifNoneMatch?: string,
  ): Answer {
    const kind = kindOf(method, path);
    this.onRequest(kind, body);
    let answer =
      this.routes.reduce<Answer | undefined>(
        (a, route) => a ?? route(method, path, body, query),
        undefined,
      ) ?? this.route(kind, method, path, body);
    if (method === "GET" && answer[0] === 200) {
      const etag = `"${createHash("sha1").update(JSON.stringify(answer[1])).digest("hex")}"`;
      answer = etag === ifNoneMatch ? [304, "", { etag }] : [200, answer[1], { ...answer[2], etag }];
    }
    const bytes = answer[0] === 304 ? 0 : Buffer.byteLength(JSON.stringify(answer[1]));
    this.counted.push({ kind, status: answer[0], bytes });
    return answer;
  }

  private route(kind: string, method: string, path: string, body: unknown): Answer {
    const at = (pattern: RegExp) => pattern.exec(path)?.[1];
    if (kind === "blobs: batched") return [200, answerGraphql(body, (oid) => this.blobBytes(oid))];
    const sha = at(/\/git\/trees\/(\w+)/);
    if (kind === "token")
      return [201, { token: "t", expires_at: "2099-01-01T00:00:00Z", permissions: this.permissions }];
    if (kind === "workflow runs") return this.workflowRuns(path);
    if (kind === "deployments") return [200, []];
    if (kind === "packages") return this.containerPackage(path);
    if (kind === "config") return [404, { message: "Not Found" }];
    if (sha) return this.tree(sha);
    if (kind === "repository" || kind === "commit") return this.repositoryAnswer(kind, path);
    const blob = at(/\/git\/blobs\/(\w+)/);
    if (blob) {
      const text = this.blobs.get(blob);
      if (text === undefined) return [404, { message: "Not Found" }];
      return [200, { sha: blob, encoding: "base64", content: Buffer.from(text).toString("base64") }];
    }
    const listed = at(/\/commits\/(\w+)\/check-runs/);
    if (listed) {
      const runs = this.runsOf(listed).map((r) => ({ ...r, external_id: "mlops-audit" }));
      return [200, { total_count: runs.length, check_runs: runs }];
    }
    if (method === "POST" && /\/check-runs$/.test(path)) {
      // A quick audit creates its run complete; a slow one opens it in progress.
      const sent = body as CheckRun & { output?: { title?: string } };
      const run: CheckRun = {
        id: this.checkRuns.length + 1,
        head_sha: sent.head_sha,
        status: sent.status === "completed" ? "completed" : "in_progress",
        ...(sent.conclusion ? { conclusion: sent.conclusion } : {}),
        ...(sent.output?.title ? { title: sent.output.title } : {}),
      };
      this.checkRuns.push(run);
      return [201, run];
    }
    const updated = at(/\/check-runs\/(\d+)$/);
    if (method === "PATCH" && updated) {
      const run = this.checkRuns[Number(updated) - 1];
      const patch = body as { status?: string; conclusion?: string; output?: { title?: string } };
      if (run && patch.conclusion) Object.assign(run, { status: "completed", conclusion: patch.conclusion });
      if (run && patch.output?.title) run.title = patch.output.title;
      return [200, { id: Number(updated) }];
    }
    if (kind === "comments: list" || kind === "comments: write") return this.comment(method, path, body);
    return [404, { message: `not simulated: ${method} ${path}` }];
  }

  private comment(method: string, path: string, body: unknown): Answer {
    const issue = /\/(issues\/\d+)\/comments$/.exec(path)?.[1];
    const text = (body as { body?: string } | undefined)?.body ?? "";
    if (issue && method === "GET") return [200, this.comments.get(issue) ?? []];
    if (issue && method === "POST") {
      const made = { id: ++this.commentIds, body: text, user: { login: "github-actions[bot]", type: "Bot" } };
      this.comments.set(issue, [...(this.comments.get(issue) ?? []), made]);
      return [201, made];
    }
    const id = Number(/\/issues\/comments\/(\d+)$/.exec(path)?.[1]);
    const found = [...this.comments.values()].flat().find((c) => c.id === id);
    if (method === "PATCH" && found) {
      found.body = text;
      return [200, found];
    }
    return [404, { message: "Not Found" }];
  }

  private repositoryAnswer(kind: string, path: string): Answer {
    const [, , owner, repo, , ref] = path.split("/");
    const found = this.repos.get(`${owner}/${repo}`);
    if (!found) return [404, { message: "Not Found" }];
    if (kind === "repository")
      return [
        200,
        {
          id: 1,
          name: repo,
          full_name: `${owner}/${repo}`,
          owner: { login: owner, type: "User" },
          private: false,
          html_url: `https://github.com/${owner}/${repo}`,
          default_branch: found.defaultBranch,
        },
      ];
    const sha = found.refs[decodeURIComponent(ref)] ?? (this.commits.has(ref) ? ref : undefined);
    // Asked with `application/vnd.github.sha`, GitHub answers a commit with its bare SHA.
    return sha ? [200, sha] : [422, { message: `No commit found for SHA: ${ref}` }];
  }

  /** Every image CI pushes was published: GitHub has a package of its name. */
  private containerPackage(path: string): Answer {
    const [, kind, owner, name] = /^\/(users|orgs)\/([^/]+)\/packages\/container\/([^/]+)$/.exec(path) ?? [];
    if (!name) return [404, { message: "Not Found" }];
    const package_name = decodeURIComponent(name);
    const html_url = `https://github.com/${kind === "orgs" ? "orgs/" : "users/"}${owner}/packages/container/package/${name}`;
    return [200, { id: 1, name: package_name, package_type: "container", html_url, visibility: "public" }];
  }

  /** Every workflow's latest default-branch run succeeded. */
  private workflowRuns(path: string): Answer {
    const [, owner, repo, file] =
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/runs$/.exec(path) ?? [];
    if (!file) return [404, { message: "Not Found" }];
    const run = {
      id: 1,
      status: "completed",
      conclusion: "success",
      event: "push",
      head_branch: "main",
      html_url: `https://github.com/${owner}/${repo}/actions/runs/1`,
      updated_at: "2026-12-01T00:00:00Z",
      head_repository: { full_name: `${owner}/${repo}` },
    };
    return [200, { total_count: 1, workflow_runs: [run] }];
  }

  private tree(sha: string): Answer {
    const files = this.commits.get(sha) ?? this.fallback;
    if (!files) return [404, { message: "No commit found for the SHA" }];
    const tree = Object.entries(files).map(([path, text]) => ({
      path,
      type: "blob",
      mode: "100644",
      sha: blobSha(text),
      size: Buffer.byteLength(text),
    }));
    return [200, { sha, tree, truncated: false }];
  }

  /** Answers api.github.com in this process, for as long as the process runs, each answer `latencyMs` late. */
  intercept(latencyMs = 0): this {
    nock.disableNetConnect();
    const scope = nock("https://api.github.com").persist();
    const answer = (method: string, uri: string, body: unknown, ifNoneMatch: unknown) =>
      this.answer(method, uri.split("?")[0], body, undefined, ifNoneMatch as string | undefined);
    for (const method of ["GET", "POST", "PATCH"])
      scope
        .intercept(/.*/, method)
        .query(true)
        .delay(latencyMs)
        .reply(function (uri, body) {
          return answer(method, uri, body, this.req.headers["if-none-match"]);
        });
    return this;
  }

  /**
   * Serves GitHub's API on a local port, as GitHub Enterprise serves it under /api/v3, with `latencyMs`
   * added to every answer. `env` is what a process needs to use it. With `browser`, it answers as
   * api.github.com and raw.githubusercontent.com answer a web page: CORS (preflights too), the hourly
   * allowance in `x-ratelimit-*` headers (60 an hour, counted from `listen`), and file text by path at a
   * commit under /raw (`/raw/OWNER/REPO/SHA/PATH`).
   */
  async listen(latencyMs = 0, { browser = false } = {}) {
    const cors = browser
      ? {
          "access-control-allow-origin": "*",
          "access-control-expose-headers": "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset",
        }
      : {};
    let apiCalls = 0;
    const resetAt = Math.floor(Date.now() / 1000) + 3600;
    const server = createServer((req, res) => {
      if (browser && req.method === "OPTIONS") {
        this.preflights++;
        setTimeout(() => {
          res.writeHead(204, {
            ...cors,
            "access-control-allow-headers": String(req.headers["access-control-request-headers"] ?? ""),
            "access-control-allow-methods": "GET, POST, PATCH",
          });
          res.end();
        }, latencyMs);
        return;
      }
      if (browser && req.url!.startsWith("/raw/")) {
        this.rawRequests.push(req.url!);
        if (req.headers.authorization) this.rawAuthorized++;
        const [, , , , sha, ...path] = req.url!.split("?")[0].split("/");
        const text = this.commits.get(sha)?.[path.map(decodeURIComponent).join("/")];
        setTimeout(() => {
          res.writeHead(text === undefined ? 404 : 200, {
            ...cors,
            "content-type": "text/plain; charset=utf-8",
          });
          res.end(text ?? "404: Not Found");
        }, latencyMs);
        return;
      }
      void readJson(req).then((body) => {
        // GitHub Enterprise serves REST under /api/v3 and GraphQL at /api/graphql.
        const path = req.url!.replace(/^\/api\/v3/, "").replace(/^\/api\/graphql/, "/graphql");
        const url = new URL(path, "http://github.test");
        this.requests.push({
          method: req.method!,
          url: url.pathname + url.search,
          body,
          authorization: req.headers.authorization,
        });
        const ifNoneMatch = req.headers["if-none-match"];
        const [status, answer, headers] = this.answer(
          req.method!,
          url.pathname,
          body,
          url.searchParams,
          ifNoneMatch,
        );
        const allowance = browser
          ? {
              "x-ratelimit-limit": "60",
              "x-ratelimit-remaining": String(Math.max(0, 60 - ++apiCalls)),
              "x-ratelimit-reset": String(resetAt),
            }
          : {};
        const text = typeof answer === "string";
        setTimeout(() => {
          res.writeHead(status, {
            "content-type": text ? "application/vnd.github.sha; charset=utf-8" : "application/json",
            ...cors,
            ...allowance,
            ...headers,
          });
          res.end(status === 304 ? undefined : text ? answer : JSON.stringify(answer));
        }, latencyMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      env: { GHE_HOST: host, GHE_PROTOCOL: "http" },
      /** The API's address as GitHub Enterprise serves it, for a plain Octokit's `baseUrl`. */
      apiUrl: `http://${host}/api/v3`,
      /** The raw host's address (with `browser`). */
      rawUrl: `http://${host}/raw`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? (JSON.parse(text) as unknown) : undefined;
}
