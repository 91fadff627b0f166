// The task-runs aggregate: a run's units, inserted set-based in chunks and read
// back whole when a run is resumed or recovered. Bulk statements go to the
// driver: Prisma keeps the serialized arguments of raw queries in a cache, which
// for a 100,000-unit run holds tens of megabytes long after the insert.
import type { TaskStatus } from "../core/status.js";
import type { PlanUnit, UnitKind } from "../core/task.js";
import { newTaskState } from "../engine/new-task-state.js";
import type { StoredUnit } from "../engine/store.js";
import type { SqlRunner } from "./migrations.js";

/** Most units one statement carries; a larger run is inserted in chunks inside one transaction. */
export const UNITS_PER_STATEMENT = 5_000;

/** The unit insert, a statement or a part of one: $1 each unit's run id, $2…$14 the columns (unitColumns). */
export const INSERT_UNITS = `
INSERT INTO task_runs (run_id, idx, task_id, title, kind, command, definition, deps, status, attempts, memoized, blocked_by, error, memo_key)
SELECT u.run_id, u.idx, u.task_id, u.title, u.kind, u.command, u.definition::jsonb,
       CASE WHEN u.deps = '' THEN '{}'::int[] ELSE string_to_array(u.deps, ',')::int[] END,
       u.status, u.attempts, u.memoized, u.blocked_by, u.error, u.memo_key
FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::bool[], $12::int[], $13::text[], $14::text[])
     AS u(run_id, idx, task_id, title, kind, command, definition, deps, status, attempts, memoized, blocked_by, error, memo_key)`;

/** INSERT_UNITS' $2…$14 for these units. */
export function unitColumns(chunk: readonly PlanUnit[]): unknown[] {
  // the row's state columns are the engine's one definition of a new task, not the table's defaults
  const states = chunk.map(newTaskState);
  return [
    chunk.map((u) => u.index),
    chunk.map((u) => u.id),
    chunk.map((u) => u.title),
    chunk.map((u) => u.kind),
    chunk.map((u) => u.command ?? null),
    chunk.map((u) => JSON.stringify(u.definition)),
    // int[][] of ragged lengths cannot be a Postgres array; a joined string can
    chunk.map((u) => u.deps.join(",")),
    states.map((s) => s.status),
    states.map((s) => s.attempts),
    states.map((s) => s.memoized),
    states.map((s) => s.blockedBy),
    states.map((s) => s.error),
    chunk.map((u) => u.memoKey),
  ];
}

/** Inserts units; call inside the transaction that creates the run. */
export async function insertUnits(sql: SqlRunner, runId: string, units: PlanUnit[]): Promise<void> {
  for (let i = 0; i < units.length; i += UNITS_PER_STATEMENT) {
    const chunk = units.slice(i, i + UNITS_PER_STATEMENT);
    await sql.query(INSERT_UNITS, [chunk.map(() => runId), ...unitColumns(chunk)]);
  }
}

export interface UnitRow {
  run_id?: string;
  idx: number;
  task_id: string;
  title: string;
  kind: string;
  command: string | null;
  definition: Record<string, unknown>;
  deps: number[];
  memo_key: string;
  status: string;
  attempts: number;
  memoized: boolean;
  blocked_by: number | null;
  error: string | null;
  result: unknown;
  progress: number | null;
  started_at: number | null;
  finished_at: number | null;
}

/** The columns a unit is read from (one run's, or many runs' at once: sql/load-units-of.ts). */
export const UNIT_COLUMNS = `idx, task_id, title, kind, command, definition, deps, memo_key, status, attempts, memoized, blocked_by,
            error, result, progress, (extract(epoch FROM started_at) * 1000)::float8 AS started_at,
            (extract(epoch FROM finished_at) * 1000)::float8 AS finished_at`;

export async function loadUnits(sql: SqlRunner, runId: string): Promise<StoredUnit[]> {
  const rows = await sql.query<UnitRow>(`SELECT ${UNIT_COLUMNS} FROM task_runs WHERE run_id = $1 ORDER BY idx`, [runId]);
  return rows.map(toStoredUnit);
}

export function toStoredUnit(r: UnitRow): StoredUnit {
  return {
    index: r.idx,
    id: r.task_id,
    title: r.title,
    kind: r.kind as UnitKind,
    definition: r.definition,
    ...(r.command !== null ? { command: r.command } : {}),
    deps: r.deps,
    memoKey: r.memo_key,
    state: {
      index: r.idx,
      status: r.status as TaskStatus,
      attempts: r.attempts,
      memoized: r.memoized,
      blockedBy: r.blocked_by,
      error: r.error,
      result: r.result ?? undefined,
      progress: r.progress,
      startedAt: r.started_at === null ? null : Math.round(r.started_at),
      finishedAt: r.finished_at === null ? null : Math.round(r.finished_at),
    },
  };
}
