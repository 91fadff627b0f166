// A run's trace across the processes that drive it: the first drive keeps its
// run span's traceparent on the run's row (with its first commit, commit-batch.ts
// and commit-many.ts); a resume or a takeover reads it here (a takeover for all
// of its runs at once) and makes its own run span a child of it. Only with tracing on.
import type { SqlRunner } from "../migrations.js";

/** The traceparents kept for these runs; runs with none (tracing was off when they started, or unknown) are left out. */
export async function traceParentsOf(sql: SqlRunner, runIds: readonly string[]): Promise<Map<string, string>> {
  if (runIds.length === 0) return new Map();
  const rows = await sql.query<{ id: string; trace_parent: string }>(
    `SELECT id, trace_parent FROM runs WHERE id = ANY($1::text[]) AND trace_parent IS NOT NULL`,
    [runIds],
  );
  return new Map(rows.map((r) => [r.id, r.trace_parent]));
}
