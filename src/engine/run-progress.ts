// A run's progress from its units' facts, whether the facts come from the
// supervisor driving it or from the stored rows of a run driven elsewhere.
import { computeProgress, type Progress } from "../core/progress.js";
import type { TaskStatus } from "../core/status.js";

export interface UnitFacts {
  id: string;
  status: TaskStatus;
  deps: number[];
  startedAt: number | null;
  finishedAt: number | null;
  memoized: boolean;
  memoKey: string;
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
    units: Array.from({ length: r.size }, (_, i) => {
      const u = r.unit(i);
      const expected = r.expectedMs.get(u.memoKey);
      return {
        id: u.id,
        status: u.status,
        deps: u.deps,
        ...(u.startedAt !== null ? { startedAt: u.startedAt } : {}),
        ...(u.finishedAt !== null ? { finishedAt: u.finishedAt } : {}),
        memoized: u.memoized,
        ...(expected !== undefined ? { expectedMs: expected } : {}),
      };
    }),
  });
}
