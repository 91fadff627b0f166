// The first connection to PostgreSQL, bounded in time and explained: a closed
// port, an unknown host, a missing database, refused credentials or a server that
// accepts the connection and never answers each end in one line naming
// DATABASE_URL and what to do, instead of a driver stack or a hang.
import type pg from "pg";
import { StoreUnavailableError } from "../core/errors.js";

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The URL as messages show it: no password. Throws, naming DATABASE_URL, when it is no URL at all. */
export function describeUrl(url: string): { location: string; database: string; user: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StoreUnavailableError("DATABASE_URL", `DATABASE_URL is not a URL: expected postgresql://user@host:5432/database`);
  }
  if (u.protocol !== "postgresql:" && u.protocol !== "postgres:") {
    throw new StoreUnavailableError("DATABASE_URL", `DATABASE_URL must start with postgresql://, not ${u.protocol}//`);
  }
  return {
    location: `${u.protocol}//${u.host}${u.pathname}`,
    database: decodeURIComponent(u.pathname.slice(1)),
    user: decodeURIComponent(u.username),
  };
}

function explain(err: unknown, url: string, timeoutMs: number): Error {
  const { location, database, user } = describeUrl(url);
  const e = err as { code?: string; message?: string };
  const fail = (what: string) => new StoreUnavailableError("DATABASE_URL", `cannot use PostgreSQL at ${location} (DATABASE_URL): ${what}`);
  switch (e.code) {
    case "ECONNREFUSED":
      return fail("connection refused; start the server, or fix the host and port in DATABASE_URL");
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return fail("host not found; fix the host in DATABASE_URL");
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return fail("host unreachable; check the network, or fix the host in DATABASE_URL");
    case "3D000":
      return fail(`database "${database}" does not exist; create it (createdb ${database}) or name another in DATABASE_URL`);
    case "28P01":
    case "28000":
      return fail(
        `the server refused user "${user || "(none)"}": ${e.message ?? "authentication failed"}; fix the user or password in DATABASE_URL`,
      );
    case "CONNECT_TIMEOUT":
      return fail(
        `no answer within ${timeoutMs / 1000} s; check that DATABASE_URL points at a PostgreSQL server, ` +
          `or allow longer with CONVEYOR_DB_CONNECT_TIMEOUT (seconds)`,
      );
    default:
      return fail(e.message ?? String(err));
  }
}

/**
 * Checks that a connection can be made within `timeoutMs` and gives it back to the pool. The
 * timer is ours (pg's is unref'd and would let a process with nothing else to do exit mid-wait).
 */
export async function firstConnection(pool: pg.Pool, url: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("connect timeout"), { code: "CONNECT_TIMEOUT" })), timeoutMs);
  });
  const connecting = pool.connect();
  try {
    const client = await Promise.race([connecting, timeout]);
    client.release();
  } catch (err) {
    // a connection that arrives after the timeout is not leaked
    connecting.then(
      (c) => c.release(),
      () => undefined,
    );
    throw explain(err, url, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}
