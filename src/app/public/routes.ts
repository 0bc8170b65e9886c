import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";
import { renderBadgeJson, renderBadgeSvg } from "../../render/badge.js";
import { linksAt } from "../../render/status.js";
import { renderHtml } from "../../render/html.js";
import { PAGE_STYLE } from "../../render/page-style.js";
import { describeError } from "../../sources/github.js";
import { type AppState } from "../auditor.js";
import { publicScorecard } from "./scorecards.js";
import { TooManyAudits } from "./uninstalled.js";

const ROUTE = /^\/(scorecards|badges)\/([A-Za-z0-9_.-]{1,100})\/([A-Za-z0-9_.-]{1,100}?)(\.svg|\.json)?$/;

/** The page's Content-Security-Policy: its one inline style block is allowed by hash, nothing else loads. */
const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash("sha256").update(PAGE_STYLE).digest("base64")}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const COMMON = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** One answer for private, unknown, not installed and never audited, so none can be told apart. */
function notFound(res: ServerResponse) {
  res
    .writeHead(404, {
      ...COMMON,
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "public, max-age=60",
      "content-security-policy": "default-src 'none'",
    })
    .end("Not found\n");
}

/**
 * `GET /scorecards/:owner/:repo` (HTML), `/badges/:owner/:repo.svg` and `.json` (shields.io endpoint),
 * for public repositories where the app is installed (and, with MLOPS_AUDIT_PUBLIC_AUDITS=true, any public one).
 */
export function publicRoutes(app: Probot, state: AppState) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const match = ROUTE.exec((req.url ?? "").split("?")[0]);
    if (!match) return false;
    const [, kind, owner, repo, ext] = match;
    if ((kind === "badges") !== Boolean(ext)) {
      notFound(res);
      return true;
    }
    let found;
    try {
      found = await publicScorecard(app, state, owner, repo, req.socket.remoteAddress ?? "unknown");
    } catch (e) {
      if (e instanceof TooManyAudits) {
        res.writeHead(429, {
          ...COMMON,
          "content-type": "text/plain; charset=utf-8",
          "retry-after": String(e.retryAfter),
        });
        res.end(`Too many audits from this address; try again in ${Math.ceil(e.retryAfter / 60)} minutes.\n`);
        return true;
      }
      app.log.warn({ owner, repo, reason: describeError(e) }, "public scorecard unavailable");
      res.writeHead(503, { ...COMMON, "content-type": "text/plain; charset=utf-8", "retry-after": "60" });
      res.end("The scorecard cannot be read from GitHub right now; try again in a minute.\n");
      return true;
    }
    if (!found) {
      notFound(res);
      return true;
    }
    const cache = { "cache-control": "public, max-age=300" };
    if (ext === ".svg") {
      res.writeHead(200, {
        ...COMMON,
        ...cache,
        "content-type": "image/svg+xml; charset=utf-8",
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      });
      res.end(renderBadgeSvg(found.card));
    } else if (ext === ".json") {
      res.writeHead(200, { ...COMMON, ...cache, "content-type": "application/json; charset=utf-8" });
      res.end(renderBadgeJson(found.card));
    } else {
      res.writeHead(200, {
        ...COMMON,
        ...cache,
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": PAGE_CSP,
      });
      const commit = found.card.target.commit!;
      res.end(
        renderHtml(found.card, {
          links: linksAt(found.htmlUrl, commit),
          auditedAt: found.auditedAt,
          committedAt: found.committedAt,
          commitUrl: `${found.htmlUrl}/commit/${commit}`,
        }),
      );
    }
    return true;
  };
}
