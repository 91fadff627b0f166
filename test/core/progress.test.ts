import { describe, expect, it } from "vitest";
import { computeProgress, PACE_PRIOR_TASKS, type ProgressUnit } from "../../src/core/progress.js";

const S = 1000;
const unit = (i: number, over: Partial<ProgressUnit> = {}): ProgressUnit => ({
  id: String(i + 1),
  status: "pending",
  deps: [],
  ...over,
});
const chain = (n: number, from = 0, over: Partial<ProgressUnit> = {}) =>
  Array.from({ length: n }, (_, k) => unit(from + k, { deps: k === 0 ? [] : [from + k - 1], ...over }));
const done = (u: ProgressUnit, startedAt: number, finishedAt: number): ProgressUnit => ({
  ...u,
  status: "succeeded",
  startedAt,
  finishedAt,
});

describe("computeProgress ETA", () => {
  it("reads history at this run's pace: a run going twice as slow as its history says so", () => {
    // 40 independent tasks, history 1 s each; the first 20 took 2 s each this run
    const units = Array.from({ length: 40 }, (_, i) => unit(i, { expectedMs: S }));
    for (let i = 0; i < 20; i++) units[i] = done(units[i]!, 0, 2 * S);
    const slow = computeProgress({ now: 2 * S, runStartedAt: 0, maxParallel: 20, units });
    // pace = (5 + 40) / (5 + 20) typical tasks' worth = 1.8: 20 tasks at 1.8 s on 20 slots
    const pace = (PACE_PRIOR_TASKS * S + 20 * 2 * S) / (PACE_PRIOR_TASKS * S + 20 * S);
    expect(slow.etaMs).toBeCloseTo(pace * S);
    expect(slow.perTask).toBeUndefined();
    // as fast as history: the ETA is history's
    for (let i = 0; i < 20; i++) units[i] = done(units[i]!, 0, S);
    expect(computeProgress({ now: S, runStartedAt: 0, maxParallel: 20, units }).etaMs).toBeCloseTo(S);
  });

  it("one early finish barely moves the pace: the prior outweighs it", () => {
    const units = Array.from({ length: 10 }, (_, i) => unit(i, { expectedMs: S }));
    units[0] = done(units[0]!, 0, 3 * S);
    const p = computeProgress({ now: 3 * S, runStartedAt: 0, maxParallel: 9, units });
    expect(p.etaMs).toBeCloseTo(((PACE_PRIOR_TASKS + 3) / (PACE_PRIOR_TASKS + 1)) * S);
    expect(p.etaMs!).toBeLessThan(1.5 * S);
  });

  it("tasks without history are not paced: they take this run's observed mean", () => {
    const units = [done(unit(0, { expectedMs: S }), 0, 4 * S), unit(1)];
    const p = computeProgress({ now: 4 * S, runStartedAt: 0, maxParallel: 1, units, perTask: true });
    expect(p.perTask?.[1]?.expectedMs).toBe(4 * S);
  });

  it("a chain of 10 × 1 s is sequential whatever maxParallel", () => {
    const units = chain(10, 0, { expectedMs: S });
    const p = computeProgress({ now: 0, runStartedAt: 0, maxParallel: 4, units });
    expect(p.etaMs).toBe(10 * S);
    expect(p.etaAt).toBe(10 * S);
  });

  it("chain part-way: finished units drop out, the running one counts only its remainder", () => {
    const units = chain(10);
    for (let i = 0; i < 3; i++) units[i] = done(units[i]!, i * S, (i + 1) * S);
    units[3] = { ...units[3]!, status: "running", startedAt: 3 * S };
    const p = computeProgress({ now: 3.4 * S, runStartedAt: 0, maxParallel: 4, units });
    // mean observed 1 s: 0.6 s left on unit 4, then 6 × 1 s
    expect(p.etaMs).toBeCloseTo(6.6 * S);
    expect(p.running).toEqual([{ id: "4", elapsedMs: 400 }]);
    expect(p.percent).toBe(30);
  });

  it("100 independent 1 s tasks at maxParallel 10 take ~10 s, not 100 s", () => {
    const units = Array.from({ length: 100 }, (_, i) => unit(i));
    for (let i = 0; i < 10; i++) units[i] = done(units[i]!, 0, S);
    for (let i = 10; i < 20; i++) units[i] = { ...units[i]!, status: "running", startedAt: S };
    const p = computeProgress({ now: S, runStartedAt: 0, maxParallel: 10, units });
    // 10 running (1 s) then 80 pending in 8 waves
    expect(p.etaMs).toBe(9 * S);
    expect(p.throughputPerSec).toBe(10);
  });

  it("a long chain dominates many short independent tasks", () => {
    const units = [...chain(10, 0, { expectedMs: 10 * S }), ...Array.from({ length: 90 }, (_, k) => unit(10 + k, { expectedMs: S }))];
    const p = computeProgress({ now: 0, maxParallel: 10, units });
    // the 90 short ones finish in 10 s on the other 9 slots; the chain needs 100 s
    expect(p.etaMs).toBe(100 * S);
  });

  it("subtracts a running task's elapsed time, never below zero", () => {
    const running = (startedAt: number) => unit(0, { status: "running", startedAt, expectedMs: 10 * S });
    expect(computeProgress({ now: 4 * S, maxParallel: 1, units: [running(0)] }).etaMs).toBe(6 * S);
    // overran its estimate: assume it is about to finish, then the next one runs
    const units = [running(0), unit(1, { deps: [0], expectedMs: 2 * S })];
    expect(computeProgress({ now: 30 * S, maxParallel: 1, units }).etaMs).toBe(2 * S);
  });

  it("uses history before anything in this run has finished", () => {
    const units = [unit(0, { expectedMs: 3 * S }), unit(1, { expectedMs: 5 * S }), unit(2, { deps: [0], expectedMs: 4 * S })];
    expect(computeProgress({ now: 0, maxParallel: 2, units }).etaMs).toBe(7 * S);
  });

  it("prefers a unit's own history to this run's mean, and the run's mean to other units' history", () => {
    const units = [done(unit(0), 0, 2 * S), unit(1, { expectedMs: 5 * S }), unit(2, { deps: [1] })];
    const p = computeProgress({ now: 2 * S, maxParallel: 4, units, perTask: true });
    expect(p.etaMs).toBe(7 * S);
    expect(p.perTask?.map((t) => t.expectedMs)).toEqual([2 * S, 5 * S, 2 * S]);
    // nothing finished: units without history borrow the others' mean history
    const fresh = [unit(0, { expectedMs: 2 * S }), unit(1, { expectedMs: 4 * S }), unit(2, { deps: [1] })];
    expect(computeProgress({ now: 0, maxParallel: 4, units: fresh }).etaMs).toBe(7 * S);
  });

  it("is null when nothing has finished and nothing is known", () => {
    const p = computeProgress({ now: 5 * S, runStartedAt: 0, maxParallel: 4, units: chain(3) });
    expect(p.etaMs).toBeNull();
    expect(p.etaAt).toBeNull();
  });

  it("is 0 for a terminal run, even with no durations known", () => {
    const units = [unit(0, { status: "succeeded", memoized: true }), unit(1, { status: "failed" }), unit(2, { status: "skipped" })];
    const p = computeProgress({ now: 9 * S, maxParallel: 2, units });
    expect(p.etaMs).toBe(0);
    expect(p.etaAt).toBe(9 * S);
    expect(p.percent).toBe(100);
  });

  it("does not wait for units downstream of a failure: they will not run", () => {
    const units = [
      { ...done(unit(0), 0, S), status: "failed" as const },
      ...chain(5, 1, { expectedMs: S }).map((u, k) => (k === 0 ? { ...u, deps: [0] } : u)),
      unit(6, { expectedMs: 3 * S }),
    ];
    expect(computeProgress({ now: S, maxParallel: 2, units }).etaMs).toBe(3 * S);
  });

  it("an instant unit (a group) takes no time and no part in the mean others are timed at", () => {
    // 1 (2 s) -> group 2 -> 3 (no history): 3 is timed at 1's 2 s, not at a mean pulled down by the group
    const units = [unit(0, { expectedMs: 2 * S }), unit(1, { deps: [0], instant: true, expectedMs: 0 }), unit(2, { deps: [1] })];
    const p = computeProgress({ now: 0, maxParallel: 1, units, perTask: true });
    expect(p.etaMs).toBe(4 * S);
    expect(p.perTask!.map((t) => t.expectedMs)).toEqual([2 * S, 0, 2 * S]);
  });

  it("retrying units need a full run", () => {
    const units = [unit(0, { status: "retrying", expectedMs: 2 * S, startedAt: 0 })];
    expect(computeProgress({ now: 10 * S, maxParallel: 1, units }).etaMs).toBe(2 * S);
  });
});

describe("computeProgress counts", () => {
  it("counts statuses, memoized and settled share", () => {
    const units = [
      unit(0, { status: "succeeded", memoized: true }),
      unit(1, { status: "succeeded", startedAt: 0, finishedAt: S }),
      unit(2, { status: "running", startedAt: 500 }),
      unit(3, { status: "failed", startedAt: 0, finishedAt: 3 * S }),
      unit(4),
    ];
    const p = computeProgress({ now: 4 * S, runStartedAt: 0, maxParallel: 2, units });
    expect(p.total).toBe(5);
    expect(p.settled).toBe(3);
    expect(p.percent).toBe(60);
    expect(p.memoized).toBe(1);
    expect(p.counts).toEqual({ pending: 1, running: 1, retrying: 0, succeeded: 2, failed: 1, skipped: 0, cancelled: 0 });
    expect(p.running).toEqual([{ id: "3", elapsedMs: 3500 }]);
    // the cache hit is not a finish: 2 finishes in 4 s
    expect(p.throughputPerSec).toBe(0.5);
    expect(p.perTask).toBeUndefined();
  });

  it("measures throughput over the last minute only", () => {
    const units = Array.from({ length: 120 }, (_, i) => done(unit(i), i * S, (i + 1) * S));
    const p = computeProgress({ now: 600 * S, runStartedAt: 0, maxParallel: 1, units });
    expect(p.throughputPerSec).toBe(0);
    const q = computeProgress({ now: 120 * S, runStartedAt: 0, maxParallel: 1, units });
    expect(q.throughputPerSec).toBe(1);
  });

  it("reports elapsed and expected per task when asked", () => {
    const units = [done(unit(0), 0, 2 * S), unit(1, { status: "running", startedAt: 2 * S }), unit(2)];
    const p = computeProgress({ now: 3 * S, maxParallel: 2, units, perTask: true });
    expect(p.perTask).toEqual([
      { id: "1", status: "succeeded", elapsedMs: 2 * S, expectedMs: 2 * S },
      { id: "2", status: "running", elapsedMs: S, expectedMs: 2 * S },
      { id: "3", status: "pending", elapsedMs: undefined, expectedMs: 2 * S },
    ]);
  });

  it("treats an empty run as complete", () => {
    const p = computeProgress({ now: 0, maxParallel: 1, units: [] });
    expect(p).toMatchObject({ total: 0, percent: 100, etaMs: 0, throughputPerSec: 0 });
  });
});

describe("computeProgress at scale", () => {
  it("schedules 100,000 units: 1,000 chains of 100 × 1 s on 50 slots", () => {
    const units = Array.from({ length: 100_000 }, (_, i) => unit(i, { deps: i % 100 === 0 ? [] : [i - 1], expectedMs: S }));
    const p = computeProgress({ now: 0, maxParallel: 50, units, perTask: true });
    // work 100,000 s over 50 slots, and index priority finishes chains in batches of 50
    expect(p.etaMs).toBe(2000 * S);
    expect(p.counts.pending).toBe(100_000);
    expect(p.perTask).toHaveLength(100_000);
  });

  it("handles a wide fan-in over 100,000 units", () => {
    const units = Array.from({ length: 100_000 }, (_, i) => unit(i, { expectedMs: S }));
    units.push(unit(100_000, { deps: units.map((_, i) => i), expectedMs: 5 * S }));
    expect(computeProgress({ now: 0, maxParallel: 1000, units }).etaMs).toBe(105 * S);
  });
});

describe("computeProgress percent", () => {
  it("counts cancelled units as not done: a cancelled run shows how far it got", () => {
    const units = [
      unit(0, { status: "succeeded", startedAt: 0, finishedAt: S }),
      unit(1, { status: "cancelled" }),
      unit(2, { status: "cancelled" }),
      unit(3, { status: "skipped" }),
    ];
    const p = computeProgress({ now: 4 * S, runStartedAt: 0, maxParallel: 2, units });
    expect(p.settled).toBe(4);
    expect(p.percent).toBe(50);
  });
});
