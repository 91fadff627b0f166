// Applies prisma/migrations/*/migration.sql at start, recording each in
// `_prisma_migrations` exactly as `prisma migrate deploy` does, so production
// can switch to the Prisma CLI and see the same history.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The raw SQL access migrations need: multi-statement scripts and simple queries. */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  /**
   * `name`: a statement run often under one name is parsed and planned once per connection
   * (PostgreSQL); the same name must always carry the same text. PGlite ignores it.
   */
  query<T>(sql: string, params?: unknown[], name?: string): Promise<T[]>;
  transaction(fn: (tx: SqlRunner) => Promise<void>): Promise<void>;
}

const MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Serialises concurrent starts of several replicas on one PostgreSQL.
const ADVISORY_LOCK_KEY = 727_274_001;

/** prisma/migrations of this package, whether running from src/ (tsx) or dist/src/ (compiled). */
export function findMigrationsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "prisma", "migrations");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`prisma/migrations not found above ${from}`);
  }
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = findMigrationsDir()): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

type AppliedRow = { migration_name: string; checksum: string; finished: boolean };
const APPLIED = `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`;

/**
 * Whether every migration is recorded, finished and unchanged: one query, no lock, no DDL, which
 * is all a start pays once the schema is current. Anything else (a missing table included) is
 * left to the locked path, which also reports it.
 */
async function upToDate(db: SqlRunner, migrations: Migration[]): Promise<boolean> {
  let rows: AppliedRow[];
  try {
    rows = await db.query<AppliedRow>(APPLIED);
  } catch {
    return false;
  }
  const done = new Map(rows.map((r) => [r.migration_name, r]));
  return rows.every((r) => r.finished) && migrations.every((m) => done.get(m.name)?.checksum === m.checksum);
}

/** Applies pending migrations; returns the names applied now. Idempotent. */
export async function applyMigrations(db: SqlRunner, migrations = readMigrations()): Promise<string[]> {
  if (await upToDate(db, migrations)) return [];
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [ADVISORY_LOCK_KEY]);
    await tx.exec(MIGRATIONS_TABLE);
    const rows = await tx.query<AppliedRow>(APPLIED);
    // as `prisma migrate deploy` (P3009): a migration that failed part-way leaves the schema unknown
    const failed = rows.find((r) => !r.finished);
    if (failed) {
      throw new Error(
        `migration ${failed.migration_name} failed earlier and was not finished: repair the database, then mark it with ` +
          `\`prisma migrate resolve --applied ${failed.migration_name}\` (or --rolled-back) before starting again`,
      );
    }
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    for (const m of migrations) {
      const recorded = done.get(m.name);
      if (recorded !== undefined) {
        if (recorded !== m.checksum) {
          throw new Error(`migration ${m.name} was modified after it was applied (checksum differs)`);
        }
        continue;
      }
      await tx.exec(m.sql);
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
         VALUES ($1, $2, now(), $3, 1)`,
        [randomUUID(), m.checksum, m.name],
      );
      applied.push(m.name);
    }
  });
  return applied;
}
