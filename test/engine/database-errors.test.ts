// A PostgreSQL backend terminated under an idle pooled connection (a server
// restart or failover looks the same) must not kill the process.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/database.js";
import { makeStore, POSTGRES_ADMIN_URL, storeKinds } from "../support/databases.js";
import { eventually } from "../support/engine.js";

const kinds = await storeKinds();

describe.skipIf(!kinds.includes("postgres"))("PostgreSQL connection loss", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("reports an idle connection's failure and goes on with a new one", async () => {
    const store = await makeStore("postgres");
    cleanup.push(() => store.dispose());
    const errors: Error[] = [];
    const db = await openDatabase({ url: store.config.databaseUrl!, onIdleError: (e) => errors.push(e) });
    cleanup.push(() => db.close());
    await db.sql.query("SELECT 1");
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    const dbName = new URL(store.config.databaseUrl!).pathname.slice(1);
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [dbName]);
    await admin.end();
    await eventually(() => errors.length > 0, 5_000);
    expect(errors[0]!.message).toMatch(/terminat/);
    expect(await db.sql.query<{ n: number }>("SELECT 1 AS n")).toEqual([{ n: 1 }]);
  });
});
