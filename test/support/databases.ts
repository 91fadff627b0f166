// The stores integration suites run against: the embedded PGlite in a temp
// folder, and the local PostgreSQL (a fresh database per suite). A PostgreSQL
// that cannot be reached skips its suites with one loud line, except under
// CI=true, where it is a failure: CI must run them all.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export const POSTGRES_ADMIN_URL = process.env.CONVEYOR_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

let reachable: Promise<boolean> | undefined;

export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (err) {
      if (process.env.CI === "true")
        throw new Error(`PostgreSQL at ${POSTGRES_ADMIN_URL} is required under CI: ${String(err)}`, { cause: err });
      console.warn(`\n!!! PostgreSQL at ${POSTGRES_ADMIN_URL} is unreachable: its suites are SKIPPED (${String(err)})\n`);
      return false;
    }
  })();
  return reachable;
}

export interface TestStore {
  kind: "pglite" | "postgres";
  /** Config for createApp / openDatabase. */
  config: { databaseUrl?: string; dataDir?: string };
  dispose(): Promise<void>;
}

export function tempDir(prefix = "conveyor-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function pgliteStore(): TestStore {
  const dir = tempDir();
  return { kind: "pglite", config: { dataDir: dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

export async function postgresStore(): Promise<TestStore> {
  const name = `conveyor_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind: "postgres",
    config: { databaseUrl: url.toString() },
    dispose: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Both stores, PostgreSQL only where it is reachable. */
export async function storeKinds(): Promise<("pglite" | "postgres")[]> {
  return (await postgresReachable()) ? ["pglite", "postgres"] : ["pglite"];
}

export function makeStore(kind: "pglite" | "postgres"): Promise<TestStore> {
  return kind === "pglite" ? Promise.resolve(pgliteStore()) : postgresStore();
}
