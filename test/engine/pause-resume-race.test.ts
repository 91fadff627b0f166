// Resuming a paused run at the moment its last running task ends. The supervisor
// of a paused run with nothing left running lets the run go once that end is
// committed (a resume then starts a new one); a resume that comes while that
// commit is in flight must keep the run driven, not be dropped with it. The
// commit is held in flight, as a slow database would, to hit that moment. And a
// resume that comes while the supervisor is letting go (releasing the lease)
// waits for it, then drives the run anew.
import { afterAll, describe, expect, it, vi } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { storeKinds } from "../support/databases.js";
import { eventually, openTestEngine, type TestEngine } from "../support/engine.js";

const kinds = await storeKinds();

describe.each(kinds)("resume while a paused run's last task ends, on %s", (kind) => {
  let t: TestEngine;
  afterAll(() => t?.close());

  it("keeps driving the run to its end", async () => {
    t = await openTestEngine(kind);
    let finish!: () => void;
    const ids = ["r1", "r2", "r3"];
    t.tasks.set("r1", () => new Promise<void>((r) => (finish = r)));
    t.tasks.set("r2", () => new Promise<void>((r) => setTimeout(r, 300))); // still running when r1's end is committed
    const { runId } = await t.engine.startRun({ source: inlineSource(ids), options: { executor: "fn", force: true } });
    await eventually(async () => (await t.engine.store.getRun(runId))!.running === 1);
    await t.engine.pauseRun(runId);
    await eventually(async () => (await t.engine.store.getRun(runId))!.status === "paused");

    // hold the commit that records r1's end
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const store = t.engine.store;
    const commit = store.commit.bind(store);
    let holding = true;
    vi.spyOn(store, "commit").mockImplementation(async (batch) => {
      if (holding) await held;
      return commit(batch);
    });
    finish();
    await eventually(() => (store.commit as unknown as { mock: { calls: unknown[] } }).mock.calls.length > 0);
    await t.engine.resumeRun(runId);
    holding = false;
    release();

    const run = await Promise.race([
      t.engine.waitForRun(runId),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("run not settled in 10 s")), 10_000)),
    ]);
    expect([run.status, run.succeeded]).toEqual(["succeeded", 3]);
    vi.restoreAllMocks();
  });

  it("a resume while the supervisor lets the run go drives it anew", async () => {
    let finish!: () => void;
    const ids = ["s1", "s2", "s3"];
    t.tasks.set("s1", () => new Promise<void>((r) => (finish = r)));
    const { runId } = await t.engine.startRun({ source: inlineSource(ids), options: { executor: "fn", force: true } });
    await eventually(async () => (await t.engine.store.getRun(runId))!.running === 1);
    await t.engine.pauseRun(runId);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const store = t.engine.store;
    const releaseLease = store.releaseLease.bind(store);
    const spy = vi.spyOn(store, "releaseLease").mockImplementation(async (...args) => {
      await held;
      return releaseLease(...args);
    });
    finish(); // the last running task: once its end is committed, the supervisor lets go
    await eventually(() => spy.mock.calls.length > 0);
    const resuming = t.engine.resumeRun(runId);
    release();
    await resuming;
    const run = await t.engine.waitForRun(runId);
    expect([run.status, run.succeeded]).toEqual(["succeeded", 3]);
    vi.restoreAllMocks();
  });
});
