// A run's options: defaults, bounds and field-named errors in one schema, shared
// by the CLI, the library API and (later) GraphQL and REST.
import { z } from "zod";
import { InvalidOptionError } from "./errors.js";
import { defaultRetryPolicy } from "./retry.js";
import { AGE_HINT, parseAge } from "./retention.js";

const ms = z.number().finite().nonnegative();

export const retryPolicySchema = z.object({
  retryLimit: z.number().int().nonnegative().default(defaultRetryPolicy.retryLimit),
  baseDelayMs: ms.default(defaultRetryPolicy.baseDelayMs),
  factor: z.number().finite().min(1).default(defaultRetryPolicy.factor),
  maxDelayMs: ms.default(defaultRetryPolicy.maxDelayMs),
  budgetMs: ms.optional(),
});

export const runOptionsSchema = z
  .object({
    maxParallel: z.number().int().min(1).max(10_000).default(1),
    retry: retryPolicySchema.default(() => retryPolicySchema.parse({})),
    continueOnError: z.boolean().default(false),
    /** Per-attempt timeout. */
    taskTimeoutMs: z.number().int().positive().optional(),
    /** Whole-run timeout, counted from the run's (re)start. */
    runTimeoutMs: z.number().int().positive().optional(),
    /** After a cancel, running tasks get this long before they are killed outright. */
    cancelGraceMs: z.number().int().nonnegative().default(5_000),
    checkpointInterval: z.number().int().min(1).default(10),
    keepCheckpoints: z.number().int().min(1).default(5),
    executor: z.string().min(1).default("local"),
    /** Command template for the local executor; `{id}` is replaced by the task id. */
    command: z.string().min(1).optional(),
    cwd: z.string().min(1).optional(),
    /** Run tasks even when a cached result with the same memo key exists. */
    force: z.boolean().default(false),
    /** Cached results older than this are ignored. */
    memoMaxAgeMs: z.number().int().positive().optional(),
    expandSubtasks: z.boolean().default(false),
    withDependencies: z.boolean().default(false),
    includeDone: z.boolean().default(false),
    /** Write task statuses back into the Task Master file the run read (src/taskmaster-sync). */
    syncStatus: z.boolean().default(false),
    /** How long this run is kept once finished ("7d"), in place of CONVEYOR_RETENTION's policy. */
    retention: z
      .string()
      .refine((t) => parseAge(t) !== null, { message: `expected ${AGE_HINT}` })
      .optional(),
  })
  .strict();

export type RunOptions = z.output<typeof runOptionsSchema>;
export type RunOptionsInput = z.input<typeof runOptionsSchema>;

/** Parses options, naming the first offending field ("retry.retryLimit: ..."). */
export function parseRunOptions(input: unknown): RunOptions {
  const parsed = runOptionsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(", ") : "options");
  throw new InvalidOptionError(field, issue.message);
}
