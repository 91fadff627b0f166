// A new run's task rows as insertUnits writes them are exactly the states the
// supervisor holds for them (engine/new-task-state.ts, their one definition):
// a task to run and a task the file already marks done alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunOptions } from "../../src/core/run-options.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { createNewRun } from "../../src/engine/new-run.js";
import { systemClock } from "../../src/engine/ports.js";
import { openTestEngine, type TestEngine } from "../support/engine.js";

describe("a new run's task rows", () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine("pglite");
  });
  afterAll(() => t?.close());

  it("read back as the states the engine made them with", async () => {
    const source = inlineSource([{ id: "a", dependencies: [] }, { id: "b", dependencies: ["a"], status: "done" }, { id: "c", dependencies: ["b"] }]);
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
});
