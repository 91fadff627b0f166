// Deleting a settled run. The run's lease is taken first (only if the run is settled and
// nobody holds it), so a resume cannot start on a run half gone, and a crash part-way leaves
// a settled run that a later delete finishes. Its rows then go a bounded batch per statement,
// so a run of many tasks never becomes one long statement; the run row goes last. The memo
// cache has no foreign key to runs: cached results outlive the run that made them.
import type { DeletedRows, DeleteOutcome } from "../engine/retention-store.js";
import type { RunStatus } from "../core/status.js";
import { SETTLED_STATUSES } from "./finished-runs.js";
import type { SqlRunner } from "./migrations.js";

export const DELETE_BATCH = 500;
/** Long enough for the batches of one run; renewed before each. */
const DELETE_LEASE_MS = 60_000;

// Each removes up to $2 rows of the run $1, picked by primary key.
const CHILD_TABLES: [keyof DeletedRows, string][] = [
  [
    "eventPages",
    `DELETE FROM run_event_pages WHERE run_id = $1 AND first_seq IN (SELECT first_seq FROM run_event_pages WHERE run_id = $1 LIMIT $2)`,
  ],
  ["attempts", `DELETE FROM attempts WHERE run_id = $1 AND (idx, number) IN (SELECT idx, number FROM attempts WHERE run_id = $1 LIMIT $2)`],
  ["taskRuns", `DELETE FROM task_runs WHERE run_id = $1 AND idx IN (SELECT idx FROM task_runs WHERE run_id = $1 LIMIT $2)`],
  ["checkpoints", `DELETE FROM checkpoints WHERE id IN (SELECT id FROM checkpoints WHERE run_id = $1 LIMIT $2)`],
];

export async function deleteRun(sql: SqlRunner, runId: string, owner: string, batch = DELETE_BATCH): Promise<DeleteOutcome> {
  if (!(await takeForDeletion(sql, runId, owner))) return whyNot(sql, runId);
  const rows: DeletedRows = { runs: 0, taskRuns: 0, attempts: 0, eventPages: 0, checkpoints: 0 };
  for (const [key, statement] of CHILD_TABLES) {
    for (;;) {
      if (!(await takeForDeletion(sql, runId, owner))) return whyNot(sql, runId);
      const n = (await sql.query(`${statement} RETURNING 1`, [runId, batch])).length;
      rows[key] += n;
      if (n < batch) break;
    }
  }
  rows.runs = (await sql.query(`DELETE FROM runs WHERE id = $1 AND lease_owner = $2 RETURNING 1`, [runId, owner])).length;
  return rows.runs === 1 ? { kind: "deleted", rows } : whyNot(sql, runId);
}

/** Takes (or renews) the run's lease for `owner` when the run is settled and nobody else holds it. */
async function takeForDeletion(sql: SqlRunner, runId: string, owner: string): Promise<boolean> {
  const taken = await sql.query(
    `UPDATE runs SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
      WHERE id = $1 AND status = ANY($4::text[]) AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now())
      RETURNING 1`,
    [runId, owner, DELETE_LEASE_MS, SETTLED_STATUSES],
  );
  return taken.length === 1;
}

async function whyNot(sql: SqlRunner, runId: string): Promise<DeleteOutcome> {
  const [run] = await sql.query<{ status: RunStatus }>(`SELECT status FROM runs WHERE id = $1`, [runId]);
  if (!run) return { kind: "missing" };
  return SETTLED_STATUSES.includes(run.status) ? { kind: "busy" } : { kind: "unfinished", status: run.status };
}
