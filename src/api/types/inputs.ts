// Mutation inputs. Field-level rules (bounds, defaults) live in the domain's
// options schema, which names the offending field in an InvalidInput result.
import { builder } from "../builder.js";

export const RetryPolicyInput = builder.inputType("RetryPolicyInput", {
  fields: (t) => ({
    retryLimit: t.int({ description: "Retries after the first attempt (default 2)" }),
    baseDelayMs: t.float(),
    factor: t.float(),
    maxDelayMs: t.float(),
    budgetMs: t.float({ description: "Total backoff budget for the whole run" }),
  }),
});

export const RunOptionsInput = builder.inputType("RunOptionsInput", {
  fields: (t) => ({
    maxParallel: t.int(),
    checkpointInterval: t.int(),
    keepCheckpoints: t.int(),
    retry: t.field({ type: RetryPolicyInput }),
    continueOnError: t.boolean(),
    taskTimeoutMs: t.int(),
    runTimeoutMs: t.int(),
    cancelGraceMs: t.int(),
    executor: t.string(),
    command: t.string({ description: "Command template; {id} and {title} are replaced" }),
    cwd: t.string(),
    withDependencies: t.boolean(),
    includeDone: t.boolean(),
    expandSubtasks: t.boolean(),
    force: t.boolean({ description: "Bypass the memo cache" }),
    memoMaxAgeMs: t.int(),
    syncStatus: t.boolean({ description: "Write task statuses back into the tasks file as the run goes" }),
    retention: t.string({
      description: 'How long the run is kept once finished ("7d", "12h"), in place of the server\'s CONVEYOR_RETENTION',
    }),
  }),
});

export const StartRunInput = builder.inputType("StartRunInput", {
  fields: (t) => ({
    tasksFile: t.string({ description: "A tasks.json or Task Master project folder on the server" }),
    tag: t.string(),
    inline: t.field({ type: "JSON", description: "Inline task definitions or bare ids (a JSON array)" }),
    selection: t.string({
      description: 'A range spec ("1-5,8,10.2"), a JSON array text, or Task Master\'s `ready` or `all`, as in the CLI',
    }),
    taskIds: t.stringList({ description: "Explicit task ids" }),
    options: t.field({ type: RunOptionsInput }),
  }),
});

export const MarkAsEnum = builder.enumType("MarkTaskAs", {
  values: { DONE: { value: "succeeded" as const }, SKIPPED: { value: "skipped" as const } },
});
