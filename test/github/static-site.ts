import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** Serves a built static site's files from memory, as GitHub Pages would: `/` is index.html. */
export async function serveStaticSite(dir: string, files: string[], latencyMs = 0) {
  const bodies = new Map(files.map((f) => [`/${f}`, readFileSync(join(dir, f))]));
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split(/[?#]/)[0].replace(/^\/$/, "/index.html");
    const body = bodies.get(path);
    setTimeout(() => {
      if (!body) res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      else
        res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    }, latencyMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
