// The embedded store's seed: a data folder with every migration applied, made
// once by `npm run build` (scripts/pglite-seed.mjs) and shipped as a tar under
// dist/. A new store is unpacked from it instead of running initdb, which starts
// a second PostgreSQL instance (seconds and ~600 MB more at first start). The
// seed is used only when it was made from this PGlite and these migrations;
// otherwise the store falls back to initdb and the migrations.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Migration } from "./migrations.js";

export const SEED_FILE = "pglite-seed.tar.gz";
export const SEED_META = "pglite-seed.json";
/** Written before a seed is unpacked and removed once the store opened: a store that still has it was cut short. */
const SEEDING_MARK = "conveyor-seeding";

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const pkg = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** What a seed was made from: the PGlite version and every migration's name and checksum. */
export function seedFingerprint(migrations: Migration[]): string {
  const hash = createHash("sha256").update(`pglite ${pgliteVersion()}\n`);
  for (const m of migrations) hash.update(`${m.name} ${m.checksum}\n`);
  return hash.digest("hex");
}

/** dist/ of this package, whether running from dist/src/storage (compiled) or src/storage (source). */
function distDir(): string {
  const up = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
  return basename(up) === "dist" ? up : join(up, "dist");
}

/** Whether `dataDir` holds a store already: one made and not cut short while it was unpacked. */
export function holdsStore(dataDir: string): boolean {
  return existsSync(join(dataDir, "PG_VERSION")) && !existsSync(join(dataDir, SEEDING_MARK));
}

/** The seed to unpack into `dataDir`, or undefined when the folder holds a store already or no matching seed exists. */
export function seedFor(dataDir: string, migrations: Migration[]): string | undefined {
  if (holdsStore(dataDir)) return undefined;
  const interrupted = existsSync(join(dataDir, SEEDING_MARK));
  const file = join(distDir(), SEED_FILE);
  try {
    const meta = JSON.parse(readFileSync(join(distDir(), SEED_META), "utf8")) as { fingerprint?: string };
    if (meta.fingerprint !== seedFingerprint(migrations) || !existsSync(file)) return undefined;
  } catch {
    return undefined;
  }
  // a seed unpacked part-way (the process died): nothing was ever stored there, start it again
  if (interrupted) clearStore(dataDir);
  writeFileSync(join(dataDir, SEEDING_MARK), "");
  return file;
}

/** The store opened from its seed: it is complete. */
export function seeded(dataDir: string): void {
  rmSync(join(dataDir, SEEDING_MARK), { force: true });
}

function clearStore(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    if (name !== "conveyor.lock" && name !== SEEDING_MARK) rmSync(join(dataDir, name), { recursive: true, force: true });
  }
}
