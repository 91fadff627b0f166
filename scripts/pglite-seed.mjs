// Builds the embedded store's seed: a PGlite data folder with every migration
// applied, dumped as a tar under dist/. A new store starts from it instead of
// running initdb (a second PostgreSQL instance, ~4 s and ~600 MB more at first
// start). Run by `npm run build`; dist/ is not committed, so the seed is made on
// every install. Without it (or when it does not match) the store runs initdb.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { seedFingerprint, SEED_FILE, SEED_META } = await import(join(root, "dist/src/storage/pglite-seed.js"));
const { applyMigrations, readMigrations } = await import(join(root, "dist/src/storage/migrations.js"));

const migrations = readMigrations(join(root, "prisma/migrations"));
const db = await PGlite.create();
try {
  await applyMigrations(
    {
      exec: async (sql) => void (await db.exec(sql)),
      query: async (sql, params) => (await db.query(sql, params)).rows,
      transaction: (fn) =>
        db.transaction((tx) =>
          fn({ exec: async (sql) => void (await tx.exec(sql)), query: async (sql, params) => (await tx.query(sql, params)).rows }),
        ),
    },
    migrations,
  );
  // a clean shutdown checkpoint: the store that loads it starts without recovery
  await db.exec("CHECKPOINT");
  // gzip: 4 MB instead of 40 (an empty WAL segment is most of it), and no slower to unpack
  const tar = Buffer.from(await (await db.dumpDataDir("gzip")).arrayBuffer());
  const out = join(root, "dist", SEED_FILE);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.tmp`, tar);
  renameSync(`${out}.tmp`, out);
  writeFileSync(join(root, "dist", SEED_META), JSON.stringify({ fingerprint: seedFingerprint(migrations) }) + "\n");
  console.log(`pglite seed: ${out} (${(tar.length / 2 ** 20).toFixed(1)} MiB, ${migrations.length} migrations)`);
} finally {
  await db.close();
}
