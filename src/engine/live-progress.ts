// The progress of a run driven here, read from the supervisor's memory (the
// schedule's statuses, the unit table's times) instead of the stored rows.
import type { Progress } from "../core/progress.js";
import type { Schedule } from "../core/scheduler.js";
import { runProgress, type RunFacts } from "./run-progress.js";
import type { UnitCatalog } from "./unit-catalog.js";
import type { UnitTableView } from "./unit-table.js";

export function liveProgress(units: UnitCatalog, schedule: Schedule, table: UnitTableView, run: Omit<RunFacts, "size" | "unit">): Progress {
  return runProgress({
    ...run,
    size: units.size,
    unit: (i) => ({
      id: units.id(i),
      status: schedule.statusOf(i),
      deps: units.deps(i),
      startedAt: table.startedAt(i),
      finishedAt: table.finishedAt(i),
      memoized: table.isMemoized(i),
      memoKey: units.memoKey(i),
      group: units.isGroup(i),
    }),
  });
}
