// End-to-end runs through the engine on both real stores: order, parallelism,
// retries, failure handling, timeouts, pause/resume/cancel, by-hand fixes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CheckpointNotFoundError,
  InvalidOptionError,
  InvalidTransitionError,
  RunNotFoundError,
  TaskNotFoundError,
  UnknownTasksError,
} from "../../src/core/errors.js";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { storeKinds } from "../support/databases.js";
import { eventually, openTestEngine, recordEvents, sleep, type TestEngine } from "../support/engine.js";

const kinds = await storeKinds();
let prefixCounter = 0;
/** Unique ids per test, so memoized results of one test never leak into another. */
const ids = (n: number) => {
  const p = `t${++prefixCounter}-${Math.random().toString(36).slice(2, 6)}`;
  return Array.from({ length: n }, (_, i) => `${p}-${i + 1}`);
};
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

describe.each(kinds)("runs on %s", (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await openTestEngine(kind);
  });
  afterAll(async () => t?.close());

  it("runs in dependency order, user order among ready tasks, within maxParallel", async () => {
    const [a, b, c, d, e] = ids(5) as [string, string, string, string, string];
    // e depends on nothing; a and b wait for c; d waits for a and b
    const source = inlineSource([
      { id: a, dependencies: [c] },
      { id: b, dependencies: [c] },
      { id: c },
      { id: d, dependencies: [a, b] },
      { id: e },
    ]);
    const started: string[] = [];
    let running = 0;
    let peak = 0;
    for (const id of [a, b, c, d, e]) {
      t.tasks.set(id, async () => {
        started.push(id);
        peak = Math.max(peak, ++running);
        await sleep(30);
        running--;
      });
    }
    const { runId } = await t.engine.startRun({ source, selection: [e, d, c, b, a], options: { executor: "fn", maxParallel: 2 } });
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.succeeded).toBe(5);
    expect(peak).toBe(2);
    // e and c are ready first (user order: e before c); then b before a (user order), then d
    expect(started).toEqual([e, c, b, a, d]);
  });

  it("records every attempt of a task that needs retries, and a gapless event log", async () => {
    const [x] = ids(1) as [string];
    let calls = 0;
    t.tasks.set(x, () => {
      if (++calls < 3) throw new Error(`boom ${calls}`);
      return { answer: 42 };
    });
    const { runId } = await t.engine.startRun({
      source: inlineSource([x]),
      options: { executor: "fn", retry: { ...fast, retryLimit: 2 } },
    });
    const events = recordEvents(t.engine, runId);
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    const attempts = await t.engine.store.listAttempts(runId);
    expect(attempts.map((a) => [a.number, a.status, a.error])).toEqual([
      [1, "failed", "boom 1"],
      [2, "failed", "boom 2"],
      [3, "succeeded", null],
    ]);
    expect(attempts.every((a) => a.finishedAt! >= a.startedAt)).toBe(true);
    const [unit] = await t.engine.store.loadUnits(runId);
    expect(unit!.state.result).toEqual({ answer: 42 });
    expect(unit!.state.attempts).toBe(3);
    const stored = await t.engine.store.readEvents(runId, 0, 1000);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.filter((e) => e.type === "task.retrying")).toHaveLength(2);
    expect(run.lastSeq).toBe(stored.length);
    // what subscribers saw is exactly what was stored, in order
    expect(events.map((e) => e.seq)).toEqual(stored.map((e) => e.seq).slice(stored.length - events.length));
  });

  it("fails the run after a final failure without continueOnError, letting running tasks finish", async () => {
    const [bad, slow, after, other] = ids(4) as [string, string, string, string];
    let slowFinished = false;
    t.tasks.set(bad, () => {
      throw new Error("broken");
    });
    t.tasks.set(slow, async () => {
      await sleep(150);
      slowFinished = true;
    });
    const source = inlineSource([{ id: bad }, { id: slow }, { id: after, dependencies: [bad] }, { id: other }]);
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn", maxParallel: 2, retry: { retryLimit: 0 } } });
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("failed");
    expect(run.reason).toBe(`task ${bad} failed: broken`);
    expect(slowFinished).toBe(true);
    const units = await t.engine.store.loadUnits(runId);
    const status = Object.fromEntries(units.map((u) => [u.id, u.state.status]));
    expect(status).toEqual({ [bad]: "failed", [slow]: "succeeded", [after]: "pending", [other]: "pending" });
    expect([run.succeeded, run.failed, run.pending]).toEqual([1, 1, 2]);
  });

  it("with continueOnError skips the failed task's dependents, naming the dependency, and runs the rest", async () => {
    const [bad, child, grandchild, free] = ids(4) as [string, string, string, string];
    t.tasks.set(bad, () => {
      throw new Error("nope");
    });
    const source = inlineSource([{ id: bad }, { id: child, dependencies: [bad] }, { id: grandchild, dependencies: [child] }, { id: free }]);
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn", continueOnError: true, retry: { retryLimit: 0 } } });
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("completed_with_failures");
    const units = Object.fromEntries((await t.engine.store.loadUnits(runId)).map((u) => [u.id, u.state]));
    expect(units[free]!.status).toBe("succeeded");
    expect(units[child]!.status).toBe("skipped");
    expect(units[child]!.error).toBe(`dependency ${bad} failed`);
    expect(units[grandchild]!.error).toBe(`dependency ${bad} failed`);
    expect([run.failed, run.skipped, run.succeeded]).toEqual([1, 2, 1]);
  });

  it("times out a task attempt and the whole run", async () => {
    const [hang] = ids(1) as [string];
    t.tasks.set(hang, () => new Promise(() => undefined));
    const one = await t.engine.startRun({
      source: inlineSource([hang]),
      options: { executor: "fn", taskTimeoutMs: 50, retry: { retryLimit: 1, ...fast } },
    });
    const r1 = await t.engine.waitForRun(one.runId);
    expect(r1.status).toBe("failed");
    const attempts = await t.engine.store.listAttempts(one.runId);
    expect(attempts.map((a) => a.status)).toEqual(["timed_out", "timed_out"]);
    expect(attempts[0]!.error).toMatch(/timed out after 50 ms/);

    const [h1, h2] = ids(2) as [string, string];
    t.tasks.set(h1, () => new Promise(() => undefined));
    const two = await t.engine.startRun({ source: inlineSource([h1, h2]), options: { executor: "fn", runTimeoutMs: 100 } });
    const r2 = await t.engine.waitForRun(two.runId);
    expect(r2.status).toBe("timed_out");
    expect(r2.reason).toBe("run timed out after 100 ms");
    expect([r2.cancelled, r2.pending]).toEqual([2, 0]);
  });

  it("pauses (running tasks finish, nothing new starts) and resumes", async () => {
    const chain = ids(4);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    t.tasks.set(chain[0]!, () => gate);
    const source = inlineSource(chain.map((id, i) => ({ id, dependencies: i ? [chain[i - 1]] : [] })));
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn" } });
    await eventually(async () => (await t.engine.store.loadUnits(runId))[0]!.state.status === "running");
    await t.engine.pauseRun(runId);
    // the pause is recorded at once, while the running task is still running
    await eventually(async () => (await t.engine.store.getRun(runId))!.status === "paused");
    expect((await t.engine.store.getRun(runId))!.running).toBe(1);
    release();
    const paused = await t.engine.waitForRun(runId);
    expect(paused.status).toBe("paused");
    expect([paused.succeeded, paused.pending]).toEqual([1, 3]);
    expect(t.engine.isActive(runId)).toBe(false);
    await expect(t.engine.pauseRun(runId)).rejects.toBeInstanceOf(InvalidTransitionError);
    await t.engine.resumeRun(runId);
    const done = await t.engine.waitForRun(runId);
    expect(done.status).toBe("succeeded");
    expect(done.succeeded).toBe(4);
    const types = (await t.engine.store.readEvents(runId, 0, 100)).map((e) => e.type);
    expect(types.filter((x) => x === "run.started")).toHaveLength(1);
    expect(types.filter((x) => x === "run.resumed")).toHaveLength(1);
    expect(types).toContain("run.paused");
  });

  it("cancels: running tasks are stopped and every unsettled task is marked cancelled; resume runs them", async () => {
    const [long, next, side] = ids(3) as [string, string, string];
    let aborted = false;
    t.tasks.set(
      long,
      (req) =>
        new Promise((_, reject) =>
          req.signal.addEventListener("abort", () => {
            aborted = true;
            reject(new Error("aborted"));
          }),
        ),
    );
    const source = inlineSource([{ id: long }, { id: next, dependencies: [long] }, { id: side, dependencies: [long] }]);
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn" } });
    await eventually(async () => (await t.engine.store.loadUnits(runId))[0]!.state.status === "running");
    await t.engine.cancelRun(runId);
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("cancelled");
    expect(run.cancelled).toBe(3);
    await expect(t.engine.cancelRun(runId)).rejects.toBeInstanceOf(InvalidTransitionError);
    t.tasks.set(long, () => "fine now");
    await t.engine.resumeRun(runId);
    const resumed = await t.engine.waitForRun(runId);
    expect(resumed.status).toBe("succeeded");
    expect(aborted).toBe(true);
  });

  it("a cancelled run is CANCELLING until its running task has stopped, then CANCELLED", async () => {
    // a shell that takes its time to stop when told to
    const command = `trap 'sleep 0.3; exit 1' TERM; while :; do sleep 0.05; done`;
    const { runId } = await t.engine.startRun({ source: inlineSource(ids(1)), options: { executor: "local", command } });
    await eventually(async () => (await t.engine.store.loadUnits(runId))[0]!.state.status === "running");
    await t.engine.cancelRun(runId);
    const seen = new Set<string>();
    await eventually(async () => {
      seen.add((await t.engine.store.getRun(runId))!.status);
      return seen.has("cancelled");
    });
    expect(seen).toContain("cancelling");
  });

  it("a run its driver left CANCELLING is seen through by whoever takes it over", async () => {
    const { runId } = await t.engine.startRun({ source: inlineSource(ids(2)), options: { executor: "fn" } });
    await t.engine.waitForRun(runId);
    await t.db.sql.query(
      `UPDATE runs SET status = 'cancelling', finished_at = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`,
      [runId],
    );
    expect(await t.engine.recoverOrphans()).toEqual([runId]);
    const run = await t.engine.waitForRun(runId);
    expect(run.status).toBe("cancelled");
    const types = (await t.engine.store.readEvents(runId, 0, 100)).map((e) => e.type);
    expect(types.slice(-3)).toEqual(["run.cancelling", "run.checkpoint", "run.finished"]);
  });

  it("retries a failed task by hand, and marks a failed task done so its dependents go on", async () => {
    const [flaky, dep, other, dep2] = ids(4) as [string, string, string, string];
    let healthy = false;
    t.tasks.set(flaky, () => {
      if (!healthy) throw new Error("not yet");
    });
    t.tasks.set(other, () => {
      throw new Error("never works");
    });
    const source = inlineSource([{ id: flaky }, { id: dep, dependencies: [flaky] }, { id: other }, { id: dep2, dependencies: [other] }]);
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn", continueOnError: true, retry: { retryLimit: 0 } } });
    expect((await t.engine.waitForRun(runId)).status).toBe("completed_with_failures");

    await expect(t.engine.retryTask(runId, "no-such-task")).rejects.toBeInstanceOf(TaskNotFoundError);
    healthy = true;
    await t.engine.retryTask(runId, flaky);
    const afterRetry = await t.engine.waitForRun(runId);
    const byId = async () => Object.fromEntries((await t.engine.store.loadUnits(runId)).map((u) => [u.id, u.state.status]));
    expect(await byId()).toMatchObject({ [flaky]: "succeeded", [dep]: "succeeded", [other]: "failed", [dep2]: "skipped" });
    expect(afterRetry.status).toBe("completed_with_failures");

    await expect(t.engine.markTask(runId, dep, "succeeded")).rejects.toBeInstanceOf(InvalidTransitionError);
    await t.engine.markTask(runId, other, "succeeded");
    const fixed = await t.engine.waitForRun(runId);
    expect(await byId()).toMatchObject({ [other]: "succeeded", [dep2]: "succeeded" });
    expect(fixed.status).toBe("succeeded");
  });

  it("refuses bad input with a named error and leaves every record as it was", async () => {
    const before = await t.engine.store.listRuns({ limit: 1000 });
    const source = inlineSource(ids(2));
    await expect(t.engine.startRun({ source, options: { executor: "fn", maxParallel: 0 } })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(t.engine.startRun({ source, options: { executor: "fn", retry: { retryLimit: -1 } } })).rejects.toThrow(
      /retry\.retryLimit/,
    );
    await expect(t.engine.startRun({ source, selection: ["nope"], options: { executor: "fn" } })).rejects.toBeInstanceOf(UnknownTasksError);
    await expect(t.engine.startRun({ source, options: { executor: "no-such-executor" } })).rejects.toThrow(
      'executor: unknown executor "no-such-executor" (configured: fn, local)',
    );
    expect(await t.engine.store.listRuns({ limit: 1000 })).toEqual(before);

    const { runId } = await t.engine.startRun({ source, options: { executor: "fn" } });
    const done = await t.engine.waitForRun(runId);
    await expect(t.engine.resumeRun(runId)).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(t.engine.resumeRun("no-such-run")).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(t.engine.cancelRun(runId)).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(t.engine.markTask(runId, source.tasks[0]!.id, "skipped")).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(await t.engine.store.getRun(runId)).toEqual(done);
    expect(t.engine.isActive(runId)).toBe(false);

    const [broken] = ids(1) as [string];
    t.tasks.set(broken, () => {
      throw new Error("x");
    });
    const failed = await t.engine.startRun({ source: inlineSource([broken]), options: { executor: "fn", retry: { retryLimit: 0 } } });
    const failedRun = await t.engine.waitForRun(failed.runId);
    await expect(t.engine.resumeRun(failed.runId, { checkpointId: "no-such-checkpoint" })).rejects.toBeInstanceOf(CheckpointNotFoundError);
    expect(await t.engine.store.getRun(failed.runId)).toEqual(failedRun);
  });
});
