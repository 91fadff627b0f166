// A task's earlier runs tell a new run how long it takes, before anything of
// the new run has finished: with the memo cache bypassed (force) and with its
// entries too old to use (memoMaxAgeMs), the durations are still there; they
// are the mean of every earlier success, kept on the memo entry, so they stay
// known once the runs they came from are deleted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import type { RunOptionsInput } from "../../src/core/run-options.js";
import { SqlRetentionStore } from "../../src/storage/sql-retention-store.js";
import { storeKinds } from "../support/databases.js";
import { eventually, openTestEngine, sleep, type TestEngine } from "../support/engine.js";

describe.each(await storeKinds())("durations from earlier runs on %s", (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine(kind);
  });
  afterAll(() => t?.close());

  const expectedAtStart = async (ids: string[], options: RunOptionsInput, source = inlineSource(ids)) => {
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    for (const id of ids) t.tasks.set(id, () => held);
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn", maxParallel: 1, ...options } });
    await eventually(async () => (await t.engine.progress(runId)).running.length === 1);
    const p = await t.engine.progress(runId, { perTask: true });
    release();
    await t.engine.waitForRun(runId);
    return Object.fromEntries(p.perTask!.map((u) => [u.id, u.expectedMs]));
  };

  it("are known at the start of a forced run and of a run whose memo entries are too old", async () => {
    const ids = [`h1-${kind}`, `h2-${kind}`];
    for (const id of ids) t.tasks.set(id, () => sleep(60));
    const first = await t.engine.startRun({ source: inlineSource(ids), options: { executor: "fn", maxParallel: 1 } });
    expect((await t.engine.waitForRun(first.runId)).status).toBe("succeeded");

    // the forced run's own durations (its tasks are held, then released) join the average
    const forced = await expectedAtStart(ids, { force: true });
    for (const id of ids) expect(forced[id], `${id}, forced`).toBeGreaterThanOrEqual(50);
    await sleep(5); // the memo entries are now older than memoMaxAgeMs
    const aged = await expectedAtStart(ids, { memoMaxAgeMs: 1 });
    for (const id of ids) expect(aged[id], `${id}, memo entries too old`).toBeGreaterThan(20);
  });

  it("are the mean of every earlier success, and outlive the runs they came from", async () => {
    const id = `m-${kind}`;
    const runs: string[] = [];
    for (const ms of [20, 50, 80]) {
      t.tasks.set(id, () => sleep(ms));
      const { runId } = await t.engine.startRun({ source: inlineSource([id]), options: { executor: "fn", force: true } });
      expect((await t.engine.waitForRun(runId)).status).toBe("succeeded");
      runs.push(runId);
    }
    const took = (await Promise.all(runs.map((r) => t.engine.store.listAttempts(r)))).map(([a]) => a!.finishedAt! - a!.startedAt);
    const mean = took.reduce((x, y) => x + y) / took.length;
    const [key] = (await t.engine.store.loadUnits(runs[0]!)).map((u) => u.memoKey);
    expect((await t.engine.store.historicalDurations([key!])).get(key!)).toBeCloseTo(mean, 6);
    // the runs go (as a retention policy deletes them), and how long their task took stays known
    const retention = new SqlRetentionStore(t.db);
    for (const r of runs) expect((await retention.deleteRun(r, t.engine.owner)).kind).toBe("deleted");
    expect(await t.db.sql.query(`SELECT 1 FROM attempts WHERE run_id = ANY($1::text[])`, [runs])).toHaveLength(0);
    expect((await expectedAtStart([id], { force: true }))[id]).toBeCloseTo(mean, 6);
  });

  it("are unknown for tasks that never ran", async () => {
    const ids = [`new-${kind}`];
    expect(await expectedAtStart(ids, { force: true })).toEqual({ [ids[0]!]: null });
  });

  it("give a group unit (an expanded parent) no time: it is done when its subtasks are", async () => {
    const parent = `p-${kind}`;
    const subtasks = [`${parent}.1`, `${parent}.2`];
    const source = inlineSource([{ id: parent, subtasks: [{ id: 1 }, { id: 2, dependencies: [1] }] }]);
    for (const id of subtasks) t.tasks.set(id, () => sleep(60));
    const options = { executor: "fn", maxParallel: 1, expandSubtasks: true };
    const first = await t.engine.startRun({ source, options });
    expect((await t.engine.waitForRun(first.runId)).status).toBe("succeeded");
    const expected = await expectedAtStart(subtasks, { expandSubtasks: true, force: true }, source);
    expect(expected[parent]).toBe(0);
    for (const id of subtasks) expect(expected[id], id).toBeGreaterThanOrEqual(50);
  });
});
