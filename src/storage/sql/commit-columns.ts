// The rows a commit writes, as one array parameter per column: what commit-batch.ts
// (one run) and commit-many.ts (several runs) both send, listed once. Each statement
// adds its own run_id column where it takes the run from the list rather than from `r`.
import type { AttemptRecord, MemoWrite, TaskState } from "../../engine/store.js";
import { json, type Params } from "./params.js";

/** A column: its name in `u`, its array cast, and its value for one row. */
export type Column<R> = readonly [name: string, type: string, value: (row: R) => unknown];

/**
 * `unnest($1::int[], $2::text[], …) AS u(a, b, …)`: the rows, one parameter per column;
 * `ordinality`: the name of a last column numbering them (WITH ORDINALITY).
 */
export function unnestRows<R>(p: Params, rows: readonly R[], columns: readonly Column<R>[], ordinality?: string): string {
  const arrays = columns.map(([, type, value]) => p.add(rows.map(value), type));
  const names = columns.map(([name]) => name);
  if (ordinality) names.push(ordinality);
  return `unnest(${arrays.join(", ")})${ordinality ? " WITH ORDINALITY" : ""} AS u(${names.join(", ")})`;
}

/** The run id of a row of several runs. */
export const RUN_ID: Column<{ runId: string }> = ["run_id", "text[]", (r) => r.runId];

export const TASK_COLUMNS: readonly Column<TaskState>[] = [
  ["idx", "int[]", (t) => t.index],
  ["status", "text[]", (t) => t.status],
  ["attempts", "int[]", (t) => t.attempts],
  ["memoized", "bool[]", (t) => t.memoized],
  ["blocked_by", "int[]", (t) => t.blockedBy],
  ["error", "text[]", (t) => t.error],
  ["result", "text[]", (t) => json(t.result)],
  ["result_kept", "bool[]", (t) => t.resultKept === true],
  ["progress", "float8[]", (t) => t.progress],
  ["st", "float8[]", (t) => t.startedAt],
  ["fi", "float8[]", (t) => t.finishedAt],
];

export const ATTEMPT_COLUMNS: readonly Column<AttemptRecord>[] = [
  ["idx", "int[]", (a) => a.index],
  ["number", "int[]", (a) => a.number],
  ["status", "text[]", (a) => a.status],
  ["st", "float8[]", (a) => a.startedAt],
  ["fi", "float8[]", (a) => a.finishedAt],
  ["exit_code", "int[]", (a) => a.exitCode],
  ["error", "text[]", (a) => a.error],
  ["stdout_tail", "text[]", (a) => a.stdoutTail],
  ["stderr_tail", "text[]", (a) => a.stderrTail],
];

export const MEMO_COLUMNS: readonly Column<MemoWrite>[] = [
  ["memo_key", "text[]", (m) => m.memoKey],
  ["task_id", "text[]", (m) => m.taskId],
  ["result", "text[]", (m) => json(m.result)],
  ["ms", "float8[]", (m) => m.durationMs],
];

/** The same columns, for rows that also carry their run id (first). */
export const withRunId = <R>(columns: readonly Column<R>[]): readonly Column<R & { runId: string }>[] => [RUN_ID, ...columns];
