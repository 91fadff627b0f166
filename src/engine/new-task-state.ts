// A task row as a new run starts it: the one definition of its defaults. The
// supervisor holds it in memory and storage's insertUnits writes it, so the two
// never disagree about what a task that has not run looks like.
import type { PlanUnit } from "../core/task.js";
import type { TaskState } from "./store.js";

export function newTaskState(u: PlanUnit): TaskState {
  return {
    index: u.index,
    status: u.initial?.status ?? "pending",
    attempts: 0,
    memoized: false,
    blockedBy: null,
    error: u.initial?.reason ?? null,
    result: undefined,
    progress: null,
    startedAt: null,
    finishedAt: null,
  };
}
