import { describe, expect, it } from "vitest";
import { CompactGraph } from "../../src/core/dependency-graph.js";
import { expandRuns, runLengths } from "../../src/core/run-lengths.js";
import { Schedule, type UnitState } from "../../src/core/scheduler.js";

const g = (units: { deps: number[] }[]) => new CompactGraph(units.map((u) => u.deps));
const pending = (n: number): UnitState[] => Array.from({ length: n }, () => ({ status: "pending" }));
const drain = (s: Schedule) => {
  const out: number[] = [];
  for (let i = s.next(); i !== undefined; i = s.next()) out.push(i);
  return out;
};

describe("Schedule", () => {
  it("starts ready units in index order, within maxParallel", () => {
    // 0 and 2 have no deps, 1 waits for 0, 3 waits for 1 and 2
    const s = new Schedule(g([{ deps: [] }, { deps: [0] }, { deps: [] }, { deps: [1, 2] }]), pending(4), {
      maxParallel: 1,
      continueOnError: false,
    });
    expect(drain(s)).toEqual([0]);
    s.succeed(0);
    expect(drain(s)).toEqual([1]);
    s.succeed(1);
    expect(drain(s)).toEqual([2]);
    expect(s.outcome()).toEqual({ finished: false });
    s.succeed(2);
    expect(drain(s)).toEqual([3]);
    s.succeed(3);
    expect(s.outcome()).toEqual({ finished: true, status: "succeeded" });
  });

  it("never runs more than maxParallel at once", () => {
    const s = new Schedule(g(Array.from({ length: 10 }, () => ({ deps: [] }))), pending(10), { maxParallel: 3, continueOnError: false });
    expect(drain(s)).toEqual([0, 1, 2]);
    expect(s.count("running")).toBe(3);
    s.succeed(1);
    expect(drain(s)).toEqual([3]);
  });

  it("halts after a final failure without continueOnError; running units still count", () => {
    const s = new Schedule(g([{ deps: [] }, { deps: [] }, { deps: [] }]), pending(3), { maxParallel: 2, continueOnError: false });
    expect(drain(s)).toEqual([0, 1]);
    expect(s.fail(0)).toEqual([]);
    expect(s.isHalted).toBe(true);
    expect(drain(s)).toEqual([]);
    expect(s.outcome()).toEqual({ finished: false });
    s.succeed(1);
    expect(s.outcome()).toEqual({ finished: true, status: "failed" });
    expect(s.count("pending")).toBe(1);
  });

  it("with continueOnError skips transitive dependents, naming the failed unit, and goes on", () => {
    // 0 -> 1 -> 2, 3 independent
    const s = new Schedule(g([{ deps: [] }, { deps: [0] }, { deps: [1] }, { deps: [] }]), pending(4), {
      maxParallel: 4,
      continueOnError: true,
    });
    expect(drain(s)).toEqual([0, 3]);
    expect(s.fail(0)).toEqual([
      { index: 1, because: 0 },
      { index: 2, because: 0 },
    ]);
    expect(s.blockerOf(2)).toBe(0);
    s.succeed(3);
    expect(s.outcome()).toEqual({ finished: true, status: "completed_with_failures" });
  });

  it("retries keep their priority and reopened failures release what they blocked", () => {
    const s = new Schedule(g([{ deps: [] }, { deps: [0] }, { deps: [] }]), pending(3), { maxParallel: 1, continueOnError: true });
    expect(drain(s)).toEqual([0]);
    s.retryLater(0);
    expect(drain(s)).toEqual([2]);
    s.succeed(2);
    expect(s.outcome()).toEqual({ finished: false });
    s.requeue(0);
    expect(drain(s)).toEqual([0]);
    s.fail(0);
    expect(s.statusOf(1)).toBe("skipped");
    expect(s.outcome()).toEqual({ finished: true, status: "completed_with_failures" });
    expect(s.reopen(0)).toEqual([1]);
    expect(drain(s)).toEqual([0]);
    s.succeed(0);
    expect(drain(s)).toEqual([1]);
    s.succeed(1);
    expect(s.outcome()).toEqual({ finished: true, status: "succeeded" });
  });

  it("a failure settled by hand lets dependents go", () => {
    const s = new Schedule(g([{ deps: [] }, { deps: [0] }]), pending(2), { maxParallel: 1, continueOnError: false });
    drain(s);
    s.fail(0);
    expect(s.outcome()).toEqual({ finished: true, status: "failed" });
    s.settleByHand(0, "skipped");
    expect(drain(s)).toEqual([1]);
    s.succeed(1);
    expect(s.outcome()).toEqual({ finished: true, status: "succeeded" });
  });

  it("purposeful skips satisfy dependents; a stored failure halts a resumed run that does not continue on error", () => {
    const s = new Schedule(g([{ deps: [] }, { deps: [0] }]), [{ status: "skipped" }, { status: "pending" }], {
      maxParallel: 1,
      continueOnError: false,
    });
    expect(drain(s)).toEqual([1]);
    const h = new Schedule(g([{ deps: [] }, { deps: [] }]), [{ status: "failed" }, { status: "pending" }], {
      maxParallel: 1,
      continueOnError: false,
    });
    expect(drain(h)).toEqual([]);
    expect(h.outcome()).toEqual({ finished: true, status: "failed" });
  });

  it("pausing stops dispatch; the run is reported paused once nothing runs", () => {
    const s = new Schedule(g([{ deps: [] }, { deps: [] }]), pending(2), { maxParallel: 1, continueOnError: false });
    drain(s);
    s.paused = true;
    expect(s.outcome()).toEqual({ finished: false });
    s.succeed(0);
    expect(drain(s)).toEqual([]);
    expect(s.outcome()).toEqual({ finished: true, status: "paused" });
  });

  it("cancelling settles every pending and retrying unit and halts", () => {
    const s = new Schedule(g([{ deps: [] }, { deps: [] }, { deps: [0] }]), pending(3), { maxParallel: 2, continueOnError: false });
    drain(s);
    s.retryLater(1);
    expect(s.cancelPending().sort()).toEqual([1, 2]);
    expect(s.count("cancelled")).toBe(2);
    s.cancel(0);
    expect(s.outcome()).toEqual({ finished: true, status: "failed" });
  });

  it("refuses a transition the state machine does not allow", () => {
    const s = new Schedule(g([{ deps: [] }]), pending(1), { maxParallel: 1, continueOnError: false });
    drain(s);
    s.succeed(0);
    expect(() => s.succeed(0)).toThrow("unit 0 cannot move from succeeded to succeeded");
    expect(() => s.reopen(0)).toThrow("cannot move from succeeded to pending");
    expect(s.count("succeeded")).toBe(1);
  });

  it("handles a 100,000-unit chain without recursion", () => {
    const n = 100_000;
    const s = new Schedule(g(Array.from({ length: n }, (_, i) => ({ deps: i ? [i - 1] : [] }))), pending(n), {
      maxParallel: 8,
      continueOnError: true,
    });
    let done = 0;
    for (let i = s.next(); i !== undefined; i = s.next()) {
      s.succeed(i);
      done++;
    }
    expect(done).toBe(n);
    const f = new Schedule(g(Array.from({ length: n }, (_, i) => ({ deps: i ? [i - 1] : [] }))), pending(n), {
      maxParallel: 8,
      continueOnError: true,
    });
    f.next();
    expect(f.fail(0)).toHaveLength(n - 1);
  });
});

describe("run lengths", () => {
  it("encode statuses in index order and expand back", () => {
    const s = new Schedule(g([{ deps: [] }, { deps: [] }, { deps: [] }, { deps: [] }]), pending(4), {
      maxParallel: 2,
      continueOnError: false,
    });
    s.next();
    s.succeed(0);
    expect(s.statusRuns()).toEqual([
      ["succeeded", 1],
      ["pending", 3],
    ]);
    s.next();
    expect(s.statusRuns()).toEqual([
      ["succeeded", 1],
      ["running", 1],
      ["pending", 2],
    ]);
    expect(expandRuns(s.statusRuns())).toEqual(["succeeded", "running", "pending", "pending"]);
    expect(runLengths(new Uint32Array([1, 1, 2, 1]))).toEqual([
      [1, 2],
      [2, 1],
      [1, 1],
    ]);
    expect(runLengths([])).toEqual([]);
  });
});
