// Which database failures are an outage (worth retrying once the database is
// back) rather than a refusal: lost or refused connections, a server shutting
// down or starting up, and a store out of disk or memory. Everything else (a
// constraint, a syntax error, a lost lease) is the answer and stays an error.
import { StoreUnreachableError } from "../engine/store.js";

/** SQLSTATE classes and codes: 08 connection exception, 53 insufficient resources (53100 disk full), 57P01-03 shutdown / cannot connect now. */
const OUTAGE_STATES = /^(08|53|57P0[123])/;
const OUTAGE_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENOSPC",
  "EDQUOT",
  "EIO",
]);
/** What pg says when a connection ends under a query, or cannot be had in time. */
const OUTAGE_MESSAGES =
  /Connection terminated|connection error|timeout exceeded when trying to connect|server closed the connection|No space left on device|could not (extend|write to) file/i;

export function isOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (OUTAGE_STATES.test(code) || OUTAGE_ERRNOS.has(code))) return true;
  if (err instanceof AggregateError && err.errors.some(isOutage)) return true;
  return OUTAGE_MESSAGES.test(err.message);
}

/** Rethrows an outage as StoreUnreachableError, anything else as it is. */
export function asUnreachable(err: unknown): never {
  if (isOutage(err))
    throw new StoreUnreachableError(err instanceof Error ? err.message || String((err as { code?: unknown }).code) : String(err));
  throw err;
}
