// The flags that shape a run, shared by `run` and the commands that start one.
import type { RunOptionsInput } from "../core/run-options.js";
import { parseDuration } from "./durations.js";
import { UsageError } from "./usage-error.js";

export const runFlagSpec = {
  tasks: { type: "string", short: "t" },
  tag: { type: "string" },
  inline: { type: "string" },
  select: { type: "string", short: "s" },
  status: { type: "string" },
  parallel: { type: "string", short: "p" },
  command: { type: "string", short: "c" },
  cwd: { type: "string" },
  executor: { type: "string" },
  retries: { type: "string" },
  "retry-delay": { type: "string" },
  "retry-max-delay": { type: "string" },
  "retry-budget": { type: "string" },
  "continue-on-error": { type: "boolean" },
  "task-timeout": { type: "string" },
  "run-timeout": { type: "string" },
  "cancel-grace": { type: "string" },
  "checkpoint-interval": { type: "string" },
  "keep-checkpoints": { type: "string" },
  "expand-subtasks": { type: "boolean" },
  "with-dependencies": { type: "boolean" },
  "include-done": { type: "boolean" },
  force: { type: "boolean" },
  "memo-max-age": { type: "string" },
  "sync-status": { type: "boolean" },
} as const;

type Flags = { [K in keyof typeof runFlagSpec]?: (typeof runFlagSpec)[K]["type"] extends "boolean" ? boolean : string };

function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(value)) throw new UsageError(`--${flag}: "${value}" is not a whole number`);
  return Number(value);
}

const dur = (value: string | undefined, flag: string) => (value === undefined ? undefined : parseDuration(value, `--${flag}`));

/** Flags to run options; only what was given, so the schema's defaults apply to the rest. */
export function runOptionsFromFlags(f: Flags): RunOptionsInput {
  const entries: [string, unknown][] = [
    ["maxParallel", int(f.parallel, "parallel")],
    ["command", f.command],
    ["cwd", f.cwd],
    ["executor", f.executor],
    ["continueOnError", f["continue-on-error"]],
    ["taskTimeoutMs", dur(f["task-timeout"], "task-timeout")],
    ["runTimeoutMs", dur(f["run-timeout"], "run-timeout")],
    ["cancelGraceMs", dur(f["cancel-grace"], "cancel-grace")],
    ["checkpointInterval", int(f["checkpoint-interval"], "checkpoint-interval")],
    ["keepCheckpoints", int(f["keep-checkpoints"], "keep-checkpoints")],
    ["expandSubtasks", f["expand-subtasks"]],
    ["withDependencies", f["with-dependencies"]],
    ["includeDone", f["include-done"]],
    ["force", f.force],
    ["memoMaxAgeMs", dur(f["memo-max-age"], "memo-max-age")],
    ["syncStatus", f["sync-status"]],
  ];
  const retry = Object.fromEntries(
    [
      ["retryLimit", int(f.retries, "retries")],
      ["baseDelayMs", dur(f["retry-delay"], "retry-delay")],
      ["maxDelayMs", dur(f["retry-max-delay"], "retry-max-delay")],
      ["budgetMs", dur(f["retry-budget"], "retry-budget")],
    ].filter(([, v]) => v !== undefined),
  );
  const options = Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  return Object.keys(retry).length > 0 ? { ...options, retry } : options;
}
