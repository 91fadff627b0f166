// Run, task and attempt statuses, straight from the domain's lists.
import { ATTEMPT_STATUSES, RUN_STATUSES, TASK_STATUSES } from "../../core/status.js";
import { builder } from "../builder.js";

const upper = (list: readonly string[]) =>
  Object.fromEntries(list.map((s) => [s.toUpperCase(), { value: s }])) as Record<string, { value: string }>;

export const RunStatusEnum = builder.enumType("RunStatus", { values: upper(RUN_STATUSES) });
export const TaskStatusEnum = builder.enumType("TaskStatus", { values: upper(TASK_STATUSES) });
export const AttemptStatusEnum = builder.enumType("AttemptStatus", { values: upper(ATTEMPT_STATUSES) });
