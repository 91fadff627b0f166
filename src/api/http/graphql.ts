// /graphql over HTTP: the body is read here (bounded) and handed to Yoga as a
// fetch Request, with the principal and correlation id in its context; the
// Response (JSON, GraphiQL, or an SSE stream) is piped back.
import type { IncomingMessage, ServerResponse } from "node:http";
import { once } from "node:events";
import type { Principal } from "../auth/principal.js";
import { requestContext, type ApiServices } from "../context.js";
import type { ApiYoga } from "../yoga.js";
import { readBody } from "./io.js";

export async function handleGraphql(
  yoga: ApiYoga,
  services: ApiServices,
  req: IncomingMessage,
  res: ServerResponse,
  o: { principal: Principal; requestId: string; bodyLimit: number },
): Promise<void> {
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req, o.bodyLimit);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const abort = new AbortController();
  res.on("close", () => abort.abort()); // an SSE client that leaves ends its subscription
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method,
    headers,
    signal: abort.signal,
    ...(body ? { body: new Uint8Array(body) } : {}),
  });
  const response = await yoga.handleRequest(request, requestContext(services, o.principal, o.requestId));
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => (out[k] = v));
  res.writeHead(response.status, out);
  if (!response.body) return void res.end();
  // Yoga's Response body is a ponyfill stream (not Node's): read it by hand, with backpressure
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => undefined));
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) await once(res, "drain").catch(() => undefined);
  }
  res.end();
}
