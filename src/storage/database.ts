// Opens the store: PostgreSQL through @prisma/adapter-pg when a URL is given,
// otherwise the embedded PGlite in a locked data folder. Both get the same
// Prisma client and the same migrations.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { lockDirectory } from "./dir-lock.js";
import { PrismaClient } from "./generated/client.js";
import { applyMigrations, type SqlRunner } from "./migrations.js";

export type DatabaseKind = "postgres" | "pglite";

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  sql: SqlRunner;
  /** Where it lives, for messages: the data folder or the URL without credentials. */
  location: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded store is used. */
  url?: string;
  /** Folder of the embedded store (default ./.conveyor). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** Told when an idle PostgreSQL connection fails (the pool reconnects by itself). */
  onIdleError?: (err: Error) => void;
}

function pgliteRunner(db: Pick<PGlite, "exec" | "query">, transaction: SqlRunner["transaction"]): SqlRunner {
  return {
    exec: async (sql) => void (await db.exec(sql)),
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    transaction,
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const lock = lockDirectory(dataDir);
  try {
    const lite = await PGlite.create(dataDir);
    const sql: SqlRunner = pgliteRunner(lite, (fn) =>
      lite.transaction(async (tx) => fn(pgliteRunner(tx, () => Promise.reject(new Error("nested transaction"))))),
    );
    await applyMigrations(sql);
    // holding the folder lock proves every other process that used it is gone: their leases are void
    await sql.exec("UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner IS NOT NULL");
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) });
    return {
      kind: "pglite",
      prisma,
      sql,
      location: dataDir,
      close: async () => {
        await prisma.$disconnect();
        await lite.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

function pgRunner(client: pg.Pool | pg.PoolClient, transaction: SqlRunner["transaction"]): SqlRunner {
  return {
    exec: async (sql) => void (await client.query(sql)),
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    transaction,
  };
}

async function openPostgres(url: string, poolSize: number, onIdleError: (err: Error) => void): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // an idle client whose connection dies (server restart, failover, terminated backend) emits
  // 'error' on the pool; unheard, that would kill the process. The pool replaces the client.
  pool.on("error", (err) => onIdleError(err));
  const sql: SqlRunner = pgRunner(pool, async (fn) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await fn(pgRunner(client, () => Promise.reject(new Error("nested transaction"))));
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  });
  try {
    await applyMigrations(sql);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const u = new URL(url);
  return {
    kind: "postgres",
    prisma,
    sql,
    location: `${u.protocol}//${u.host}${u.pathname}`,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 8, options.onIdleError ?? (() => undefined));
  return openPglite(options.dataDir ?? ".conveyor");
}
