// Two ways a stopped run goes on, through the engine on both real stores:
// resuming a run that timed out (runTimeoutMs) runs only what did not succeed,
// under a timeout counted afresh; and marking a failed task skipped (markTask)
// lets its dependents run, the task staying skipped with the reason recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineSource } from "../../src/core/taskmaster/index.js";
import { storeKinds } from "../support/databases.js";
import { openTestEngine, sleep, type TestEngine } from "../support/engine.js";

const kinds = await storeKinds();
/** Unique ids per test, so memoized results of one test never leak into another. */
const ids = (n: number) => {
  const p = `rs-${Math.random().toString(36).slice(2, 8)}`;
  return Array.from({ length: n }, (_, i) => `${p}-${i + 1}`);
};

describe.each(kinds)("going on after a stop, on %s", (kind) => {
  let t: TestEngine;
  const runs = new Map<string, number>();
  /** Counts executions; `body` is what the task does. */
  const task = (id: string, body: () => unknown = () => "ok") =>
    t.tasks.set(id, () => {
      runs.set(id, (runs.get(id) ?? 0) + 1);
      return body();
    });
  const statuses = async (runId: string) => Object.fromEntries((await t.engine.store.loadUnits(runId)).map((u) => [u.id, u.state.status]));

  beforeAll(async () => {
    t = await openTestEngine(kind);
  });
  afterAll(async () => t?.close());

  it("resumes a timed-out run: what succeeded is not run again, the rest runs, the run succeeds", async () => {
    const [first, hung, last] = ids(3) as [string, string, string];
    let hang = true;
    task(first);
    task(hung, () => (hang ? new Promise(() => undefined) : sleep(30)));
    task(last, () => sleep(30));
    const source = inlineSource([{ id: first }, { id: hung, dependencies: [first] }, { id: last, dependencies: [hung] }]);
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn", runTimeoutMs: 1_000 } });
    const timedOut = await t.engine.waitForRun(runId);
    expect([timedOut.status, timedOut.reason]).toEqual(["timed_out", "run timed out after 1000 ms"]);
    expect(await statuses(runId)).toEqual({ [first]: "succeeded", [hung]: "cancelled", [last]: "cancelled" });

    hang = false;
    // more than runTimeoutMs has passed since the run started: only a timeout counted from
    // the resume lets the remaining 60 ms of work finish
    await t.engine.resumeRun(runId);
    const resumed = await t.engine.waitForRun(runId);
    expect([resumed.status, resumed.reason]).toEqual(["succeeded", null]);
    expect([resumed.succeeded, resumed.cancelled]).toEqual([3, 0]);
    expect(Object.fromEntries(runs)).toMatchObject({ [first]: 1, [hung]: 2, [last]: 1 });
  });

  it("marks a failed task skipped: its dependents run, it stays skipped with the reason, the run succeeds", async () => {
    const [bad, child, grandchild, free] = ids(4) as [string, string, string, string];
    task(bad, () => {
      throw new Error("broken");
    });
    [child, grandchild, free].forEach((id) => task(id));
    const source = inlineSource([{ id: bad }, { id: child, dependencies: [bad] }, { id: grandchild, dependencies: [child] }, { id: free }]);
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn", continueOnError: true, retry: { retryLimit: 0 } } });
    expect((await t.engine.waitForRun(runId)).status).toBe("completed_with_failures");
    expect(await statuses(runId)).toEqual({ [bad]: "failed", [child]: "skipped", [grandchild]: "skipped", [free]: "succeeded" });

    await t.engine.markTask(runId, bad, "skipped");
    const run = await t.engine.waitForRun(runId);
    expect(await statuses(runId)).toEqual({ [bad]: "skipped", [child]: "succeeded", [grandchild]: "succeeded", [free]: "succeeded" });
    const units = await t.engine.store.loadUnits(runId);
    expect(units.find((u) => u.id === bad)!.state.error).toBe("marked skipped by hand");
    expect(units.find((u) => u.id === child)!.state.error).toBeNull();
    // a task skipped on purpose is not a failure; it was not run again
    expect([run.status, run.succeeded, run.skipped, run.failed]).toEqual(["succeeded", 3, 1, 0]);
    expect(Object.fromEntries(runs)).toMatchObject({ [bad]: 1, [child]: 1, [grandchild]: 1, [free]: 1 });
    const events = await t.engine.store.readEvents(runId, 0, 1_000);
    expect(events.filter((e) => e.type === "task.skipped" && e.taskId === bad).map((e) => e.data)).toEqual([{ byHand: true }]);
  });

  it("marks skipped a failed task that halted the run (no continueOnError): the run goes on", async () => {
    const [bad, child] = ids(2) as [string, string];
    task(bad, () => {
      throw new Error("broken");
    });
    task(child);
    const source = inlineSource([{ id: bad }, { id: child, dependencies: [bad] }]);
    const { runId } = await t.engine.startRun({ source, options: { executor: "fn", retry: { retryLimit: 0 } } });
    expect((await t.engine.waitForRun(runId)).status).toBe("failed");
    expect(await statuses(runId)).toEqual({ [bad]: "failed", [child]: "pending" });

    await t.engine.markTask(runId, bad, "skipped");
    const run = await t.engine.waitForRun(runId);
    expect(await statuses(runId)).toEqual({ [bad]: "skipped", [child]: "succeeded" });
    expect([run.status, run.skipped, run.failed]).toEqual(["succeeded", 1, 0]);
  });
});
