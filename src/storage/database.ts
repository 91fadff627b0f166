// Opens the store: PostgreSQL through @prisma/adapter-pg when a URL is given,
// otherwise the embedded PGlite in a locked data folder. Both get the same
// Prisma client and the same migrations. Each driver is loaded only when used:
// PGlite alone takes ~0.1 s to import, which a process recovering runs on
// PostgreSQL should not pay.

export type { Database, DatabaseKind } from "./database-handle.js";
import type { Database } from "./database-handle.js";

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded store is used. */
  url?: string;
  /** Folder of the embedded store (default ./.conveyor). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** How long connecting to PostgreSQL may take (default 10 s). */
  connectTimeoutMs?: number;
  /** Told when an idle PostgreSQL connection fails (the pool reconnects by itself). */
  onIdleError?: (err: Error) => void;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.url) {
    const { openPostgres } = await import("./postgres-database.js");
    return openPostgres(options.url, options.poolSize ?? 8, options.onIdleError ?? (() => undefined), options.connectTimeoutMs);
  }
  const { openPglite } = await import("./pglite-database.js");
  return openPglite(options.dataDir ?? ".conveyor");
}
