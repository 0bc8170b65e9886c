import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, resolve } from "node:path";

/** The built static site's files (`npm run build:web`), and how each is served. */
const FILES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
  "page.js": "text/javascript; charset=utf-8",
  "worker.js": "text/javascript; charset=utf-8",
};

/** The site's own CSP, written into its index.html when it was built; framing is refused on top. */
function cspOf(indexHtml: string): string {
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(indexHtml);
  return `${meta?.[1] ?? "default-src 'none'"}; frame-ancestors 'none'`;
}

/**
 * `GET /audit/`: the browser audit, served by the app beside its public pages when it has a public
 * address (PUBLIC_URL) and the site was built (into MLOPS_AUDIT_WEB_DIR, dist/web by default). The
 * files are read once at start; undefined when there is nothing to serve.
 */
export function webSiteRoutes(dir = process.env.MLOPS_AUDIT_WEB_DIR ?? "dist/web") {
  if (!process.env.PUBLIC_URL || !existsSync(join(dir, "index.html"))) return undefined;
  const bodies = new Map(Object.keys(FILES).map((name) => [name, readFileSync(resolve(dir, name))]));
  const csp = cspOf(bodies.get("index.html")!.toString("utf8"));
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "").split(/[?#]/)[0];
    if (path === "/audit") {
      // The site's files are named relative to its folder, so the folder's address ends in a slash.
      const query = (req.url ?? "").slice(path.length);
      res.writeHead(301, { location: `/audit/${query}` }).end();
      return true;
    }
    const match = /^\/audit\/([a-z.]*)$/.exec(path);
    if (!match) return false;
    const name = match[1] || "index.html";
    const body = bodies.get(name);
    if (!body) return false;
    res.writeHead(200, {
      "content-type": FILES[name],
      "content-security-policy": csp,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "public, max-age=300",
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
