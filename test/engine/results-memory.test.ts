// A task's result leaves the engine's memory once its row is committed: the row
// keeps it, later writes of the row leave it there, and the checkpoint digest of
// all results is the same as when every result was held.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schedule } from "../../src/core/scheduler.js";
import type { CommitBatch, StoredUnit, TaskState } from "../../src/engine/store.js";
import { UnitTable } from "../../src/engine/unit-table.js";
import { openDatabase, type Database } from "../../src/storage/database.js";
import { PrismaRunStore } from "../../src/storage/prisma-run-store.js";
import { makeStore, storeKinds, type TestStore } from "../support/databases.js";

const state = (index: number, over: Partial<TaskState> = {}): TaskState => ({
  index,
  status: "pending",
  attempts: 0,
  memoized: false,
  blockedBy: null,
  error: null,
  result: undefined,
  progress: null,
  startedAt: null,
  finishedAt: null,
  ...over,
});
const unit = (index: number, over: Partial<TaskState> = {}): StoredUnit => ({
  index,
  id: `t${index}`,
  title: `task ${index}`,
  kind: "task",
  definition: {},
  deps: [],
  memoKey: `k${index}`,
  state: state(index, over),
});
// row() asks the schedule only for a unit's status and blocker
const schedule = { statusOf: () => "succeeded", blockerOf: () => null } as unknown as Schedule;
const digest = (t: UnitTable) =>
  t.snapshot({ ...schedule, count: () => 0, statusRuns: () => [] } as unknown as Schedule, { status: "running", lastSeq: 0 }).resultsDigest;

describe("UnitTable results", () => {
  it("holds a result until its row commits, then only its hash", () => {
    const t = new UnitTable([unit(0), unit(1)]);
    const big = { payload: "x".repeat(1000) };
    t.setResult(0, big);
    const before = digest(t);
    const row = t.row(0, schedule);
    expect(row.result).toBe(big);
    expect(row.resultKept).toBe(false);
    t.resultsCommitted([row]);
    const after = t.row(0, schedule);
    expect(after.result).toBeUndefined();
    expect(after.resultKept).toBe(true);
    expect(digest(t)).toBe(before);
  });

  it("keeps a newer result set while the batch carrying the older one was in flight", () => {
    const t = new UnitTable([unit(0)]);
    t.setResult(0, { v: 1 });
    const inFlight = t.row(0, schedule);
    t.setResult(0, { v: 2 });
    t.resultsCommitted([inFlight]);
    expect(t.row(0, schedule).result).toEqual({ v: 2 });
    expect(t.row(0, schedule).resultKept).toBe(false);
  });

  it("folds a committed result out of the digest when the unit is cleared, as if it never had one", () => {
    const fresh = new UnitTable([unit(0), unit(1)]);
    fresh.setResult(1, "other");
    const t = new UnitTable([unit(0), unit(1)]);
    t.setResult(1, "other");
    t.setResult(0, { a: [1, 2, 3] });
    t.resultsCommitted([t.row(0, schedule), t.row(1, schedule)]);
    t.clear(0);
    expect(digest(t)).toBe(digest(fresh));
    expect(t.row(0, schedule).resultKept).toBe(false);
  });

  it("takes the results of stored rows (a resumed run) as committed, and digests them alike", () => {
    const resumed = new UnitTable([unit(0, { result: { r: 1 } }), unit(1)]);
    const live = new UnitTable([unit(0), unit(1)]);
    live.setResult(0, { r: 1 });
    expect(digest(resumed)).toBe(digest(live));
    expect(resumed.row(0, schedule)).toMatchObject({ result: undefined, resultKept: true });
  });
});

const kinds = await storeKinds();
const counters = {
  status: "running" as const,
  total: 1,
  pending: 0,
  running: 0,
  succeeded: 1,
  failed: 0,
  skipped: 0,
  cancelled: 0,
  memoized: 0,
  finishedSinceCheckpoint: 0,
  reason: null,
  startedAt: 0,
  finishedAt: null,
};

describe.each(kinds)("a task row's result on %s", (kind) => {
  let store: TestStore;
  let db: Database;
  let runs: PrismaRunStore;
  const runId = `results-${kind}`;
  let seq = 0;
  const commit = (task: TaskState) => {
    const batch: CommitBatch = {
      runId,
      owner: "me",
      run: { ...counters, lastSeq: ++seq },
      tasks: [task],
      attempts: [],
      events: [],
      memo: [],
    };
    return runs.commit(batch);
  };
  const stored = async () => (await runs.loadUnits(runId))[0]!.state.result;

  beforeAll(async () => {
    store = await makeStore(kind);
    db = await openDatabase({ url: store.config.databaseUrl, dataDir: store.config.dataDir });
    runs = new PrismaRunStore(db);
    const { state: _, ...planUnit } = unit(0);
    await runs.createRun(
      {
        id: runId,
        options: {} as never,
        source: { origin: "inline", format: "inline", warnings: [] } as never,
        units: [planUnit],
        createdAt: 0,
      },
      "me",
      60_000,
    );
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await store?.dispose();
  });

  it("is written with the row, kept by a later write that leaves it out, and cleared by one that does not", async () => {
    await commit(state(0, { status: "succeeded", result: { built: "a" } }));
    expect(await stored()).toEqual({ built: "a" });
    await commit(state(0, { status: "succeeded", progress: 1, resultKept: true }));
    expect(await stored()).toEqual({ built: "a" });
    await commit(state(0, { status: "pending" }));
    expect(await stored()).toBeUndefined();
  });
});
