// Cross-origin use by browser pages (CORS), for every route alike: GraphQL
// over HTTP and SSE, REST, and (checked at the upgrade, ws.ts) WebSocket.
// Pages on the origins of the allow-list (CONVEYOR_CORS_ORIGINS) may call the
// API with any header it reads (a bearer token, JSON, the CSRF header); any
// other origin gets no CORS header, so the browser keeps the answer from it.
// Without a list only the server's own origin is served. An allowed origin is
// trusted like the server's own by the CSRF check (csrf.ts): its pages could
// send the CSRF header anyway, and an EventSource cannot send headers at all.
// Cookies play no part in the API, so credentials are never allowed.
import type { IncomingMessage, ServerResponse } from "node:http";
import { CSRF_HEADER, sameOrigin } from "./csrf.js";
import { HttpError } from "./io.js";

/** Request headers a page may send: the token, JSON bodies, the CSRF header, a correlation id, SSE's resume and graphql-sse's stream token. */
export const CORS_ALLOWED_HEADERS = [
  "authorization",
  "content-type",
  "accept",
  CSRF_HEADER,
  "x-request-id",
  "last-event-id",
  "x-graphql-event-stream-token",
];
const ALLOWED_METHODS = "GET, HEAD, POST, PUT, DELETE";
/** Answer headers a page may read beside the CORS-safelisted ones. */
const EXPOSED_HEADERS = "x-request-id, location";
const PREFLIGHT_MAX_AGE_S = 600;

export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
  }

  /** The request comes from no browser page, from the server's own origin, or from an allowed one. */
  trusted(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return sameOrigin(req) || (origin !== undefined && this.origins.has(origin));
  }

  /**
   * Adds the CORS headers an allowed origin's answer needs; answers a preflight
   * (204 for an allowed origin, 403 without CORS headers for another one).
   * True when the request is answered.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
    res.setHeader("vary", "Origin");
    if (!this.trusted(req)) {
      if (preflight) throw new HttpError(403, `origin ${origin} is not allowed: list it in CONVEYOR_CORS_ORIGINS`, "CORS_ORIGIN_REFUSED");
      return false;
    }
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
    if (!preflight) return false;
    res.writeHead(204, {
      "access-control-allow-methods": ALLOWED_METHODS,
      "access-control-allow-headers": CORS_ALLOWED_HEADERS.join(", "),
      "access-control-max-age": String(PREFLIGHT_MAX_AGE_S),
      // Chromium asks before a public page may reach a loopback or private address (Private Network Access)
      ...(req.headers["access-control-request-private-network"] === "true" ? { "access-control-allow-private-network": "true" } : {}),
      "content-length": "0",
    });
    res.end();
    return true;
  }
}
