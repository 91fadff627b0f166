// What Task Master calls "ready" (`task-master list --ready`, 0.43.1): a
// top-level task whose status is pending, in-progress or review and whose every
// dependency is a top-level task of the same tag that is done or cancelled.
// A dependency on a subtask ("5.1") never counts as satisfied there, because
// Task Master looks it up among top-level ids only; we follow it to agree.
import type { SourceTask, TaskSource } from "./task.js";

/** Task Master's statuses (`task-master set-status --help`). */
export const TASKMASTER_STATUSES = ["pending", "in-progress", "done", "deferred", "cancelled", "blocked", "review"] as const;

const WORKABLE = new Set(["pending", "in-progress", "review"]);
/** "completed" is read as "done" by the loader, so it satisfies dependencies as Task Master's rule says. */
const SATISFYING = new Set(["done", "cancelled"]);

/** Done or cancelled: Task Master's "complete", and what `--select all` leaves out. */
export function isFinished(task: SourceTask): boolean {
  return SATISFYING.has(task.status ?? "pending");
}

/**
 * The top-level tasks Task Master would list as ready, in file order. Ids are
 * compared as Task Master's `list` compares them, as written (`asWritten`), so a
 * dependency 3 on a task written "03" is not satisfied, there as here. A task
 * listed twice (a duplicated id) is listed twice, as there.
 */
export function readyTasks(source: TaskSource): SourceTask[] {
  const finished = new Set(source.tasks.filter(isFinished).map((t) => t.asWritten?.id ?? t.id));
  return source.tasks.filter(
    (t) => WORKABLE.has(t.status ?? "pending") && (t.asWritten?.dependencies ?? t.dependencies).every((d) => finished.has(d)),
  );
}
