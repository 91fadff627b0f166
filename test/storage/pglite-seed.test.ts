// A new embedded store starts from the seed `npm run build` makes (dist/pglite-seed.tar.gz):
// every migration already recorded, no initdb; a seed unpacked part-way (the process died,
// the disk filled) is unpacked again; a seed made from other migrations is not used.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/database.js";
import { readMigrations } from "../../src/storage/migrations.js";
import { seedFor } from "../../src/storage/pglite-seed.js";
import { tempDir } from "../support/databases.js";

const root = tempDir("conveyor-seed-");
afterAll(() => rmSync(root, { recursive: true, force: true }));
const migrations = readMigrations();
const built = existsSync("dist/pglite-seed.tar.gz") && existsSync("dist/pglite-seed.json");
if (!built) console.warn("\n!!! dist/pglite-seed.tar.gz is missing (run npm run build): the seed suite is SKIPPED\n");

// opening a store takes seconds, and many more on a loaded machine
describe.skipIf(!built)("the embedded store's seed", { timeout: 180_000 }, () => {
  it("is what a new store starts from, with every migration recorded, and is not used again once it opened", async () => {
    const dir = join(root, "new");
    const db = await openDatabase({ dataDir: dir });
    try {
      const names = await db.sql.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" ORDER BY 1`);
      expect(names.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
      expect(readdirSync(dir)).not.toContain("conveyor-seeding");
      expect(await db.sql.query(`SELECT count(*)::int AS n FROM runs`)).toEqual([{ n: 0 }]);
    } finally {
      await db.close();
    }
    expect(seedFor(dir, migrations)).toBeUndefined();
  });

  it("is unpacked again over a store it was cut short in", async () => {
    const dir = join(root, "cut-short");
    mkdirSync(join(dir, "base"), { recursive: true });
    writeFileSync(join(dir, "PG_VERSION"), "17\n");
    writeFileSync(join(dir, "base", "half-written"), "x");
    writeFileSync(join(dir, "conveyor-seeding"), "");
    const db = await openDatabase({ dataDir: dir });
    try {
      expect(existsSync(join(dir, "base", "half-written"))).toBe(false);
      expect(readdirSync(dir)).not.toContain("conveyor-seeding");
      expect(await db.sql.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`)).toEqual([{ n: migrations.length }]);
    } finally {
      await db.close();
    }
  });

  it("is not used when it was made from other migrations", () => {
    const dir = join(root, "other");
    mkdirSync(dir);
    const other = [...migrations, { name: "29990101000000_later", sql: "SELECT 1", checksum: "0".repeat(64) }];
    expect(seedFor(dir, other)).toBeUndefined();
    expect(seedFor(dir, migrations)).toMatch(/pglite-seed\.tar\.gz$/);
  });
});
