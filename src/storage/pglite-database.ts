// The embedded store: PGlite in a data folder that this process holds locked,
// running on a thread of its own (pglite-thread/) so that its CPU does not
// stall the engine's event loop.
import type { Database } from "./database-handle.js";
import { lockDirectory } from "./dir-lock.js";
import { lazyPrisma } from "./lazy-prisma.js";
import { dataDirProblem } from "./data-dir-problem.js";
import { takeEarly } from "./early-open.js";
import { applyMigrations, readMigrations, type SqlRunner } from "./migrations.js";
import { seeded, seedFor } from "./pglite-seed.js";
import { asPglite, PgliteThread, type PgliteTransaction } from "./pglite-thread/pglite-thread.js";

function pgliteRunner(db: Pick<PgliteTransaction, "exec" | "query">, transaction: SqlRunner["transaction"]): SqlRunner {
  return {
    exec: (sql) => db.exec(sql),
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    transaction,
  };
}

export async function openPglite(dataDir: string): Promise<Database> {
  const early = await takeEarly(dataDir);
  const lock = early?.lock ?? lockDirectory(dataDir);
  let lite: PgliteThread | undefined = early?.thread;
  try {
    const migrations = readMigrations();
    if (!lite) {
      const seed = seedFor(dataDir, migrations);
      lite = await PgliteThread.open(dataDir, seed);
      if (seed) seeded(dataDir);
    }
    const thread = lite;
    const sql: SqlRunner = pgliteRunner(thread, (fn) =>
      thread.transaction(async (tx) => fn(pgliteRunner(tx, () => Promise.reject(new Error("nested transaction"))))),
    );
    await applyMigrations(sql, migrations);
    // holding the folder lock proves every other process that used it is gone: their leases are void
    await sql.exec("UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner IS NOT NULL");
    const prisma = lazyPrisma(async () => {
      const [{ PrismaPGlite }, { PrismaClient }] = await Promise.all([import("pglite-prisma-adapter"), import("./generated/client.js")]);
      return new PrismaClient({ adapter: new PrismaPGlite(asPglite(thread)) });
    });
    return {
      kind: "pglite",
      prisma: prisma.get,
      sql,
      location: dataDir,
      close: async () => {
        await prisma.disconnect();
        await thread.close();
        lock.release();
      },
    };
  } catch (err) {
    await lite?.close().catch(() => undefined);
    lock.release();
    throw dataDirProblem(dataDir, err) ?? err;
  }
}
