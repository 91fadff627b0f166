// PostgreSQL through a pg pool, shared by Prisma (adapter-pg) and the driver-level SQL.
import pg from "pg";
import type { Database } from "./database-handle.js";
import { lazyPrisma } from "./lazy-prisma.js";
import { applyMigrations, type SqlRunner } from "./migrations.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, describeUrl, firstConnection } from "./postgres-connect.js";

function pgRunner(client: pg.Pool | pg.PoolClient, transaction: SqlRunner["transaction"]): SqlRunner {
  return {
    exec: async (sql) => void (await client.query(sql)),
    query: async <T>(text: string, values?: unknown[], name?: string) =>
      (await client.query(name === undefined ? { text, values } : { name, text, values })).rows as T[],
    transaction,
  };
}

export async function openPostgres(
  url: string,
  poolSize: number,
  onIdleError: (err: Error) => void,
  connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<Database> {
  const { location } = describeUrl(url);
  // bounds every later connection too: a pool that reconnects to a silent server does not hang a commit forever
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: connectTimeoutMs });
  // an idle client whose connection dies (server restart, failover, terminated backend) emits
  // 'error' on the pool; unheard, that would kill the process. The pool replaces the client.
  pool.on("error", (err) => onIdleError(err));
  const sql: SqlRunner = pgRunner(pool, async (fn) => {
    const client = await pool.connect();
    // a connection that dies while checked out (a terminated backend) emits 'error' on the client,
    // which the pool hears only for idle ones: heard here, the transaction fails instead of the
    // process, and the broken client is destroyed rather than pooled again
    let broken: Error | undefined;
    const onError = (err: Error) => void (broken = err);
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      await fn(pgRunner(client, () => Promise.reject(new Error("nested transaction"))));
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  });
  try {
    await firstConnection(pool, url, connectTimeoutMs);
    await applyMigrations(sql);
  } catch (err) {
    void pool.end().catch(() => undefined);
    throw err;
  }
  const prisma = lazyPrisma(async () => {
    const [{ PrismaPg }, { PrismaClient }] = await Promise.all([import("@prisma/adapter-pg"), import("./generated/client.js")]);
    return new PrismaClient({ adapter: new PrismaPg(pool) });
  });
  return {
    kind: "postgres",
    prisma: prisma.get,
    sql,
    location,
    close: async () => {
      await prisma.disconnect();
      await pool.end();
    },
  };
}
