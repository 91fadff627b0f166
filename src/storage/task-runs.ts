// The task-runs aggregate: a run's units, inserted set-based in chunks and read
// back whole when a run is resumed or recovered.
import type { TaskStatus } from "../core/status.js";
import type { PlanUnit, UnitKind } from "../core/task.js";
import type { StoredUnit } from "../engine/store.js";
import { ms, type Db } from "./db.js";

const CHUNK = 5_000;

const INSERT = `
INSERT INTO task_runs (run_id, idx, task_id, title, kind, command, definition, deps, status, blocked_by, error, memo_key)
SELECT $1, u.idx, u.task_id, u.title, u.kind, u.command, u.definition::jsonb,
       CASE WHEN u.deps = '' THEN '{}'::int[] ELSE string_to_array(u.deps, ',')::int[] END,
       u.status, NULL, u.error, u.memo_key
FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
     AS u(idx, task_id, title, kind, command, definition, deps, status, error, memo_key)`;

/** Inserts units; call inside the transaction that creates the run. */
export async function insertUnits(db: Pick<Db, "$executeRawUnsafe">, runId: string, units: PlanUnit[]): Promise<void> {
  for (let i = 0; i < units.length; i += CHUNK) {
    const chunk = units.slice(i, i + CHUNK);
    await db.$executeRawUnsafe(
      INSERT,
      runId,
      chunk.map((u) => u.index),
      chunk.map((u) => u.id),
      chunk.map((u) => u.title),
      chunk.map((u) => u.kind),
      chunk.map((u) => u.command ?? null),
      chunk.map((u) => JSON.stringify(u.definition)),
      // int[][] of ragged lengths cannot be a Postgres array; a joined string can
      chunk.map((u) => u.deps.join(",")),
      chunk.map((u) => u.initial?.status ?? "pending"),
      chunk.map((u) => u.initial?.reason ?? null),
      chunk.map((u) => u.memoKey),
    );
  }
}

export async function loadUnits(db: Db, runId: string): Promise<StoredUnit[]> {
  const rows = await db.taskRun.findMany({ where: { runId }, orderBy: { idx: "asc" } });
  return rows.map((r) => ({
    index: r.idx,
    id: r.taskId,
    title: r.title,
    kind: r.kind as UnitKind,
    definition: r.definition as Record<string, unknown>,
    ...(r.command !== null ? { command: r.command } : {}),
    deps: r.deps,
    memoKey: r.memoKey,
    state: {
      index: r.idx,
      status: r.status as TaskStatus,
      attempts: r.attempts,
      memoized: r.memoized,
      blockedBy: r.blockedBy,
      error: r.error,
      result: r.result ?? undefined,
      progress: r.progress,
      startedAt: ms(r.startedAt),
      finishedAt: ms(r.finishedAt),
    },
  }));
}
