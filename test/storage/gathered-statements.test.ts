// The store's gathered statements on both databases: memo lookups made together
// answer each caller for its own keys and age limit, and lease releases made
// together give up exactly the leases their owners hold; runs created together
// are each written whole.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { storeKinds } from "../support/databases.js";
import { openTestEngine, type TestEngine } from "../support/engine.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { parseRunOptions } from "../../src/core/run-options.js";
import { createNewRun } from "../../src/engine/new-run.js";
import { systemClock } from "../../src/engine/ports.js";

describe.each(await storeKinds())("gathered store statements (%s)", (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine(kind);
  });
  afterAll(() => t?.close());

  it("memo lookups made at once each get their own keys, within their own age limits", async () => {
    const run = (await t.engine.startRun({ source: inlineSource([{ id: "m" }]), options: { executor: "fn" } })).runId;
    await t.engine.waitForRun(run);
    await t.db.sql.query(
      `INSERT INTO memo_cache (memo_key, task_id, result, run_id, created_at, success_ms_total, successes) VALUES
        ('fresh', 'a', '1'::jsonb, $1, now(), 0, 0), ('old', 'b', '2'::jsonb, $1, now() - interval '1 hour', 90, 3)`,
      [run],
    );
    const store = new PrismaRunStore(t.db);
    const [all, recent, none, mixed] = await Promise.all([
      store.memoLookup(["fresh", "old"]),
      store.memoLookup(["fresh", "old"], 60_000),
      store.memoLookup(["missing"]),
      store.memoLookup(["old", "missing"], 2 * 3600_000),
    ]);
    expect([...all!.keys()].sort()).toEqual(["fresh", "old"]);
    expect([...recent!.keys()]).toEqual(["fresh"]);
    expect(none!.size).toBe(0);
    expect(mixed!.get("old")).toEqual({ memoKey: "old", taskId: "b", result: 2 });
    // with the durations, in the same statement: the mean of an entry too old to use is still known
    let statements = 0;
    const counted = new PrismaRunStore({ ...t.db, sql: { ...t.db.sql, query: (...a) => (statements++, t.db.sql.query(...a)) } });
    const found = await counted.memoAndDurations(["fresh", "old", "missing"], 60_000);
    expect(statements).toBe(1);
    expect([...found.memo.keys()]).toEqual(["fresh"]);
    expect(Object.fromEntries(found.durations)).toEqual({ old: 30 });
  });

  it("runs created at once are each written whole, with their own units and lease", async () => {
    const store = new PrismaRunStore(t.db);
    const made = await Promise.all(
      [1, 3, 2].map((n, k) =>
        createNewRun(
          { store, clock: systemClock },
          { source: inlineSource(Array.from({ length: n }, (_, i) => ({ id: `c${k}-${i}` }))) },
          parseRunOptions({ executor: "fn" }),
          {
            owner: `creator-${k}`,
            leaseMs: 60_000,
            stamp: () => Date.now(),
          },
        ),
      ),
    );
    for (const [k, m] of made.entries()) {
      const n = [1, 3, 2][k]!;
      expect(m.fresh.run).toMatchObject({ id: m.runId, total: n, leaseOwner: `creator-${k}` });
      expect((await store.loadUnits(m.runId)).map((u) => u.id)).toEqual(Array.from({ length: n }, (_, i) => `c${k}-${i}`));
    }
  });

  it("lease releases made at once give up each run's lease only where its owner holds it", async () => {
    const store = new PrismaRunStore(t.db);
    const ids = [];
    for (const id of ["r1", "r2", "r3"]) {
      ids.push((await t.engine.startRun({ source: inlineSource([{ id }]), options: { executor: "fn" } })).runId);
    }
    await Promise.all(ids.map((id) => t.engine.waitForRun(id)));
    // finished runs hold no lease: take them as three owners would
    for (const [i, id] of ids.entries()) {
      await t.db.sql.query(`UPDATE runs SET lease_owner = $2, lease_expires_at = now() + interval '1 minute' WHERE id = $1`, [
        id,
        `owner-${i}`,
      ]);
    }
    await Promise.all([
      store.releaseLease(ids[0]!, "owner-0"),
      store.releaseLease(ids[1]!, "someone-else"),
      store.releaseLease(ids[2]!, "owner-2"),
    ]);
    const owners = await Promise.all(ids.map(async (id) => (await store.getRun(id))!.leaseOwner));
    expect(owners).toEqual([null, "owner-1", null]);
  });
});
