// Settled runs with their finish times: what a retention policy decides over.
// Only ids, statuses, times and the run's own retention option, so listing many
// runs stays small.
import { RUN_STATUSES, isRunSettled, type RunStatus } from "../core/status.js";
import type { FinishedRunRow } from "../engine/retention-store.js";
import type { SqlRunner } from "./migrations.js";

export const SETTLED_STATUSES: RunStatus[] = RUN_STATUSES.filter(isRunSettled);

export async function finishedRuns(sql: SqlRunner, statuses: RunStatus[] = SETTLED_STATUSES): Promise<FinishedRunRow[]> {
  const wanted = statuses.filter(isRunSettled);
  if (wanted.length === 0) return [];
  const rows = await sql.query<{ id: string; status: RunStatus; at: number; retention: string | null; archived: boolean }>(
    `SELECT id, status, (extract(epoch FROM coalesce(finished_at, updated_at)) * 1000)::float8 AS at, options->>'retention' AS retention,
            archived_at IS NOT NULL AS archived
       FROM runs WHERE status = ANY($1::text[]) ORDER BY coalesce(finished_at, updated_at), id`,
    [wanted],
  );
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    finishedAt: Math.round(Number(r.at)),
    retention: r.retention,
    archived: r.archived,
  }));
}
