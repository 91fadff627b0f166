// The migrations the app applies at start (src/storage/migrations.ts), on both
// stores: each folder of prisma/migrations recorded once in _prisma_migrations the
// way `prisma migrate deploy` records it (checksum = sha256 hex of the file,
// applied_steps_count 1, finished); applying again changes nothing; a migration
// edited after it was applied is refused by name, and nothing else is applied; so
// is one recorded as failed part-way, until it is resolved.
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { applyMigrations, readMigrations, type SqlRunner } from "../../src/storage/migrations.js";
import { makeStore, postgresReachable, postgresStore, storeKinds, tempDir, type TestStore } from "../support/databases.js";

const kinds = await storeKinds();
const DIR = "prisma/migrations";
const folders = readdirSync(DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

interface Row {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  started_at: Date;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}
const rows = (db: Database) => db.sql.query<Row>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name, id`);
const tableExists = async (db: Database, name: string) =>
  (await db.sql.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [name]))[0]!.t !== null;

const copies: string[] = [];
/** A copy of the migrations folder, to edit or extend. */
function copyOfMigrations(): string {
  const dir = join(tempDir("conveyor-migrations-"), "migrations");
  cpSync(DIR, dir, { recursive: true });
  copies.push(dirname(dir));
  return dir;
}
afterAll(() => copies.forEach((d) => rmSync(d, { recursive: true, force: true })));
function addMigration(dir: string, name: string, sql: string): void {
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, "migration.sql"), sql);
}

describe.each(kinds)("migrations on %s", (kind) => {
  let store: TestStore;
  let db: Database;
  const open = () => openDatabase({ url: store.config.databaseUrl, dataDir: store.config.dataDir });
  beforeAll(async () => {
    store = await makeStore(kind);
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
    await store?.dispose();
  });

  it("records every migration folder once, as prisma migrate deploy does", async () => {
    expect(folders.length).toBeGreaterThan(0);
    const recorded = await rows(db);
    expect(recorded.map((r) => r.migration_name)).toEqual(folders);
    for (const r of recorded) {
      const file = readFileSync(join(DIR, r.migration_name, "migration.sql"));
      expect(r.checksum, r.migration_name).toBe(createHash("sha256").update(file).digest("hex"));
      expect(r.applied_steps_count).toBe(1);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.finished_at!.getTime()).toBeGreaterThanOrEqual(r.started_at.getTime());
      expect([r.rolled_back_at, r.logs]).toEqual([null, null]);
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it("applying again, now or at the next start, changes nothing", async () => {
    const before = await rows(db);
    expect(await applyMigrations(db.sql)).toEqual([]);
    await db.close();
    db = await open();
    expect(await rows(db)).toEqual(before);
  });

  it("costs a start one query, without a transaction, once every migration is applied", async () => {
    const seen: string[] = [];
    const counting: SqlRunner = {
      exec: (sql) => (seen.push(sql), db.sql.exec(sql)),
      query: (sql, params, name) => (seen.push(sql), db.sql.query(sql, params, name)),
      transaction: (fn) => (seen.push("BEGIN"), db.sql.transaction(fn)),
    };
    expect(await applyMigrations(counting)).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^SELECT migration_name, checksum/);
  });

  it("refuses a migration edited after it was applied, naming it, and applies nothing", async () => {
    const before = await rows(db);
    const dir = copyOfMigrations();
    const edited = folders[folders.length - 1]!;
    appendFileSync(join(dir, edited, "migration.sql"), "\n-- an edit after the fact\n");
    addMigration(dir, "29990101000000_later", "CREATE TABLE later_probe (id int);");
    await expect(applyMigrations(db.sql, readMigrations(dir))).rejects.toThrow(
      `migration ${edited} was modified after it was applied (checksum differs)`,
    );
    expect(await tableExists(db, "later_probe")).toBe(false);
    expect(await rows(db)).toEqual(before);
  });

  it("applies only a migration not yet recorded, and records it the same way", async () => {
    const dir = copyOfMigrations();
    const sql = "CREATE TABLE later_probe (id int);\n";
    addMigration(dir, "29990101000000_later", sql);
    expect(await applyMigrations(db.sql, readMigrations(dir))).toEqual(["29990101000000_later"]);
    expect(await tableExists(db, "later_probe")).toBe(true);
    const later = (await rows(db)).filter((r) => r.migration_name === "29990101000000_later");
    expect(later).toHaveLength(1);
    expect(later[0]!.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
    expect(later[0]!.applied_steps_count).toBe(1);
  });

  it("refuses to start over a migration that failed part-way, as prisma migrate deploy does, until it is resolved", async () => {
    const dir = copyOfMigrations();
    addMigration(dir, "29990101000000_later", "CREATE TABLE later_probe (id int);\n");
    addMigration(dir, "29990102000000_half", "CREATE TABLE half_probe (id int);\n");
    // what Prisma leaves when a migration fails: a row without finished_at
    await db.sql.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, applied_steps_count) VALUES ($1, 'x', '29990102000000_half', 0)`,
      ["00000000-0000-4000-8000-000000000001"],
    );
    const before = await rows(db);
    await expect(applyMigrations(db.sql, readMigrations(dir))).rejects.toThrow(
      /migration 29990102000000_half failed earlier and was not finished: .*prisma migrate resolve/,
    );
    expect(await tableExists(db, "half_probe")).toBe(false);
    expect(await rows(db)).toEqual(before);
    // resolved as rolled back: it is applied again
    await db.sql.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '29990102000000_half'`);
    expect(await applyMigrations(db.sql, readMigrations(dir))).toEqual(["29990102000000_half"]);
    expect(await tableExists(db, "half_probe")).toBe(true);
  });
});

describe.skipIf(!(await postgresReachable()))("migrations on one PostgreSQL from replicas starting together", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await postgresStore();
  });
  afterAll(async () => store?.dispose());

  it("apply once between them, without error", async () => {
    const dbs = await Promise.all([1, 2, 3].map(() => openDatabase({ url: store.config.databaseUrl })));
    try {
      expect((await rows(dbs[0]!)).map((r) => r.migration_name)).toEqual(folders);
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
    }
  });
});
