// Small HTTP helpers: bounded body reading, JSON responses, typed HTTP errors.
import type { IncomingMessage, ServerResponse } from "node:http";
import { brief, nulPath, NUL_MESSAGE } from "../../core/text-guard.js";
import { HttpError } from "./http-error.js";
import { refuseDeepJson } from "./json-nesting.js";

export { HttpError };

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

export interface BodyLimits {
  bodyLimit: number;
  /** Arrays and objects open at once (json-nesting.ts). */
  maxJsonNesting: number;
}

/** A JSON body, bounded in size and nesting; no string in it may hold a NUL (PostgreSQL text cannot). */
export async function readJson(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const body = await readBody(req, limits.bodyLimit);
  if (body.length === 0) return {};
  refuseDeepJson(body, limits.maxJsonNesting);
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch (err) {
    // V8's message quotes the text around the fault: cut, so a huge body is not echoed back
    throw new HttpError(400, `malformed JSON: ${brief((err as Error).message, 200)}`, "MALFORMED_JSON");
  }
  const at = nulPath(value, "");
  if (at !== undefined)
    throw new HttpError(400, `${brief(at || "the body", 120)} ${NUL_MESSAGE}`, "NUL_CHARACTER", { field: brief(at, 120) });
  return value;
}

/** A JSON object body (none at all reads as {}); anything else is refused with 400. */
export async function readObject(req: IncomingMessage, limits: BodyLimits): Promise<Record<string, unknown>> {
  const body = await readJson(req, limits);
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

/** Error texts cut short: an error names its input once, and briefly. */
const MAX_MESSAGE = 300;
const MAX_DETAIL = 120;
const MAX_ITEMS = 20;

function briefDetail(v: unknown): unknown {
  if (typeof v === "string") return brief(v, MAX_DETAIL);
  if (Array.isArray(v)) return v.slice(0, MAX_ITEMS).map((x) => (typeof x === "string" ? brief(x, MAX_DETAIL) : x));
  return v;
}

export function sendError(res: ServerResponse, err: HttpError, requestId: string): void {
  const details = Object.fromEntries(Object.entries(err.details).map(([k, v]) => [k, briefDetail(v)]));
  sendJson(
    res,
    err.status,
    { error: { code: err.code, message: brief(err.message, MAX_MESSAGE), request_id: requestId, ...details } },
    err.headers,
  );
}
