// The runs list (runs.ts listRuns): newest first, ties on the creation time broken
// by id, filtered by status, paged with `before`, on both stores. On PostgreSQL,
// among a few thousand runs, its plans read the runs in order from an index
// (migration 20261207130000) instead of scanning and sorting the table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { listRuns } from "../../src/storage/runs.js";
import type { RunStatus } from "../../src/core/status.js";
import { makeStore, storeKinds, type TestStore } from "../support/databases.js";

const kinds = await storeKinds();
const RUNS = 3_000;
const STATUSES: RunStatus[] = ["succeeded", "failed", "cancelled", "running", "completed_with_failures"];
const T0 = Date.UTC(2026, 0, 1);

// run g: created at T0 + ⌊g / 3⌋ s (three runs share each instant), status by g
const runs = Array.from({ length: RUNS }, (_, g) => ({
  id: `run-${String((g * 7_919) % 10_007).padStart(5, "0")}`,
  status: STATUSES[g % 7 === 0 ? 1 : g % 11 === 0 ? 2 : g % 101 === 0 ? 3 : g % 13 === 0 ? 4 : 0]!,
  createdAt: T0 + Math.floor(g / 3) * 1_000,
}));

function expected(statuses: RunStatus[] | undefined, before: number | undefined, limit: number) {
  return runs
    .filter((r) => (!statuses || statuses.includes(r.status)) && (before === undefined || r.createdAt < before))
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
    .slice(0, limit)
    .map((r) => ({ id: r.id, status: r.status, createdAt: r.createdAt }));
}

describe.each(kinds)("the runs list on %s", (kind) => {
  let store: TestStore;
  let db: Database;

  beforeAll(async () => {
    store = await makeStore(kind);
    db = await openDatabase({ url: store.config.databaseUrl, dataDir: store.config.dataDir });
    await db.sql.query(
      `INSERT INTO runs (id, status, options, source, total, created_at)
       SELECT r->>'id', r->>'status', '{}', '{}', 1, to_timestamp((r->>'createdAt')::float8 / 1000) FROM json_array_elements($1::json) r`,
      [JSON.stringify(runs)],
    );
    await db.sql.query("ANALYZE runs");
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await store?.dispose();
  });

  it("lists the newest runs of the wanted statuses, ties by id, from `before` on", async () => {
    const cases: [RunStatus[] | undefined, number | undefined, number][] = [
      [undefined, undefined, 50],
      [["succeeded"], undefined, 51],
      [["failed"], undefined, 50],
      [["failed", "cancelled", "completed_with_failures"], undefined, 50],
      [["running"], T0 + 500_000, 50],
      [undefined, T0 + 200_000, 7],
      [["paused"], undefined, 50],
    ];
    for (const [statuses, before, limit] of cases) {
      const got = await listRuns(await db.prisma(), {
        ...(statuses ? { statuses } : {}),
        ...(before !== undefined ? { before } : {}),
        limit,
      });
      expect(
        got.map((r) => ({ id: r.id, status: r.status, createdAt: r.createdAt })),
        `${statuses?.join(",") ?? "any"} before ${before}`,
      ).toEqual(expected(statuses, before, limit));
    }
  });

  it.runIf(kind === "postgres")("reads the runs in order from an index, without a sequential scan", async () => {
    const plan = async (where: string) =>
      (await db.sql.query<{ "QUERY PLAN": string }>(`EXPLAIN SELECT * FROM runs ${where} ORDER BY created_at DESC, id DESC LIMIT 51`))
        .map((r) => r["QUERY PLAN"])
        .join("\n");
    const any = await plan("");
    expect(any).toMatch(/Index (Only )?Scan Backward using runs_created_at_id_idx on runs/);
    const succeeded = await plan("WHERE status IN ('succeeded')");
    expect(succeeded).toMatch(/Index (Only )?Scan Backward using runs_(status_)?created_at_id_idx on runs/);
    for (const p of [any, succeeded]) expect(p).not.toMatch(/Seq Scan|Sort Key/);
    // several statuses: the runs of each are read from the index (then sorted, or filtered in order)
    expect(await plan("WHERE status IN ('failed', 'cancelled')")).not.toMatch(/Seq Scan/);
  });
});
