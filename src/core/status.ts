// Run and task statuses and the transitions between them. Every status change
// in the engine is checked here, so an impossible transition is a bug caught at
// the source rather than a corrupt record.

export const TASK_STATUSES = ["pending", "running", "retrying", "succeeded", "failed", "skipped", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const RUN_STATUSES = [
  "pending",
  "running",
  "paused",
  // cancel asked: running tasks are being stopped; the run settles cancelled once they have
  "cancelling",
  "succeeded",
  "completed_with_failures",
  "failed",
  "cancelled",
  "timed_out",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** How one attempt of a task ended ("running" while it runs). */
export const ATTEMPT_STATUSES = ["running", "succeeded", "failed", "timed_out", "cancelled"] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

const TASK_TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
  pending: ["running", "succeeded", "skipped", "cancelled"],
  running: ["succeeded", "failed", "retrying", "cancelled", "pending"],
  retrying: ["running", "cancelled", "pending"],
  // failed tasks can be retried by hand, or marked done or skipped
  failed: ["pending", "succeeded", "skipped"],
  skipped: ["pending"],
  cancelled: ["pending"],
  succeeded: [],
};

const RUN_TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  pending: ["running", "cancelling", "cancelled"],
  running: ["paused", "succeeded", "completed_with_failures", "failed", "cancelling", "cancelled", "timed_out"],
  // a pause lets running tasks finish: when they were the last, the run settles paused
  paused: ["running", "succeeded", "completed_with_failures", "failed", "cancelling", "cancelled", "timed_out"],
  cancelling: ["cancelled"],
  // settled runs can be resumed (and only resumed: there is nothing left to cancel)
  failed: ["running"],
  cancelled: ["running"],
  timed_out: ["running"],
  completed_with_failures: ["running"],
  succeeded: [],
};

export function canTaskMove(from: TaskStatus, to: TaskStatus): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

export function canRunMove(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** A task in one of these statuses will not change unless someone acts on it. */
export function isTaskSettled(s: TaskStatus): boolean {
  return s === "succeeded" || s === "failed" || s === "skipped" || s === "cancelled";
}

export function isRunSettled(s: RunStatus): boolean {
  return s !== "pending" && s !== "running" && s !== "paused" && s !== "cancelling";
}
