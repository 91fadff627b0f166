// The hot write must find each task row through the primary key however large the
// run and whatever the planner's statistics say, and leave room for HOT updates.
// PostgreSQL only: the plan is PostgreSQL's, and PGlite shares the migration.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/inline.js";
import { commitStatement } from "../../src/storage/sql/commit-batch.js";
import { postgresReachable } from "../support/databases.js";
import { openTestEngine, type TestEngine } from "../support/engine.js";

const hasPostgres = await postgresReachable();

describe.skipIf(!hasPostgres)("the commit statement on PostgreSQL", () => {
  let t: TestEngine;
  let runId: string;
  beforeAll(async () => {
    t = await openTestEngine("postgres");
    // a small run first (statistics, if any were taken, would describe small runs), then a large one
    for (const n of [50, 20_000]) {
      const source = inlineSource(Array.from({ length: n }, (_, i) => ({ id: `t${n}-${i}`, title: `task ${i}` })));
      ({ runId } = await t.engine.startRun({ source, options: { executor: "fn", maxParallel: 64 } }));
      await t.engine.waitForRun(runId);
    }
  }, 120_000);
  afterAll(() => t?.close());

  it("probes task rows by primary key in a 20,000-task run, with no ANALYZE", async () => {
    const now = Date.now();
    const tasks = Array.from({ length: 128 }, (_, k) => ({
      index: 10_000 + k,
      status: "running" as const,
      attempts: 1,
      memoized: false,
      blockedBy: null,
      error: null,
      result: undefined,
      progress: null,
      startedAt: now,
      finishedAt: null,
    }));
    const run = {
      status: "running" as const,
      pending: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      skipped: 0,
      cancelled: 0,
      memoized: 0,
      lastSeq: 0,
      finishedSinceCheckpoint: 0,
      reason: null,
      startedAt: now,
      finishedAt: null,
    };
    const { text, values } = commitStatement({ runId, owner: "nobody", run, tasks, attempts: [], events: [], memo: [] } as never);
    const custom = (await t.db.sql.query<{ "QUERY PLAN": string }>(`EXPLAIN ${text}`, values)).map((r) => r["QUERY PLAN"]).join("\n");
    // the statement runs prepared: after a few executions PostgreSQL may plan it once for any values
    const c = new pg.Client({ connectionString: t.store.config.databaseUrl });
    await c.connect();
    try {
      await c.query("SET plan_cache_mode = force_generic_plan");
      const generic = (await c.query<{ "QUERY PLAN": string }>({ name: "generic", text: `EXPLAIN ${text}`, values })).rows
        .map((r) => r["QUERY PLAN"])
        .join("\n");
      for (const plan of [custom, generic]) {
        expect(plan).toMatch(/Index Scan using task_runs_pkey on task_runs/);
        expect(plan).not.toMatch(/Seq Scan on task_runs/);
      }
    } finally {
      await c.end();
    }
  });

  it("keeps half of each task_runs page free for in-place updates", async () => {
    const rows = await t.db.sql.query<{ reloptions: string[] | null }>(`SELECT reloptions FROM pg_class WHERE relname = 'task_runs'`);
    expect(rows[0]?.reloptions).toContain("fillfactor=50");
  });
});
