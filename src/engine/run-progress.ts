// A run's progress from its units' facts, whether the facts come from the
// supervisor driving it or from the stored rows of a run driven elsewhere.
import { computeProgress, type Progress } from "../core/progress.js";
import type { TaskStatus } from "../core/status.js";

export interface UnitFacts {
  id: string;
  status: TaskStatus;
  deps: ArrayLike<number>;
  startedAt: number | null;
  finishedAt: number | null;
  memoized: boolean;
  memoKey: string;
  /** A group unit: done when its subtasks are, in no time. */
  group: boolean;
}

export interface RunFacts {
  now: number;
  startedAt: number | null;
  maxParallel: number;
  perTask: boolean;
  /** Mean durations of earlier runs, by memo key. */
  expectedMs: Map<string, number>;
  size: number;
  unit(i: number): UnitFacts;
}

export function runProgress(r: RunFacts): Progress {
  return computeProgress({
    now: r.now,
    perTask: r.perTask,
    ...(r.startedAt !== null ? { runStartedAt: r.startedAt } : {}),
    maxParallel: r.maxParallel,
    // one object shape for every unit (absent values undefined, not missing): this runs
    // over every unit of a large run each time its progress is asked for
    units: Array.from({ length: r.size }, (_, i) => {
      const u = r.unit(i);
      return {
        id: u.id,
        status: u.status,
        deps: u.deps,
        startedAt: u.startedAt ?? undefined,
        finishedAt: u.finishedAt ?? undefined,
        memoized: u.memoized,
        expectedMs: r.expectedMs.get(u.memoKey),
        instant: u.group,
      };
    }),
  });
}
