// The bodies REST answers with, as JSON Schema (OpenAPI 3.1 speaks 2020-12).
// Run options come from the options schema itself, so the two cannot drift.
import { z } from "zod";
import { RUN_STATES } from "../../core/run-state.js";
import { runOptionsSchema } from "../../core/run-options.js";
import { TASK_STATUSES } from "../../core/status.js";
import { toSnake } from "./snake.js";

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const timestamp = (description: string) => ({ type: ["string", "null"], format: "date-time", description });
const count = { type: "integer", minimum: 0 };
function object(properties: Record<string, object>, description?: string, optional: string[] = []) {
  const required = Object.keys(properties).filter((k) => !optional.includes(k));
  return {
    type: "object",
    ...(description ? { description } : {}),
    ...(required.length ? { required } : {}),
    properties,
    additionalProperties: false,
  };
}

/** A zod-made JSON Schema with snake_case property names, closed objects, and no $schema of its own. */
function snakeSchema(schema: unknown, isDefault = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => snakeSchema(s, isDefault));
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "$schema") continue;
    if (isDefault) out[toSnake(k)] = snakeSchema(v, true);
    else if (k === "properties") out[k] = Object.fromEntries(Object.entries(v as object).map(([p, s]) => [toSnake(p), snakeSchema(s)]));
    else if (k === "required") out[k] = (v as string[]).map(toSnake);
    else out[k] = snakeSchema(v, k === "default");
  }
  if (out.type === "object" && !isDefault) out.additionalProperties = false;
  return out;
}

const runOptions = (io: "input" | "output") =>
  snakeSchema(z.toJSONSchema(runOptionsSchema, { io })) as { properties: Record<string, object> };
const optionsIn = runOptions("input");

const sourceFields = {
  task_list: { type: "array", items: { type: ["string", "integer"] }, description: "The ids to run", examples: [["1", "2", "7.3"]] },
  task_range: { type: "string", description: "The ids to run as ranges", examples: ["1-100", "1-3,7,9.2"] },
  tasks_file: { type: "string", description: "A tasks.json (or project folder) on the server; default: the server's project" },
  tag: { type: "string", description: "The Task Master tag to read" },
  tasks: { type: "array", description: "Inline task definitions or ids, instead of a tasks file", items: {} },
  options: ref("RunOptionsInput"),
};

export const schemas = {
  RunStatus: { type: "string", enum: [...RUN_STATES], description: "`interrupted`: left running by a driver that is gone; resume it" },
  TaskStatus: { type: "string", enum: [...TASK_STATUSES] },
  StatusCounts: object(Object.fromEntries(TASK_STATUSES.map((s) => [s, count])), "How many tasks are in each status"),
  WorkflowStatus: object({ workflow_id: { type: "string" }, status: ref("RunStatus") }),
  Started: object({
    workflow_id: { type: "string" },
    status: ref("RunStatus"),
    total: count,
    warnings: { type: "array", items: { type: "string" }, description: "What was read from the tasks but will not run as written" },
  }),
  Deleted: object({
    workflow_id: { type: "string" },
    deleted: object({ tasks: count, attempts: count, event_pages: count, checkpoints: count }, "Rows removed, by kind"),
  }),
  Checkpoint: object({ workflow_id: { type: "string" }, status: ref("RunStatus"), checkpoint_id: { type: "string" } }),
  RunningTask: object({ task_id: { type: "string" }, elapsed_ms: { type: "number", minimum: 0 } }),
  Progress: object({
    workflow_id: { type: "string" },
    status: ref("RunStatus"),
    total: count,
    settled: { ...count, description: "Tasks that will not run again (succeeded, failed, skipped or cancelled)" },
    percent: { type: "number", minimum: 0, maximum: 100 },
    counts: ref("StatusCounts"),
    memoized: { ...count, description: "Tasks settled from cached results" },
    running_tasks: { type: "array", items: ref("RunningTask") },
    throughput_per_sec: { type: "number", minimum: 0, description: "Tasks that ran and finished per second, over the last minute" },
    eta_seconds: {
      type: ["number", "null"],
      minimum: 0,
      description: "Seconds until every task settles: 0 once the run ended, null while no duration is known",
    },
    eta_at: timestamp("When the ETA expects the run to end"),
  }),
  TaskState: object({
    id: { type: "string" },
    title: { type: "string" },
    status: ref("TaskStatus"),
    attempts: count,
    memoized: { type: "boolean" },
    error: { type: ["string", "null"] },
    result: { description: "What the task returned (any JSON), null when nothing" },
    started_at: timestamp("When its latest attempt started"),
    finished_at: timestamp("When it settled"),
  }),
  RunSource: object({
    origin: { type: "string", description: "The tasks file read, or `inline`" },
    format: { type: "string" },
    tag: { type: ["string", "null"] },
    selection: { type: ["string", "null"], description: "The selection as given" },
    warnings: { type: "array", items: { type: "string" } },
  }),
  RunOptions: { ...runOptions("output"), description: "The options the run uses, defaults filled in" },
  RunOptionsInput: { ...optionsIn, description: "Run options; each may also be given at the top level of the request" },
  State: object({
    workflow_id: { type: "string" },
    status: ref("RunStatus"),
    reason: { type: ["string", "null"], description: "Why it ended as it did (a cancel's reason, a failure)" },
    total: count,
    counts: ref("StatusCounts"),
    memoized: count,
    options: ref("RunOptions"),
    source: ref("RunSource"),
    driver: { type: ["string", "null"], description: "The process driving the run, if any" },
    created_at: timestamp("When the run was recorded"),
    started_at: timestamp("When it (last) started"),
    finished_at: timestamp("When it ended"),
    updated_at: timestamp("Its last recorded change"),
    archived_at: timestamp("When it was archived (its tasks read from the archive; it cannot be resumed), or null"),
    tasks: { type: "array", items: ref("TaskState") },
  }),
  StartRequest: {
    ...object(
      { ...sourceFields, ...optionsIn.properties },
      "What to run (tasks_file or tasks, task_list or task_range) and the run options",
      Object.keys({ ...sourceFields, ...optionsIn.properties }),
    ),
  },
  ResumeRequest: object(
    { checkpoint_id: { type: "string", description: "Go back to this checkpoint; default: go on from where the run stopped" } },
    undefined,
    ["checkpoint_id"],
  ),
  CancelRequest: object({ reason: { type: "string" } }, undefined, ["reason"]),
  Error: object({ error: ref("ErrorDetail") }),
  ErrorDetail: object(
    {
      code: { type: "string", description: "Stable, for clients to branch on" },
      message: { type: "string", description: "Cut after 300 characters, saying how many more there were" },
      request_id: { type: "string", description: "Also in the x-request-id header and the server's log" },
      field: {
        type: "string",
        description: "The input at fault, as the request spelled it (`max_paralel`, `options.retry.retry_limit`, `tasks[0].title`)",
      },
      suggestion: { type: "string", description: "The known name nearest to an unknown `field`" },
      allowed: { type: "array", items: { type: "string" }, description: "The methods the path takes (405)" },
      part: { type: "string" },
      ids: { type: "array", items: { type: "string" } },
      cycle: { type: "array", items: { type: "string" } },
      missing: { type: "array", items: object({ task: { type: "string" }, dependency: { type: "string" } }) },
      tag: { type: "string" },
      available: { type: "array", items: { type: "string" } },
      file: { type: "string" },
      path: { type: "string" },
      line: { type: "integer" },
      column: { type: "integer" },
      offset: { type: "integer" },
      subject: { type: "string" },
      from: { type: "string" },
      action: { type: "string" },
      run_id: { type: "string" },
      task_id: { type: "string" },
      checkpoint_id: { type: "string" },
      budget_ms: { type: "number" },
      reason: { type: "string" },
      setting: { type: "string" },
      degraded: { type: "object", additionalProperties: { type: "string" } },
    },
    "The code and message; the other fields are there when they explain the error",
    [
      "field",
      "suggestion",
      "allowed",
      "part",
      "ids",
      "cycle",
      "missing",
      "tag",
      "available",
      "file",
      "path",
      "line",
      "column",
      "offset",
      "subject",
      "from",
      "action",
      "run_id",
      "task_id",
      "checkpoint_id",
      "budget_ms",
      "reason",
      "setting",
      "degraded",
    ],
  ),
  Health: object({ status: { type: "string", enum: ["ok"] } }),
  Readiness: object(
    {
      status: { type: "string", enum: ["ready", "degraded"] },
      degraded: { type: "object", additionalProperties: { type: "string" }, description: "What is down, and why" },
    },
    undefined,
    ["degraded"],
  ),
};
