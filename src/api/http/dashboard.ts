// The dashboard's static files: the page at `/` and at its deep links
// (`/runs`, `/runs/<id>`, `/runs/<id>/tasks/<taskId>`), its assets under
// `/assets/`. All come from the package (dist/web/, built by scripts/build-web.mjs),
// never from a CDN. The page holds no data: it reads everything through /graphql
// with the user's token, so serving it needs no token.
import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { HttpError } from "./http-error.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};

/** dist/web: beside the compiled code (dist/src/api/http), or under dist/ when run from source (tsx). */
function webRoot(): string {
  const compiled = import.meta.url.endsWith(".js");
  return fileURLToPath(new URL(compiled ? "../../../web/" : "../../../dist/web/", import.meta.url));
}

export function isDashboardPath(path: string): boolean {
  return path === "/" || path === "/runs" || path.startsWith("/runs/") || path.startsWith("/assets/");
}

const root = webRoot();
const cache = new Map<string, Buffer>();

async function file(name: string): Promise<Buffer> {
  let body = cache.get(name);
  if (!body) {
    try {
      body = await readFile(root + name);
    } catch {
      if (name === "index.html") throw new HttpError(503, "the dashboard is not built: run npm run build", "DASHBOARD_NOT_BUILT");
      throw new HttpError(404, `no asset ${name}`, "NOT_FOUND");
    }
    // the files change only with a new build, which restarts the server
    cache.set(name, body);
  }
  return body;
}

export async function serveDashboard(method: string | undefined, path: string, res: ServerResponse): Promise<void> {
  if (method !== "GET" && method !== "HEAD")
    throw new HttpError(405, `${method} is not allowed here: the dashboard is read with GET`, "METHOD_NOT_ALLOWED");
  let name = "index.html";
  if (path.startsWith("/assets/")) {
    const asset = path.slice("/assets/".length);
    // one flat folder: a name with a slash or two dots cannot leave it
    if (!/^[\w-]+(\.[\w-]+)*$/.test(asset)) throw new HttpError(404, `no asset ${asset}`, "NOT_FOUND");
    name = `assets/${asset}`;
  }
  const body = await file(name);
  const ext = name.slice(name.lastIndexOf("."));
  res.writeHead(200, {
    "content-type": TYPES[ext] ?? "application/octet-stream",
    "content-length": body.length,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    ...(name === "index.html"
      ? {
          "content-security-policy":
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
        }
      : {}),
  });
  res.end(method === "HEAD" ? undefined : body);
}
