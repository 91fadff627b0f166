// An open store, whichever driver opened it: a file of its own, so the drivers
// (postgres-database.ts, pglite-database.ts) and the opener (database.ts) do not
// import each other.
import type { PrismaClient } from "./generated/client.js";
import type { SqlRunner } from "./migrations.js";

export type DatabaseKind = "postgres" | "pglite";

export interface Database {
  kind: DatabaseKind;
  /** Prisma, loaded on first use (most commands never need it). */
  prisma(): Promise<PrismaClient>;
  sql: SqlRunner;
  /** Where it lives, for messages: the data folder or the URL without credentials. */
  location: string;
  close(): Promise<void>;
}
