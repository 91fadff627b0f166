// The task and run state machines (canTaskMove, canRunMove), as tables of the
// transitions the engine needs and of those it must never make, each with the
// reason from the domain. Pairs the engine has no use for either way are left out.
import { describe, expect, it } from "vitest";
import { canRunMove, canTaskMove, RUN_STATUSES, TASK_STATUSES, type RunStatus, type TaskStatus } from "../../src/core/status.js";

describe("canTaskMove", () => {
  it.each<[TaskStatus, TaskStatus, string]>([
    ["pending", "running", "dispatched once its dependencies are met"],
    ["pending", "skipped", "a dependency failed under continueOnError"],
    ["pending", "cancelled", "the run is cancelled or times out before it starts"],
    ["running", "succeeded", "its attempt succeeded"],
    ["running", "failed", "its last attempt failed"],
    ["running", "retrying", "an attempt failed with retries left"],
    ["running", "cancelled", "killed by a cancel"],
    ["retrying", "pending", "its backoff elapsed: back in the queue"],
    ["retrying", "cancelled", "the run is cancelled during its backoff"],
    ["failed", "pending", "retried by hand"],
    ["failed", "succeeded", "marked done by hand"],
    ["failed", "skipped", "marked skipped by hand"],
    ["cancelled", "pending", "retried by hand"],
    ["skipped", "pending", "the failed dependency that skipped it was retried or marked"],
  ])("allows %s → %s (%s)", (from, to) => {
    expect(canTaskMove(from, to)).toBe(true);
  });

  it.each<[TaskStatus, TaskStatus, string]>([
    ...TASK_STATUSES.filter((s) => s !== "succeeded").map((to): [TaskStatus, TaskStatus, string] => [
      "succeeded",
      to,
      "a success is recorded once and never undone",
    ]),
    ["pending", "failed", "a task that never ran cannot fail"],
    ["pending", "retrying", "a task that never ran has no attempt to retry"],
    ["retrying", "succeeded", "it must run again first"],
    ["retrying", "failed", "it must run again first"],
    ["running", "skipped", "only tasks not yet started are skipped"],
    ["failed", "running", "a retry goes through the queue (order, maxParallel)"],
    ["failed", "cancelled", "a cancel leaves settled tasks as they are"],
    ["skipped", "running", "a skipped task goes back through the queue"],
    ["skipped", "succeeded", "a skipped task never ran; only failed tasks are marked by hand"],
    ["cancelled", "running", "a retry goes through the queue"],
    ["cancelled", "succeeded", "only failed tasks are marked by hand"],
    ["cancelled", "skipped", "only failed tasks are marked by hand"],
  ])("refuses %s → %s (%s)", (from, to) => {
    expect(canTaskMove(from, to)).toBe(false);
  });

  it.each(TASK_STATUSES)("refuses %s → itself (an outcome recorded twice is a bug)", (s) => {
    expect(canTaskMove(s, s)).toBe(false);
  });
});

describe("canRunMove", () => {
  it.each<[RunStatus, RunStatus, string]>([
    ["pending", "running", "started"],
    ["pending", "cancelled", "cancelled before it started"],
    ["running", "paused", "paused"],
    ["running", "succeeded", "every task succeeded"],
    ["running", "completed_with_failures", "done, with failures, under continueOnError"],
    ["running", "failed", "a final failure halted it"],
    ["running", "cancelled", "cancelled"],
    ["running", "timed_out", "its run timeout passed"],
    ["paused", "running", "resumed"],
    ["paused", "cancelled", "cancelled while paused"],
    ["paused", "succeeded", "the last running tasks ended while paused, with nothing pending"],
    ["paused", "completed_with_failures", "the last running tasks ended while paused, some failed"],
    ["paused", "failed", "a running task failed for good while paused"],
    ["paused", "timed_out", "its run timeout passed while paused"],
    ["failed", "running", "resumed, or a task retried or marked"],
    ["completed_with_failures", "running", "resumed, or a task retried or marked"],
    ["cancelled", "running", "resumed"],
    ["timed_out", "running", "resumed"],
  ])("allows %s → %s (%s)", (from, to) => {
    expect(canRunMove(from, to)).toBe(true);
  });

  it.each<[RunStatus, RunStatus, string]>([
    ...RUN_STATUSES.filter((s) => s !== "succeeded").map((to): [RunStatus, RunStatus, string] => [
      "succeeded",
      to,
      "a succeeded run has nothing left to do",
    ]),
    ["pending", "succeeded", "a run that never started cannot finish"],
    ["pending", "paused", "only a running run can be paused"],
    ["pending", "timed_out", "its timeout counts from its start"],
    ["failed", "succeeded", "a fix runs tasks again: through running"],
    ["completed_with_failures", "succeeded", "a fix runs tasks again: through running"],
    ["timed_out", "failed", "settled runs change only by running again"],
    ["cancelled", "timed_out", "settled runs change only by running again"],
    ["failed", "paused", "only a running run can be paused"],
    ["failed", "cancelled", "a settled run has nothing left to cancel"],
    ["timed_out", "cancelled", "a settled run has nothing left to cancel"],
    ["completed_with_failures", "cancelled", "a settled run has nothing left to cancel"],
    ["cancelled", "paused", "only a running run can be paused"],
    ["timed_out", "paused", "only a running run can be paused"],
    ["completed_with_failures", "paused", "only a running run can be paused"],
  ])("refuses %s → %s (%s)", (from, to) => {
    expect(canRunMove(from, to)).toBe(false);
  });

  it.each(RUN_STATUSES)("refuses %s → itself", (s) => {
    expect(canRunMove(s, s)).toBe(false);
  });
});
