// Memoization across runs (and its invalidation), checkpoints (interval,
// retention, on demand, resume from one), on both real stores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTaskFile } from "../../src/core/taskmaster/index.js";
import { storeKinds } from "../support/databases.js";
import { openTestEngine, type TestEngine } from "../support/engine.js";

const kinds = await storeKinds();

/** A tasks file: a -> b -> c, plus an unrelated d. */
function tasksFile(salt: string, edits: Record<number, string> = {}) {
  const t = (id: number, deps: number[]) => ({
    id,
    title: `task ${id} ${salt}`,
    description: edits[id] ?? "as planned",
    status: "pending",
    dependencies: deps,
  });
  return parseTaskFile(JSON.stringify({ tasks: [t(1, []), t(2, [1]), t(3, [2]), t(4, [])] }));
}

describe.each(kinds)("memoization on %s", (kind) => {
  let t: TestEngine;
  const ran: string[] = [];
  beforeAll(async () => {
    t = await openTestEngine(kind);
  });
  afterAll(async () => t?.close());

  const run = async (source: ReturnType<typeof tasksFile>, options: Record<string, unknown> = {}) => {
    ran.length = 0;
    for (const id of ["1", "2", "3", "4"]) {
      t.tasks.set(id, (req) => {
        ran.push(req.taskId);
        return { from: req.runId };
      });
    }
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn", ...options } });
    return t.engine.waitForRun(runId);
  };

  it("skips tasks done with the same inputs in an earlier run, reusing their results", async () => {
    const salt = Math.random().toString(36);
    const first = await run(tasksFile(salt));
    expect(ran.sort()).toEqual(["1", "2", "3", "4"]);
    const second = await run(tasksFile(salt));
    expect(ran).toEqual([]);
    expect([second.status, second.succeeded, second.memoized]).toEqual(["succeeded", 4, 4]);
    const units = await t.engine.store.loadUnits(second.id);
    expect(units.every((u) => u.state.memoized)).toBe(true);
    expect(units[0]!.state.result).toEqual({ from: first.id });
  });

  it("runs a task again when it or anything upstream changes, and not its unrelated neighbours", async () => {
    const salt = Math.random().toString(36);
    await run(tasksFile(salt));
    await run(tasksFile(salt, { 2: "edited" }));
    expect(ran.sort()).toEqual(["2", "3"]);
    await run(tasksFile(salt, { 2: "edited", 4: "edited too" }));
    expect(ran).toEqual(["4"]);
  });

  it("force bypasses the cache; a changed command is a different task", async () => {
    const salt = Math.random().toString(36);
    await run(tasksFile(salt));
    await run(tasksFile(salt), { force: true });
    expect(ran.sort()).toEqual(["1", "2", "3", "4"]);
    await run(tasksFile(salt), { command: "other {id}" });
    expect(ran.sort()).toEqual(["1", "2", "3", "4"]);
  });

  it("ignores cache entries older than memoMaxAgeMs", async () => {
    const salt = Math.random().toString(36);
    await run(tasksFile(salt));
    await new Promise((r) => setTimeout(r, 30));
    await run(tasksFile(salt), { memoMaxAgeMs: 10 });
    expect(ran.sort()).toEqual(["1", "2", "3", "4"]);
  });

  it("treats a dependency outside the selection as satisfied when an earlier run completed it", async () => {
    const salt = Math.random().toString(36);
    const source = tasksFile(salt);
    await expect(t.engine.startRun({ source, selection: ["3"], options: { executor: "fn" } })).rejects.toThrow(/3 -> 2/);
    await run(source);
    const { runId } = await t.engine.startRun({ source, selection: ["3"], options: { executor: "fn", force: true } });
    const r = await t.engine.waitForRun(runId);
    expect([r.status, r.total]).toEqual(["succeeded", 1]);
  });
});

describe.each(kinds)("checkpoints on %s", (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine(kind);
  });
  afterAll(async () => t?.close());

  it("checkpoints every N finished tasks, keeps the last K, and snapshots a consistent state", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `cp-${Math.random().toString(36).slice(2, 6)}-${i}`);
    const source = parseTaskFile(JSON.stringify(ids.map((id, i) => ({ id, title: id, dependencies: i ? [ids[i - 1]] : [] }))));
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn", checkpointInterval: 5, keepCheckpoints: 3 } });
    const run = await t.engine.waitForRun(runId);
    const events = await t.engine.store.readEvents(runId, 0, 10_000);
    // a chain commits one finish per batch: finishes 5, 10, ..., 35 checkpoint on the interval,
    // and the 40th, due on both counts, is the one final checkpoint of its batch
    const reasons = events.filter((e) => e.type === "run.checkpoint").map((e) => e.data.reason);
    expect(reasons).toEqual([...Array(7).fill("interval"), "final"]);
    const kept = await t.engine.store.listCheckpoints(runId);
    expect(kept).toHaveLength(3);
    const last = kept[0]!;
    expect(last.reason).toBe("final");
    expect(last.snapshot.statuses).toEqual([["succeeded", 40]]);
    expect(last.snapshot.counters.succeeded).toBe(40);
    expect(last.snapshot.lastSeq).toBe(run.lastSeq);
    expect(last.snapshot.attempts).toEqual([[1, 40]]);
    expect(last.snapshot.resultsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(last.snapshot.resultsDigest).not.toBe(kept[1]!.snapshot.resultsDigest);
    // an interval checkpoint: its counters agree with its statuses
    const mid = kept[2]!.snapshot;
    const done = mid.statuses.filter(([s]) => s === "succeeded").reduce((n, [, c]) => n + c, 0);
    expect(mid.counters.succeeded).toBe(done);
  });

  it("takes one on demand and resumes from it", async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `cq-${Math.random().toString(36).slice(2, 6)}-${i}`);
    const source = parseTaskFile(JSON.stringify(ids.map((id) => ({ id, title: id }))));
    const { runId } = await t.engine.startRun({ source, selection: ids.slice(0, 3), options: { executor: "fn" } });
    await t.engine.waitForRun(runId);
    const cp = await t.engine.checkpointRun(runId);
    const stored = await t.engine.store.getCheckpoint(cp);
    expect(stored!.reason).toBe("on demand");
    expect(stored!.snapshot.statuses).toEqual([["succeeded", 3]]);
    // a run that failed part-way resumes from an earlier checkpoint with only the later work to redo
    let fail = true;
    const ids2 = ids.slice(3);
    t.tasks.set(ids2[2]!, () => {
      if (fail) throw new Error("late failure");
    });
    const src2 = parseTaskFile(JSON.stringify(ids2.map((id, i) => ({ id, title: id, dependencies: i ? [ids2[i - 1]] : [] }))));
    const r2 = await t.engine.startRun({ source: src2, options: { executor: "fn", checkpointInterval: 1, retry: { retryLimit: 0 } } });
    expect((await t.engine.waitForRun(r2.runId)).status).toBe("failed");
    const cps = await t.engine.store.listCheckpoints(r2.runId);
    const afterFirst = cps.find((c) => c.snapshot.counters.succeeded === 1 && c.snapshot.counters.failed === 0)!;
    expect(afterFirst).toBeDefined();
    fail = false;
    await t.engine.resumeRun(r2.runId, { checkpointId: afterFirst.id });
    const resumed = await t.engine.waitForRun(r2.runId);
    expect(resumed.status).toBe("succeeded");
    const attempts = await t.engine.store.listAttempts(r2.runId);
    const perTask = ids2.map((_, i) => attempts.filter((a) => a.index === i).length);
    // first task settled at the checkpoint; second back to pending by the checkpoint but taken
    // from the memo cache (same inputs, already succeeded); third failed once, then succeeded
    expect(perTask).toEqual([1, 1, 2]);
    const units = await t.engine.store.loadUnits(r2.runId);
    expect(units.map((u) => u.state.memoized)).toEqual([false, true, false]);
  });
});
