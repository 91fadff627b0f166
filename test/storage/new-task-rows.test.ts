// A new run's task rows as insertUnits writes them are exactly the states the
// supervisor holds for them (engine/new-task-state.ts, their one definition):
// a task to run and a task the file already marks done alike; whether the run
// is written by one statement (up to UNITS_PER_STATEMENT units) or in chunks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunOptions } from "../../src/core/run-options.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { createNewRun } from "../../src/engine/new-run.js";
import { systemClock } from "../../src/engine/ports.js";
import { UNITS_PER_STATEMENT } from "../../src/storage/task-runs.js";
import { storeKinds } from "../support/databases.js";
import { openTestEngine, type TestEngine } from "../support/engine.js";

describe.each(await storeKinds())("a new run's task rows (%s)", (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine(kind);
  });
  afterAll(() => t?.close());

  it("read back as the states the engine made them with", async () => {
    const source = inlineSource([
      { id: "a", dependencies: [] },
      { id: "b", dependencies: ["a"], status: "done" },
      { id: "c", dependencies: ["b"] },
    ]);
    const store = t.engine.store;
    const { runId, fresh } = await createNewRun({ store, clock: systemClock }, { source }, parseRunOptions({ executor: "fn" }), {
      owner: "new-task-rows",
      leaseMs: 15_000,
      stamp: () => Date.now(),
    });
    const made = fresh.units.map((u) => u.state);
    expect(new Set(made.map((s) => s.status)).size).toBeGreaterThan(1);
    expect((await store.loadUnits(runId)).map((u) => u.state)).toEqual(made);
  });

  it("a run larger than one statement carries is written whole, in chunks", async () => {
    const n = UNITS_PER_STATEMENT + 3;
    const source = inlineSource(Array.from({ length: n }, (_, i) => ({ id: `t${i}`, dependencies: i > 0 ? [`t${i - 1}`] : [] })));
    const { runId, fresh } = await createNewRun(
      { store: t.engine.store, clock: systemClock },
      { source },
      parseRunOptions({ executor: "fn" }),
      {
        owner: "new-task-rows",
        leaseMs: 15_000,
        stamp: () => Date.now(),
      },
    );
    const units = await t.engine.store.loadUnits(runId);
    expect(units).toHaveLength(n);
    expect(units.at(-1)).toMatchObject({ id: `t${n - 1}`, deps: [n - 2] });
    expect(await t.engine.store.getRun(runId)).toMatchObject({ total: n, pending: n, leaseOwner: "new-task-rows" });
    expect(fresh.run).toMatchObject({ id: runId, total: n });
  });
});
