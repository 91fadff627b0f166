// A run's trace across the processes that drive it: the first drive keeps its
// run span's traceparent on the run's row; a resume or a takeover reads it (a
// takeover for all of its runs at once) and makes its own run span a child of
// it. Only with tracing on.
import type { SqlRunner } from "../migrations.js";

/** Keeps `traceparent` as the run's, unless one is kept already (the first drive's stays). */
export async function keepTraceParent(sql: SqlRunner, runId: string, traceparent: string): Promise<void> {
  await sql.query(`UPDATE runs SET trace_parent = $2 WHERE id = $1 AND trace_parent IS NULL`, [runId, traceparent]);
}

/** The traceparents kept for these runs; runs with none (tracing was off when they started, or unknown) are left out. */
export async function traceParentsOf(sql: SqlRunner, runIds: readonly string[]): Promise<Map<string, string>> {
  if (runIds.length === 0) return new Map();
  const rows = await sql.query<{ id: string; trace_parent: string }>(
    `SELECT id, trace_parent FROM runs WHERE id = ANY($1::text[]) AND trace_parent IS NOT NULL`,
    [runIds],
  );
  return new Map(rows.map((r) => [r.id, r.trace_parent]));
}
