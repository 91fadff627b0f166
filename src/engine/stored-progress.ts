// Progress of a run this process does not drive, from its stored rows.
import { computeProgress, type Progress } from "../core/progress.js";
import type { RunRecord, StoredUnit } from "./store.js";

export function storedProgress(
  run: RunRecord,
  units: StoredUnit[],
  expectedMs: Map<string, number>,
  now: number,
  perTask: boolean,
): Progress {
  return computeProgress({
    now,
    perTask,
    ...(run.startedAt !== null ? { runStartedAt: run.startedAt } : {}),
    maxParallel: run.options.maxParallel,
    units: units.map((u) => {
      const expected = expectedMs.get(u.memoKey);
      return {
        id: u.id,
        status: u.state.status,
        deps: u.deps,
        ...(u.state.startedAt !== null ? { startedAt: u.state.startedAt } : {}),
        ...(u.state.finishedAt !== null ? { finishedAt: u.state.finishedAt } : {}),
        memoized: u.state.memoized,
        ...(expected !== undefined ? { expectedMs: expected } : {}),
      };
    }),
  });
}
