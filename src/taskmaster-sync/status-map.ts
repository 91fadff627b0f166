// Which Task Master status a run event means for its task (docs/taskmaster.md):
// started -> in-progress; succeeded or memoized -> done; a final failure ->
// blocked (it needs a person, and Task Master then offers neither it nor its
// dependents as ready); cancelled -> back to the status it had before the run.
// Skips and retries leave the file alone: a skipped task never started.
import type { RunEvent, RunEventType } from "../core/events.js";

export const RESTORE = Symbol("restore");
export type Target = string | typeof RESTORE;

const TARGETS: Partial<Record<RunEventType, Target>> = {
  "task.started": "in-progress",
  "task.succeeded": "done",
  "task.memoized": "done",
  "task.failed": "blocked",
  "task.cancelled": RESTORE,
};

export function targetOf(event: RunEvent): Target | undefined {
  return event.taskId === undefined ? undefined : TARGETS[event.type];
}
