// /graphql over HTTP: the body is read here (bounded); with the fast paths on, a
// plain JSON query is answered directly (fast/direct-query.ts), anything else is handed to Yoga as a
// fetch Request, with the principal and correlation id in its context, and the
// Response (JSON, GraphiQL, or an SSE stream) is sent back.
//
// The Request and Headers are Yoga's own (its fetch ponyfill): Node's native
// ones (undici) build web streams, abort signals and brand checks per request
// and cost more than executing a small query.
import type { IncomingMessage, ServerResponse } from "node:http";
import { once } from "node:events";
import type { Principal } from "../auth/principal.js";
import { requestContext, type ApiServices } from "../context.js";
import type { ApiYoga } from "../yoga.js";
import { directParams, executeDirect } from "../fast/direct-query.js";
import { brief } from "../../core/text-guard.js";
import { HttpError, headerRecord, readBody, type BodyLimits } from "./io.js";
import { refuseDeepJson } from "./json-nesting.js";

const traceHeaders = (req: IncomingMessage) => ({
  ...(typeof req.headers.traceparent === "string" ? { traceparent: req.headers.traceparent } : {}),
  ...(typeof req.headers.tracestate === "string" ? { tracestate: req.headers.tracestate } : {}),
});

/** Answers that are one document, sent in one write; anything else (SSE, multipart) is streamed as it comes. */
const WHOLE = /^(application\/(graphql-response\+)?json|text\/html)/;

export async function handleGraphql(
  yoga: ApiYoga,
  services: ApiServices,
  req: IncomingMessage,
  res: ServerResponse,
  o: { principal: Principal; requestId: string; streaming: Set<ServerResponse>; sseStream?: boolean; fastPaths: boolean } & BodyLimits,
): Promise<void> {
  const { Request, Headers } = yoga.fetchAPI;
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req, o.bodyLimit);
  // variables are coerced recursively: a body (or a GET's variables) nested thousands deep is refused first
  if (body) refuseDeepJson(body, o.maxJsonNesting);
  else checkGetParams(req.url ?? "/", o.maxJsonNesting);
  const context = requestContext(services, o.principal, o.requestId, services.tracing && traceHeaders(req));
  // /graphql/stream speaks graphql-sse's protocol (plugin-graphql-sse): its POSTs are not plain queries
  const direct = o.fastPaths && body && !o.sseStream && directParams(method, req.headers, body);
  const answer = direct && (await executeDirect(yoga, direct, context));
  if (answer)
    return void res
      .writeHead(answer.status, { ...answer.headers, "content-length": String(Buffer.byteLength(answer.body)) })
      .end(answer.body);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const abort = new AbortController();
  // a client that leaves before the answer is complete (an SSE subscriber) ends its operation
  res.on("close", () => res.writableFinished || abort.abort());
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method,
    headers,
    signal: abort.signal,
    ...(body ? { body: new Uint8Array(body) } : {}),
  });
  const response = await yoga.handleRequest(request, context);
  const out = headerRecord(response.headers);
  if (!response.body) return void res.writeHead(response.status, out).end();
  if (WHOLE.test(out["content-type"] ?? "")) {
    const bytes = Buffer.from(await response.arrayBuffer());
    return void res.writeHead(response.status, { ...out, "content-length": String(bytes.length) }).end(bytes);
  }
  res.writeHead(response.status, out);
  o.streaming.add(res);
  res.once("close", () => o.streaming.delete(res));
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

/** A GET's JSON parameters: Yoga answers malformed ones with a 500, so they are checked here (400). */
function checkGetParams(url: string, maxJsonNesting: number): void {
  if (!url.includes("variables=") && !url.includes("extensions=")) return;
  const params = new URL(url, "http://x").searchParams;
  for (const name of ["variables", "extensions"]) {
    const text = params.get(name);
    if (text === null || text === "") continue;
    refuseDeepJson(Buffer.from(text), maxJsonNesting);
    try {
      JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, `${name}: malformed JSON: ${brief((err as Error).message, 200)}`, "MALFORMED_JSON");
    }
  }
}
