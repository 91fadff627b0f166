// Small HTTP helpers: bounded body reading, JSON responses, typed HTTP errors.
import type { IncomingMessage, ServerResponse } from "node:http";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = "BAD_REQUEST",
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Reads the whole body, refusing more than `limit` bytes (413) without buffering them. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError(413, `request body over ${limit} bytes`, "PAYLOAD_TOO_LARGE");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`, "PAYLOAD_TOO_LARGE");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new HttpError(400, `malformed JSON: ${(err as Error).message}`, "MALFORMED_JSON");
  }
}

/** A JSON object body (none at all reads as {}); anything else is refused with 400. */
export async function readObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const body = await readJson(req, limit);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new HttpError(400, "the body must be a JSON object");
  return body as Record<string, unknown>;
}

/** A fetch Response's headers as a record, names in lower case (Yoga's Headers keep the case they were given: "Content-Type"). */
export function headerRecord(headers: { forEach(callback: (value: string, name: string) => void): void }): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name.toLowerCase()] = value));
  return out;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: HttpError, requestId: string): void {
  sendJson(res, err.status, { error: { code: err.code, message: err.message, requestId, ...err.details } });
}
