// CSRF prevention for browser requests. A bearer token cannot be sent by a
// cross-site form, but an open (token-less, loopback) server can be reached by
// any page the user visits: there, requests a browser may send without a
// preflight (GET, or POST with a form or text content type) must come from the
// same origin (or an allowed one, cors.ts) or carry a custom header, which
// only scripts with CORS can add.
import type { IncomingMessage } from "node:http";

const SIMPLE_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];
export const CSRF_HEADER = "x-conveyor-csrf";

export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser, or a same-origin navigation
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function csrfSuspect(req: IncomingMessage, trustedOrigin: (req: IncomingMessage) => boolean = sameOrigin): boolean {
  if (trustedOrigin(req) || req.headers[CSRF_HEADER] !== undefined) return false;
  if (req.method === "GET" || req.method === "HEAD") return true;
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "" || SIMPLE_TYPES.includes(type);
}
