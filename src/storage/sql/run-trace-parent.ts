// A run's trace across the processes that drive it: the first drive keeps its
// run span's traceparent on the run's row; a resume or a recovery reads it and
// makes its own run span a child of it. Only with tracing on.
import type { SqlRunner } from "../migrations.js";

/** Keeps `traceparent` as the run's, unless one is kept already (the first drive's stays). */
export async function keepTraceParent(sql: SqlRunner, runId: string, traceparent: string): Promise<void> {
  await sql.query(`UPDATE runs SET trace_parent = $2 WHERE id = $1 AND trace_parent IS NULL`, [runId, traceparent]);
}

/** The traceparent kept for the run, or null (tracing was off when it started, or the run is unknown). */
export async function traceParentOf(sql: SqlRunner, runId: string): Promise<string | null> {
  const [row] = await sql.query<{ trace_parent: string | null }>(`SELECT trace_parent FROM runs WHERE id = $1`, [runId]);
  return row?.trace_parent ?? null;
}
