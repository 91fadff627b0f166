// Which attempt's log a request means, checked before anything is followed:
// the run and task must exist, `attempt` (default: the latest, or the first
// while none started) must have started or be the next one of an unsettled
// task, and `after` must be a sequence number. Shared by GraphQL and REST.
import { InvalidOptionError, TaskNotFoundError } from "../../core/errors.js";
import { isTaskSettled } from "../../core/status.js";
import type { RunStore } from "../../engine/store.js";
import type { TaskLogTarget } from "./task-log-stream.js";

/** What finding a task takes (the API's RunService is one). */
export interface TaskLookup {
  /** Throws RunNotFoundError when the run does not exist. */
  requireRun(runId: string): Promise<unknown>;
  store: Pick<RunStore, "loadUnits">;
}

export async function taskLogTarget(runs: TaskLookup, runId: string, taskId: string, attempt?: number | null): Promise<TaskLogTarget> {
  if (attempt != null && (!Number.isInteger(attempt) || attempt < 1)) {
    throw new InvalidOptionError("attempt", `must be a whole number of at least 1, not ${attempt}`);
  }
  await runs.requireRun(runId);
  const unit = (await runs.store.loadUnits(runId)).find((u) => u.id === taskId);
  if (!unit) throw new TaskNotFoundError(runId, taskId);
  const { attempts, status } = unit.state;
  const n = attempt ?? Math.max(attempts, 1);
  if (n > attempts + 1 || (n === attempts + 1 && isTaskSettled(status))) {
    throw new InvalidOptionError(
      "attempt",
      `task ${taskId} has had ${attempts} attempt${attempts === 1 ? "" : "s"}; attempt ${n} has not started`,
    );
  }
  return { runId, taskId, index: unit.index, attempt: n };
}

export function checkAfter(after: number | null | undefined): number {
  if (after == null) return 0;
  if (!Number.isInteger(after) || after < 0) throw new InvalidOptionError("after", `must be a whole number of at least 0, not ${after}`);
  return after;
}
