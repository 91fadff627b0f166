// A run's progress and ETA from a snapshot of its units. The ETA is the makespan
// of simulating the rest of the run: each remaining unit gets an estimated
// duration and the remaining DAG is list-scheduled under maxParallel. Unlike
// extrapolating counts, this sees both the critical path (a long chain keeps a
// wide pool idle) and the parallel bound (100 one-second tasks on 10 slots take
// 10 s, not 100 s). History is read at this run's own pace (runPace), so a run
// going slower than its earlier ones says so in its ETA.

import { MinHeap } from "./heap.js";
import { TASK_STATUSES, isTaskSettled, type TaskStatus } from "./status.js";

export interface ProgressUnit {
  id: string;
  status: TaskStatus;
  /** Indexes into the units array. */
  deps: ArrayLike<number>;
  startedAt?: number;
  finishedAt?: number;
  /** Settled from the memo cache without running. */
  memoized?: boolean;
  /** Historical mean duration of this task in earlier runs, if known. */
  expectedMs?: number;
  /** Settles at once when ready, running nothing (a group: done when its subtasks are). */
  instant?: boolean;
}

export interface ProgressInput {
  now: number;
  runStartedAt?: number;
  maxParallel: number;
  units: ProgressUnit[];
  /** Include the per-unit breakdown (off by default: it is as large as the run). */
  perTask?: boolean;
}

export interface UnitProgress {
  id: string;
  status: TaskStatus;
  /** Time spent so far (running) or in total (finished). */
  elapsedMs?: number;
  /** The duration the ETA assumes for this unit; null when nothing is known. */
  expectedMs: number | null;
}

export interface Progress {
  total: number;
  settled: number;
  /**
   * The share of units that reached an outcome of their own (succeeded, failed or
   * skipped), 0..100 (100 for an empty run). Cancelled units did not: a cancelled
   * run shows how far it got, and reaches 100 only if every unit ended anyway.
   */
  percent: number;
  counts: Record<TaskStatus, number>;
  memoized: number;
  running: { id: string; elapsedMs: number }[];
  /**
   * Units that ran and finished, per second, over the last THROUGHPUT_WINDOW_MS
   * (or since the run started, if later); 0 before anything has started.
   */
  throughputPerSec: number;
  /** Time until every unit settles; 0 when the run is terminal, null when no duration is known. */
  etaMs: number | null;
  etaAt: number | null;
  perTask?: UnitProgress[];
}

export const THROUGHPUT_WINDOW_MS = 60_000;

export function computeProgress(input: ProgressInput): Progress {
  const { now, units } = input;
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  let settled = 0;
  let memoized = 0;
  let firstStart = Infinity;
  const running: Progress["running"] = [];
  for (const u of units) {
    counts[u.status]++;
    if (isTaskSettled(u.status)) settled++;
    if (u.memoized) memoized++;
    if (u.startedAt !== undefined) firstStart = Math.min(firstStart, u.startedAt);
    if (u.status === "running") running.push({ id: u.id, elapsedMs: now - (u.startedAt ?? now) });
  }

  // Observed durations: units that actually ran to an outcome (cache hits took no time,
  // cancelled ones were cut short).
  const windowStart = Math.max(input.runStartedAt ?? firstStart, now - THROUGHPUT_WINDOW_MS);
  let observedSum = 0;
  let observedCount = 0;
  let recentFinishes = 0;
  let historySum = 0;
  let historyCount = 0;
  // finished units that have a history: what they took this run against what history said
  let pacedActual = 0;
  let pacedExpected = 0;
  for (const u of units) {
    if (u.expectedMs !== undefined && !u.instant) {
      historySum += u.expectedMs;
      historyCount++;
    }
    if (!ranToOutcome(u)) continue;
    const took = u.finishedAt - u.startedAt;
    observedSum += took;
    observedCount++;
    if (u.expectedMs !== undefined) {
      pacedActual += took;
      pacedExpected += u.expectedMs;
    }
    if (u.finishedAt > windowStart && u.finishedAt <= now) recentFinishes++;
  }
  const windowSec = (now - windowStart) / 1000;
  const pace = runPace(pacedActual, pacedExpected, historyCount > 0 ? historySum / historyCount : 0);
  // Own history (at this run's pace) first, then this run's mean, then other tasks' history.
  const fallbackMs = observedCount > 0 ? observedSum / observedCount : historyCount > 0 ? historySum / historyCount : null;
  const estimate = (u: ProgressUnit): number | null => (u.instant ? 0 : u.expectedMs !== undefined ? u.expectedMs * pace : fallbackMs);

  const etaMs = simulateMakespan(units, Math.max(1, input.maxParallel), now, estimate);
  const progress: Progress = {
    total: units.length,
    settled,
    percent: units.length === 0 ? 100 : ((settled - counts.cancelled) / units.length) * 100,
    counts,
    memoized,
    running,
    throughputPerSec: windowSec > 0 ? recentFinishes / windowSec : 0,
    etaMs,
    etaAt: etaMs === null ? null : now + etaMs,
  };
  if (input.perTask) {
    progress.perTask = units.map((u) => ({
      id: u.id,
      status: u.status,
      elapsedMs: u.startedAt === undefined ? undefined : (u.finishedAt ?? now) - u.startedAt,
      expectedMs: estimate(u),
    }));
  }
  return progress;
}

/** How many typical tasks' worth of evidence it takes before the run's own pace counts as much as history. */
export const PACE_PRIOR_TASKS = 5;

/**
 * How fast this run goes compared with its history: the time its finished tasks
 * took over the time history expected of them (so a busier machine or a slower
 * cluster shows up in every remaining estimate), shrunk toward 1 by a prior worth
 * PACE_PRIOR_TASKS typical tasks, so a few early finishes do not swing the ETA.
 */
function runPace(actual: number, expected: number, typicalMs: number): number {
  const prior = PACE_PRIOR_TASKS * typicalMs;
  return prior + expected > 0 ? (prior + actual) / (prior + expected) : 1;
}

function ranToOutcome(u: ProgressUnit): u is ProgressUnit & { startedAt: number; finishedAt: number } {
  return (u.status === "succeeded" || u.status === "failed") && !u.memoized && u.startedAt !== undefined && u.finishedAt !== undefined;
}

/**
 * List-schedules the unsettled units from time 0 (= now), lowest index first
 * among the ready ones, and returns when the last finishes. O((n + e) log n),
 * iterative, on typed arrays: progress is asked for often during large runs.
 * Null when a unit that must run has no duration estimate.
 */
function simulateMakespan(
  units: ProgressUnit[],
  maxParallel: number,
  now: number,
  estimate: (u: ProgressUnit) => number | null,
): number | null {
  const n = units.length;
  const settled = new Uint8Array(n);
  const waiting = new Int32Array(n);
  /** Will never run: a dependency failed or was cancelled, so it waits on a person or gets skipped. */
  const blocked = new Uint8Array(n);
  // dependents of each unsettled unit, in compressed rows: first count, then fill
  const start = new Int32Array(n + 1);
  let unsettled = 0;
  for (let i = 0; i < n; i++) {
    const u = units[i]!;
    if (isTaskSettled(u.status)) {
      settled[i] = 1;
      continue;
    }
    unsettled++;
    const deps = u.deps;
    for (let k = 0; k < deps.length; k++) {
      const d = deps[k]!;
      const dep = units[d];
      if (dep === undefined) throw new RangeError(`unit ${u.id} depends on missing index ${d}`);
      if (dep.status === "failed" || dep.status === "cancelled") blocked[i] = 1;
      else if (!isTaskSettled(dep.status)) {
        waiting[i] = waiting[i]! + 1;
        start[d + 1] = start[d + 1]! + 1;
      }
    }
  }
  for (let i = 0; i < n; i++) start[i + 1] = start[i + 1]! + start[i]!;
  const fill = start.slice(0, n);
  const dependents = new Int32Array(start[n]!);
  for (let i = 0; i < n; i++) {
    if (settled[i] || waiting[i] === 0) continue;
    const deps = units[i]!.deps;
    for (let k = 0; k < deps.length; k++) {
      const d = deps[k]!;
      if (settled[d] || units[d]!.status === "failed" || units[d]!.status === "cancelled") continue;
      dependents[fill[d]!] = i;
      fill[d] = fill[d]! + 1;
    }
  }

  // each unit finishes once: its event is keyed by its own index
  const at = new Float64Array(n);
  const slot = new Uint8Array(n);
  const ready = new MinHeap<number>((a, b) => a < b);
  const events = new MinHeap<number>((a, b) => at[a]! < at[b]! || (at[a] === at[b] && a < b));
  let t = 0;
  let active = 0;
  const finishAt = (i: number, when: number, takesSlot: boolean) => {
    at[i] = when;
    slot[i] = takesSlot ? 1 : 0;
    events.push(i);
  };
  const release = (i: number) => (blocked[i] ? finishAt(i, t, false) : ready.push(i));

  for (let i = 0; i < n; i++) {
    if (settled[i] || waiting[i]! > 0) continue;
    const u = units[i]!;
    if (u.status !== "running") {
      release(i);
      continue;
    }
    // Already in a slot: only what is left of its estimate remains.
    const est = estimate(u);
    if (est === null) return null;
    active++;
    finishAt(i, Math.max(0, est - (now - (u.startedAt ?? now))), true);
  }

  for (;;) {
    while (active < maxParallel && ready.size > 0) {
      const i = ready.pop()!;
      const est = estimate(units[i]!);
      if (est === null) return null;
      active++;
      finishAt(i, t + est, true);
    }
    const first = events.peek();
    if (first === undefined) break;
    t = at[first]!;
    // Finish everything due at t before filling slots, so index priority holds among ties.
    while (events.size > 0 && at[events.peek()!] === t) {
      const i = events.pop()!;
      unsettled--;
      if (slot[i]) active--;
      for (let k = start[i]!; k < start[i + 1]!; k++) {
        const next = dependents[k]!;
        if (blocked[i]) blocked[next] = 1;
        waiting[next] = waiting[next]! - 1;
        if (waiting[next] === 0) release(next);
      }
    }
  }
  // Units never released sit on a dependency cycle: no meaningful estimate.
  return unsettled === 0 ? t : null;
}
