// The dashboard's pure parts: the run model kept from events (no duplicate, no
// state the events did not give, reloads asked for where events do not name
// every task), and the DAG's layout, critical path and outside dependencies.
import { describe, expect, it } from "vitest";
import { layoutDag } from "../../web/src/dag-layout.js";
import { parseRoute } from "../../web/src/router.js";
import { RunModel } from "../../web/src/run-model.js";
import { look } from "../../web/src/status.js";
import type { RunEvent, Task } from "../../web/src/types.js";

const task = (taskId: string, dependencies: string[] = [], durationMs: number | null = null): Task => ({
  taskId,
  title: taskId,
  kind: "task",
  status: "PENDING",
  memoized: false,
  attemptCount: 0,
  dependencies,
  startedAt: null,
  finishedAt: null,
  durationMs,
});
let seq = 0;
const ev = (type: string, taskId: string | null, at = 1_000 + seq): RunEvent => ({
  seq: ++seq,
  type,
  taskId,
  at: new Date(at).toISOString(),
});

describe("RunModel", () => {
  it("applies task events in order, ignores repeated ones, and draws each attempt once", () => {
    seq = 0;
    const m = new RunModel();
    m.setTasks([task("a"), task("b", ["a"])], 0);
    const events = [
      ev("run.started", null),
      ev("task.started", "a"),
      ev("task.retrying", "a"),
      ev("task.started", "a"),
      ev("task.succeeded", "a"),
    ];
    expect(m.apply(events)).toBe(false);
    expect(m.apply(events.slice(2))).toBe(false); // a reconnect's overlap
    expect(m.tasks.map((t) => [t.taskId, t.status, t.attemptCount])).toEqual([
      ["a", "SUCCEEDED", 2],
      ["b", "PENDING", 0],
    ]);
    expect(m.bars.map((b) => [b.taskId, b.attempt, b.outcome])).toEqual([
      ["a", 1, "FAILED"],
      ["a", 2, "SUCCEEDED"],
    ]);
    expect(m.lastSeq).toBe(5);
  });

  it("leaves the snapshot's statuses to events after it, and asks for a reload where an event does not name every task it changed", () => {
    seq = 0;
    const m = new RunModel();
    const a = { ...task("a"), status: "FAILED" };
    m.setTasks([a, { ...task("b", ["a"]), status: "SKIPPED" }], 3);
    expect(m.apply([ev("task.started", "a"), ev("task.failed", "a"), ev("task.skipped", "b")])).toBe(false);
    expect(m.tasks.map((t) => t.status)).toEqual(["FAILED", "SKIPPED"]);
    // a failed task settled: marked by hand, its skipped dependents back to pending without events of their own
    expect(m.apply([ev("task.succeeded", "a")])).toBe(true);
    expect(m.apply([ev("task.reopened", "a")])).toBe(true);
    expect(m.apply([ev("run.resumed", null)])).toBe(true);
  });
});

describe("layoutDag", () => {
  it("puts each task one level past its deepest dependency, and finds the longest chain by duration", () => {
    const tasks = [task("a", [], 100), task("b", ["a"], 10), task("c", ["a"], 500), task("d", ["b", "c"], 10)];
    const l = layoutDag(tasks);
    expect([...l.level]).toEqual([0, 1, 1, 2]);
    expect(l.levels).toBe(3);
    expect(l.critical.map((i) => tasks[i]!.taskId)).toEqual(["a", "c", "d"]);
    expect(l.compact).toBe(false);
    // tasks that took no time are still on the path
    const instant = [task("x", [], 0), task("y", ["x"], 0)];
    expect(layoutDag(instant).critical.map((i) => instant[i]!.taskId)).toEqual(["x", "y"]);
  });

  it("lays out 10,000 tasks grouped by level, compact, in well under a second", () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => task(`t${i}`, i >= 100 ? [`t${i - 100}`] : []));
    const t0 = performance.now();
    const l = layoutDag(tasks);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(l.levels).toBe(100);
    expect(l.compact).toBe(true);
    expect(l.critical).toHaveLength(100);
    // no two boxes overlap
    const seen = new Set([...l.x].map((x, i) => `${x},${l.y[i]}`));
    expect(seen.size).toBe(10_000);
  });

  it("places the stubs of the dependencies outside the run by the tasks that name them", () => {
    const l = layoutDag([task("4", ["1"]), task("1")], new Map([["4", ["3"]]]));
    expect([...l.outside]).toEqual([[0, ["3"]]]);
  });
});

describe("parseRoute", () => {
  it("reads the deep links, escapes and malformed ones included", () => {
    expect(parseRoute("/")).toEqual({ page: "runs" });
    expect(parseRoute("/runs")).toEqual({ page: "runs" });
    expect(parseRoute("/runs/abc")).toEqual({ page: "run", runId: "abc", taskId: null });
    expect(parseRoute("/runs/abc/tasks/1.2")).toEqual({ page: "run", runId: "abc", taskId: "1.2" });
    expect(parseRoute("/runs/abc/tasks/a%2Fb")).toEqual({ page: "run", runId: "abc", taskId: "a/b" });
    expect(parseRoute("/runs/%ZZ")).toEqual({ page: "run", runId: "%ZZ", taskId: null });
    expect(parseRoute("/runs/abc/other")).toEqual({ page: "runs" });
  });
});

describe("look", () => {
  it("shows a status this build does not know by its own name, never as another", () => {
    expect(look("SUCCEEDED").label).toBe("succeeded");
    expect(look("CANCELLING").label).toBe("cancelling");
    expect(look("SOMETHING_NEW")).toMatchObject({ label: "something new", icon: "?" });
  });
});
