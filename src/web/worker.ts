import { catalogue, tool } from "mlops-audit:build";
import { configInSnapshot, settingsFrom } from "../config/load.js";
import { audit } from "../engine/audit.js";
import { staticBadgeSnippet } from "../render/badge.js";
import { renderHtml } from "../render/html.js";
import { PAGE_STYLE } from "../render/page-style.js";
import { renderJson } from "../render/json.js";
import { renderSarif } from "../render/sarif.js";
import { linksAt } from "../render/status.js";
import {
  countingSnapshot,
  openRepository,
  RepositoryError,
  restClient,
  type RequestSite,
} from "../sources/github-repository.js";
import type { Allowance, AuditRequest, WorkerMessage } from "./protocol.js";

/**
 * The audit, off the page's thread: the same GitHub source as the CLI (trees through the API, file text
 * from the raw host), the same engine and rules (compiled in when the site is built), the same renderers.
 */

/** Raw reads cost no API allowance; a browser holds six connections a host, HTTP/2 many more. */
const READ_CONCURRENCY = 12;

const scope = self as unknown as {
  postMessage(message: WorkerMessage): void;
  onmessage: ((event: MessageEvent<AuditRequest>) => void) | null;
};

/** A fetch that remembers the rate-limit headers of GitHub's last answer. */
function allowanceWatch() {
  let last: Allowance | undefined;
  const watched: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const remaining = response.headers.get("x-ratelimit-remaining");
    if (remaining !== null)
      last = {
        remaining: Number(remaining),
        limit: Number(response.headers.get("x-ratelimit-limit") ?? 60),
        reset: Number(response.headers.get("x-ratelimit-reset") ?? 0),
      };
    return response;
  };
  return { fetch: watched, last: () => last };
}

/** A network failure said as a visitor can act on it. */
function plainly(message: string, site: RequestSite): string {
  if (!message.startsWith("cannot reach")) return message;
  return navigator.onLine
    ? `GitHub cannot be reached at ${site.apiUrl}: the connection failed (offline, or blocked by a firewall or an extension)`
    : "You are offline: connect to the internet and audit again";
}

async function run(request: AuditRequest): Promise<WorkerMessage> {
  const allowance = allowanceWatch();
  const site: RequestSite = {
    apiUrl: request.apiUrl,
    authenticated: !!request.token,
    token: { name: "the token", absent: "no token was given" },
  };
  try {
    const octokit = restClient({
      token: request.token,
      apiUrl: request.apiUrl,
      userAgent: `${tool.name}/${tool.version}`,
      fetch: allowance.fetch,
    });
    const name = { owner: request.owner, repo: request.repo, ...(request.ref ? { ref: request.ref } : {}) };
    const repo = await openRepository(octokit, name, site, { raw: { baseUrl: request.rawUrl } });
    if (repo.private)
      throw new RepositoryError(
        `${repo.fullName} is private: this page audits public repositories only, whose files anyone may read`,
      );
    scope.postMessage({ kind: "tree", files: repo.snapshot.entries.length });
    const snapshot = countingSnapshot(repo.snapshot, (done, of) =>
      scope.postMessage({ kind: "read", done, of }),
    );
    const config = await configInSnapshot(snapshot, catalogue);
    if (!config.ok) throw new RepositoryError(`invalid config: ${config.error}`);
    const card = await audit(snapshot, {
      catalogue,
      settings: settingsFrom(config.config),
      tool,
      target: { name: repo.fullName, commit: repo.sha, url: repo.htmlUrl },
      concurrency: READ_CONCURRENCY,
    });
    repo.checkReads();
    const html = renderHtml(card, {
      links: linksAt(repo.htmlUrl, repo.sha, config.config.paths.root),
      auditedAt: new Date(),
      repositoryUrl: repo.htmlUrl,
      commitUrl: `${repo.htmlUrl}/commit/${repo.sha}`,
      // The site's style.css carries the page's style; an inline block would be refused by its CSP.
    }).replace(`<style>${PAGE_STYLE}</style>`, "");
    return {
      kind: "done",
      html,
      badge: staticBadgeSnippet(request.pageUrl, request.owner, request.repo, card),
      json: renderJson(card),
      sarif: renderSarif(card),
      score: card.score,
      fullName: repo.fullName,
      allowance: allowance.last(),
    };
  } catch (e) {
    const message =
      e instanceof RepositoryError
        ? plainly(e.message, site)
        : `The audit stopped on an unexpected error: ${(e as Error).message ?? String(e)}`;
    return { kind: "failed", message, allowance: allowance.last() };
  }
}

scope.onmessage = (event) => {
  void run(event.data).then((answer) => scope.postMessage(answer));
};
