// Archiving a settled run: its units with their final states, its attempts and its event
// log are read, compressed into one archived_runs row, and its hot rows (task_runs,
// attempts, run_event_pages, checkpoints) deleted, all in one transaction that first takes
// the run's lease (only when it is settled, not archived, and nobody else holds it). A crash
// or error anywhere before the commit leaves the hot run as it was and no archive; after it,
// the archive and no hot rows. The run's own row stays, marked archived_at, so it is still
// listed and read (archived-reads.ts); an archived run cannot be driven again (leases.ts).
import type { ArchiveOutcome, ArchivedRows } from "../../engine/retention-store.js";
import type { RunStatus } from "../../core/status.js";
import { SETTLED_STATUSES } from "../finished-runs.js";
import type { SqlRunner } from "../migrations.js";
import type { StoredEvent } from "../run-events.js";
import { loadUnits } from "../task-runs.js";
import { ARCHIVE_FORMAT, packJson, packLines } from "./codec.js";
import { readAttemptRows } from "./attempt-rows.js";

/** Held for the transaction; the row lock keeps everyone else out until it commits anyway. */
const ARCHIVE_LEASE_MS = 60_000;

const TAKE = `
UPDATE runs SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
 WHERE id = $1 AND status = ANY($4::text[]) AND archived_at IS NULL
   AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now())
 RETURNING 1`;

const DELETES: [keyof ArchivedRows, string][] = [
  ["eventPages", `DELETE FROM run_event_pages WHERE run_id = $1 RETURNING 1`],
  ["attempts", `DELETE FROM attempts WHERE run_id = $1 RETURNING 1`],
  ["taskRuns", `DELETE FROM task_runs WHERE run_id = $1 RETURNING 1`],
  ["checkpoints", `DELETE FROM checkpoints WHERE run_id = $1 RETURNING 1`],
];

export async function archiveRun(sql: SqlRunner, runId: string, owner: string): Promise<ArchiveOutcome> {
  let outcome: ArchiveOutcome | undefined;
  await sql.transaction(async (tx) => {
    if ((await tx.query(TAKE, [runId, owner, ARCHIVE_LEASE_MS, SETTLED_STATUSES])).length === 0) return;
    const units = await loadUnits(tx, runId);
    const attempts = await readAttemptRows(tx, runId);
    const pages = await tx.query<{ events: StoredEvent[] }>(`SELECT events FROM run_event_pages WHERE run_id = $1 ORDER BY first_seq`, [
      runId,
    ]);
    const events = pages.flatMap((p) => p.events);
    const [packedUnits, packedAttempts, packedEvents] = await Promise.all([packJson(units), packJson(attempts), packLines(events)]);
    await tx.query(
      `INSERT INTO archived_runs (run_id, format, units, attempts, events, first_seq, event_count) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [runId, ARCHIVE_FORMAT, packedUnits, packedAttempts, packedEvents, events[0]?.seq ?? 1, events.length],
    );
    const rows: ArchivedRows = {
      taskRuns: 0,
      attempts: 0,
      eventPages: 0,
      checkpoints: 0,
      bytes: packedUnits.length + packedAttempts.length + packedEvents.length,
    };
    for (const [key, statement] of DELETES) rows[key] = (await tx.query(statement, [runId])).length;
    // last: the run is marked archived and let go in the same commit as everything above
    await tx.query(`UPDATE runs SET archived_at = now(), lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2`, [
      runId,
      owner,
    ]);
    outcome = { kind: "archived", rows };
  });
  return outcome ?? whyNot(sql, runId);
}

async function whyNot(sql: SqlRunner, runId: string): Promise<ArchiveOutcome> {
  const [run] = await sql.query<{ status: RunStatus; archived: boolean }>(
    `SELECT status, archived_at IS NOT NULL AS archived FROM runs WHERE id = $1`,
    [runId],
  );
  if (!run) return { kind: "missing" };
  if (run.archived) return { kind: "archived-already" };
  return SETTLED_STATUSES.includes(run.status) ? { kind: "busy" } : { kind: "unfinished", status: run.status };
}
