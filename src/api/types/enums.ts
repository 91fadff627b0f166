// Run, task and attempt statuses, straight from the domain's lists.
import { RUN_STATES } from "../../core/run-state.js";
import { ATTEMPT_STATUSES, TASK_STATUSES } from "../../core/status.js";
import { builder } from "../builder.js";

const upper = (list: readonly string[]) =>
  Object.fromEntries(list.map((s) => [s.toUpperCase(), { value: s }])) as Record<string, { value: string }>;

/** The stored statuses and INTERRUPTED: a run whose driver is gone (derived from its lease, core/run-state.ts). */
export const RunStatusEnum = builder.enumType("RunStatus", { values: upper(RUN_STATES) });
export const TaskStatusEnum = builder.enumType("TaskStatus", { values: upper(TASK_STATUSES) });
export const AttemptStatusEnum = builder.enumType("AttemptStatus", { values: upper(ATTEMPT_STATUSES) });
