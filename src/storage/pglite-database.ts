// The embedded store: PGlite in a data folder that this process holds locked.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Database } from "./database.js";
import { lockDirectory } from "./dir-lock.js";
import { PrismaClient } from "./generated/client.js";
import { applyMigrations, type SqlRunner } from "./migrations.js";

function pgliteRunner(db: Pick<PGlite, "exec" | "query">, transaction: SqlRunner["transaction"]): SqlRunner {
  return {
    exec: async (sql) => void (await db.exec(sql)),
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    transaction,
  };
}

export async function openPglite(dataDir: string): Promise<Database> {
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

