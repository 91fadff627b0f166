// The flags that shape a run, shared by `run` and the commands that start one:
// one table gives each flag its run option, its help line with the schema's
// default, and the flag name an option's error is reported under.
import { parseRunOptions, type RunOptionsInput } from "../core/run-options.js";
import { formatDuration, parseDuration } from "./durations.js";
import { UsageError } from "./usage-error.js";

type Kind = "int" | "duration" | "string" | "boolean";

interface RunFlag {
  flag: string;
  /** The run option it sets, as a dotted path ("retry.retryLimit"). */
  path: string;
  kind: Kind;
  help: string;
  short?: string;
  placeholder?: string;
  /** Shown in help as "(default: …)". */
  default?: string;
}

const D = parseRunOptions({});
const dur = (ms: number) => formatDuration(ms);

export const RUN_FLAGS: readonly RunFlag[] = [
  {
    flag: "parallel",
    short: "p",
    path: "maxParallel",
    kind: "int",
    placeholder: "n",
    help: "run at most n tasks at once",
    default: String(D.maxParallel),
  },
  {
    flag: "command",
    short: "c",
    path: "command",
    kind: "string",
    placeholder: "template",
    help: "shell command per task; {id} and {title} are replaced, shell-quoted",
  },
  { flag: "cwd", path: "cwd", kind: "string", placeholder: "dir", help: "folder the commands run in", default: "the current folder" },
  {
    flag: "executor",
    path: "executor",
    kind: "string",
    placeholder: "name",
    help: "local, or argo (with CONVEYOR_ARGO_NAMESPACE)",
    default: D.executor,
  },
  {
    flag: "retries",
    path: "retry.retryLimit",
    kind: "int",
    placeholder: "n",
    help: "retries of a failed task",
    default: String(D.retry.retryLimit),
  },
  {
    flag: "retry-delay",
    path: "retry.baseDelayMs",
    kind: "duration",
    placeholder: "duration",
    help: "first retry's backoff (doubling, full jitter)",
    default: dur(D.retry.baseDelayMs),
  },
  {
    flag: "retry-max-delay",
    path: "retry.maxDelayMs",
    kind: "duration",
    placeholder: "duration",
    help: "longest backoff",
    default: dur(D.retry.maxDelayMs),
  },
  {
    flag: "retry-budget",
    path: "retry.budgetMs",
    kind: "duration",
    placeholder: "duration",
    help: "total backoff the whole run may spend",
    default: "none",
  },
  { flag: "continue-on-error", path: "continueOnError", kind: "boolean", help: "skip a failed task's dependents and go on with the rest" },
  {
    flag: "task-timeout",
    path: "taskTimeoutMs",
    kind: "duration",
    placeholder: "duration",
    help: "kill an attempt running longer (a failed attempt)",
    default: "none",
  },
  {
    flag: "run-timeout",
    path: "runTimeoutMs",
    kind: "duration",
    placeholder: "duration",
    help: "cancel what remains after this long (run ends timed_out)",
    default: "none",
  },
  {
    flag: "cancel-grace",
    path: "cancelGraceMs",
    kind: "duration",
    placeholder: "duration",
    help: "after SIGTERM, how long a stopped task has before SIGKILL",
    default: dur(D.cancelGraceMs),
  },
  {
    flag: "checkpoint-interval",
    path: "checkpointInterval",
    kind: "int",
    placeholder: "n",
    help: "checkpoint every n finished tasks",
    default: String(D.checkpointInterval),
  },
  {
    flag: "keep-checkpoints",
    path: "keepCheckpoints",
    kind: "int",
    placeholder: "n",
    help: "checkpoints kept",
    default: String(D.keepCheckpoints),
  },
  { flag: "expand-subtasks", path: "expandSubtasks", kind: "boolean", help: "run each subtask as a unit of its own" },
  { flag: "with-dependencies", path: "withDependencies", kind: "boolean", help: "pull in unfinished dependencies outside the selection" },
  { flag: "include-done", path: "includeDone", kind: "boolean", help: "also run tasks the file marks done or cancelled" },
  { flag: "force", path: "force", kind: "boolean", help: "run tasks even when the memo cache has their result" },
  {
    flag: "memo-max-age",
    path: "memoMaxAgeMs",
    kind: "duration",
    placeholder: "duration",
    help: "ignore cached results older than this",
    default: "no limit",
  },
  { flag: "sync-status", path: "syncStatus", kind: "boolean", help: "write statuses back into the tasks file as the run goes" },
  {
    flag: "retention",
    path: "retention",
    kind: "string",
    placeholder: "age",
    help: "keep the run this long once finished (7d, 12h), in place of CONVEYOR_RETENTION",
    default: "CONVEYOR_RETENTION",
  },
];

/** "retry-delay" as commander names its value: "retryDelay". */
export const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** parseArgs' spec of the same flags, for code that parses with node:util. */
export const runFlagSpec = Object.fromEntries(
  RUN_FLAGS.map((f) => [f.flag, { type: f.kind === "boolean" ? "boolean" : "string", ...(f.short ? { short: f.short } : {}) }]),
) as Record<string, { type: "string" | "boolean"; short?: string }>;

function int(value: string, flag: string): number {
  if (!/^\s*\d+\s*$/.test(value)) throw new UsageError(`--${flag}: "${value}" is not a whole number`);
  return Number(value);
}

function convert(f: RunFlag, value: unknown): unknown {
  if (f.kind === "boolean") return value === true;
  const text = String(value);
  if (f.kind === "int") return int(text, f.flag);
  if (f.kind === "duration") return parseDuration(text, `--${f.flag}`);
  return text;
}

/**
 * Flags to run options; only what was given, so the schema's defaults apply to
 * the rest. Takes the values under either name ("retry-delay" or "retryDelay").
 */
export function runOptionsFromFlags(values: Record<string, unknown>): RunOptionsInput {
  const options: Record<string, unknown> = {};
  const retry: Record<string, unknown> = {};
  for (const f of RUN_FLAGS) {
    const value = values[f.flag] ?? values[camel(f.flag)];
    if (value === undefined || value === false) continue;
    const [head, leaf] = f.path.split(".");
    if (leaf) retry[leaf] = convert(f, value);
    else options[head!] = convert(f, value);
  }
  return Object.keys(retry).length > 0 ? { ...options, retry } : options;
}

/** The flag a run option's error is about ("retry.retryLimit" → "--retries"), if a flag sets it. */
export function flagForOption(path: string): string | undefined {
  const f = RUN_FLAGS.find((r) => r.path === path);
  return f ? `--${f.flag}` : undefined;
}
