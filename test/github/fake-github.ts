import { createHash, generateKeyPairSync } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import nock from "nock";
import { NEVER_LOGGED } from "./suite-log.js";
import { MAX_FILE_BYTES, readCapOf } from "../../src/engine/audit.js";
import { wantsContent } from "../../src/engine/facts/index.js";
import { isExcludedPath } from "../../src/engine/paths.js";
import { answerGraphql } from "./graphql.js";
import { openApiProblems, type CheckedRequest } from "./openapi.js";

export const API = "https://api.github.com";
export const INSTALLATION_ID = 4242;

/** A private key made once per test run: the app signs its JWT with it, nock never checks. */
export const PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

export function gitBlobSha(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** Every file of a fixture directory, as a commit's files. */
export function filesOf(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full).split("\\").join("/")] = readFileSync(full);
    }
  };
  walk(dir);
  return out;
}

/** The files the audit is expected to fetch: those some fact reads, under the size cap. */
export function wantedPaths(files: Record<string, Buffer>): string[] {
  return Object.entries(files)
    .filter(
      ([path, bytes]) =>
        !isExcludedPath(path) && wantsContent(path) && bytes.length <= readCapOf(path, MAX_FILE_BYTES),
    )
    .map(([path]) => path);
}

/** A commit's files as the entries of GitHub's recursive tree. */
function treeOf(files: Record<string, Buffer>) {
  return Object.entries(files).map(([path, bytes]) => ({
    path,
    mode: "100644",
    type: "blob",
    sha: gitBlobSha(bytes),
    size: bytes.length,
  }));
}

/**
 * GitHub's API for one repository, as nock interceptors that each must be used. Every request that
 * reaches it is recorded and checked against GitHub's OpenAPI description.
 */
export class FakeGitHub {
  readonly requests: CheckedRequest[] = [];
  scope!: nock.Scope;

  constructor(
    readonly owner = "learner",
    readonly repo = "taxi-mlops",
  ) {
    this.reset();
  }

  /** Forgets every interceptor and recorded request: a fresh GitHub for the next test. */
  reset(): void {
    nock.cleanAll();
    nock.disableNetConnect();
    this.requests.length = 0;
    this.scope = nock(API);
    this.scope.on("request", (req: { method: string; path: string }, _i: unknown, body: string) => {
      this.requests.push({ method: req.method, url: req.path, body: body || undefined });
    });
  }

  /** A check run the app writes once, complete: an audit that finishes quickly opens no run before. */
  checkRun(id: number): this {
    this.scope.post(`${this.base}/check-runs`).reply(201, { id });
    return this;
  }

  /** A check run the app opens in progress and completes later: an audit slower than its threshold. */
  slowCheckRun(id: number): this {
    this.scope
      .post(`${this.base}/check-runs`)
      .reply(201, { id })
      .patch(`${this.base}/check-runs/${id}`)
      .reply(200, {});
    return this;
  }

  /** The bodies that completed a check run, whether it was created complete or completed by an update. */
  completions(): Record<string, unknown>[] {
    return [...this.bodies("POST", /\/check-runs$/), ...this.bodies("PATCH", /\/check-runs\/\d+$/)].filter(
      (b) => b.status === "completed",
    );
  }

  get base(): string {
    return `/repos/${this.owner}/${this.repo}`;
  }

  /** The installation's token, with the permissions the installation granted. */
  token(permissions: Record<string, string> = {}): this {
    this.scope.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).reply(201, {
      token: NEVER_LOGGED.installationToken,
      expires_at: "2099-01-01T00:00:00Z",
      permissions,
    });
    return this;
  }

  /**
   * GitHub's answer to the completed default-branch runs of one workflow file; `scheduled` when the
   * audit should ask for the scheduled runs only.
   */
  workflowRuns(
    file: string,
    answer: [number, Record<string, unknown>, Record<string, string>?],
    scheduled = false,
  ): this {
    this.scope
      .get(`${this.base}/actions/workflows/${file}/runs`)
      .query({
        branch: "main",
        status: "completed",
        exclude_pull_requests: "true",
        per_page: "10",
        ...(scheduled ? { event: "schedule" } : {}),
      })
      .reply(...answer);
    return this;
  }

  /** No config in the repository, nor in the org's `.github` repository. */
  noConfig(): this {
    this.scope
      .get(`${this.base}/contents/.github%2Fmlops-audit.yml`)
      .reply(404, { message: "Not Found" })
      .get(`/repos/${this.owner}/.github/contents/.github%2Fmlops-audit.yml`)
      .reply(404, { message: "Not Found" });
    return this;
  }

  /**
   * No config in the org's `.github` repository. A default-branch head reads its own config from the
   * audited tree, so this is the only config request it makes.
   */
  noOrgConfig(): this {
    this.scope
      .get(`/repos/${this.owner}/.github/contents/.github%2Fmlops-audit.yml`)
      .reply(404, { message: "Not Found" });
    return this;
  }

  config(text: string): this {
    this.scope.get(`${this.base}/contents/.github%2Fmlops-audit.yml`).reply(200, text, {
      "content-type": "application/vnd.github.raw; charset=utf-8",
    });
    return this;
  }

  /** A commit's tree in one recursive answer, and one batched read of the files the audit should read. */
  commit(sha: string, files: Record<string, Buffer>, fetched = wantedPaths(files)): this {
    return this.tree(sha, files).batch(files, fetched);
  }

  /** A commit's tree in one recursive answer. */
  tree(sha: string, files: Record<string, Buffer>): this {
    this.scope
      .get(`${this.base}/git/trees/${sha}`)
      .query({ recursive: "1" })
      .reply(200, { sha, url: `${API}${this.base}/git/trees/${sha}`, tree: treeOf(files), truncated: false });
    return this;
  }

  /**
   * The repository and the commit of a ref (the default branch), as an audit by name asks for them, then the commit's
   * tree and one REST read per file the audit reads.
   */
  byName(
    sha: string,
    files: Record<string, Buffer>,
    repository: { private?: boolean; ownerType?: string; ref?: string } = {},
  ): this {
    const { private: isPrivate = false, ownerType = "User", ref = "main" } = repository;
    this.scope
      .get(this.base)
      .reply(200, {
        id: 1,
        name: this.repo,
        full_name: `${this.owner}/${this.repo}`,
        owner: { login: this.owner, type: ownerType },
        private: isPrivate,
        html_url: `https://github.com/${this.owner}/${this.repo}`,
        default_branch: "main",
      })
      .get(`${this.base}/commits/${ref}`)
      .reply(200, sha, { "content-type": "application/vnd.github.sha; charset=utf-8" });
    return this.tree(sha, files).blobs(files, wantedPaths(files));
  }

  /** The repository's deployments, newest first, and the latest statuses of the first. */
  deployments(list: Record<string, unknown>[], statuses: Record<string, unknown>[] = []): this {
    this.scope.get(`${this.base}/deployments`).query({ per_page: "1" }).reply(200, list);
    if (list.length)
      this.scope
        .get(`${this.base}/deployments/${String(list[0].id)}/statuses`)
        .query({ per_page: "1" })
        .reply(200, statuses);
    return this;
  }

  /** GitHub's answer for the owner's container package of this name (an organization's, with `org`). */
  containerPackage(name: string, answer: [number, Record<string, unknown>], org = false): this {
    const account = org ? `/orgs/${this.owner}` : `/users/${this.owner}`;
    this.scope.get(`${account}/packages/container/${encodeURIComponent(name)}`).reply(...answer);
    return this;
  }

  /**
   * One batched GraphQL read answering these files' blobs (null for any other the app asks for, so it
   * falls back to a REST read of it). The query is validated against GitHub's GraphQL schema.
   */
  batch(files: Record<string, Buffer>, paths: string[]): this {
    if (!paths.length) return this;
    const served = new Map(paths.map((p) => [gitBlobSha(files[p]), files[p]]));
    this.scope.post("/graphql").reply(200, (_uri, body) => answerGraphql(body, (oid) => served.get(oid)));
    return this;
  }

  /** One REST read per file, as a client without batched reads, or the fallback from one, asks. */
  blobs(files: Record<string, Buffer>, paths: string[]): this {
    for (const path of paths) {
      const bytes = files[path];
      const sha = gitBlobSha(bytes);
      this.scope.get(`${this.base}/git/blobs/${sha}`).reply(200, {
        sha,
        size: bytes.length,
        encoding: "base64",
        content: bytes.toString("base64"),
        url: `${API}${this.base}/git/blobs/${sha}`,
        node_id: "B",
      });
    }
    return this;
  }

  /** The check runs already on a commit. */
  checkRuns(sha: string, runs: { id: number; status: string }[] = []): this {
    this.scope
      .get(`${this.base}/commits/${sha}/check-runs`)
      .query({ check_name: "MLOps readiness", filter: "latest", per_page: "20" })
      .reply(200, {
        total_count: runs.length,
        check_runs: runs.map((r) => ({ ...r, name: "MLOps readiness", external_id: "mlops-audit" })),
      });
    return this;
  }

  /** Requests that do not match GitHub's description; a test expects none. */
  problems(): string[] {
    return this.requests.flatMap((r) => openApiProblems(r));
  }

  /** Bodies sent to a path, parsed. */
  bodies(method: string, path: RegExp): Record<string, unknown>[] {
    return this.requests
      .filter((r) => r.method === method && path.test(r.url))
      .map((r) => JSON.parse(String(r.body)) as Record<string, unknown>);
  }
}
