// A run's attempts through the driver, as the engine's records, in (task, number) order:
// what archiving folds in (output tails included).
import type { AttemptRecord, AttemptStatus } from "../../engine/store.js";
import type { SqlRunner } from "../migrations.js";

interface Row {
  idx: number;
  number: number;
  status: string;
  started_at: number;
  finished_at: number | null;
  exit_code: number | null;
  error: string | null;
  stdout_tail: string | null;
  stderr_tail: string | null;
}

export async function readAttemptRows(sql: SqlRunner, runId: string): Promise<AttemptRecord[]> {
  const rows = await sql.query<Row>(
    `SELECT idx, number, status, (extract(epoch FROM started_at) * 1000)::float8 AS started_at,
            (extract(epoch FROM finished_at) * 1000)::float8 AS finished_at, exit_code, error, stdout_tail, stderr_tail
       FROM attempts WHERE run_id = $1 ORDER BY idx, number`,
    [runId],
  );
  return rows.map((a) => ({
    index: a.idx,
    number: a.number,
    status: a.status as AttemptStatus,
    startedAt: Math.round(a.started_at),
    finishedAt: a.finished_at === null ? null : Math.round(a.finished_at),
    exitCode: a.exit_code,
    error: a.error,
    stdoutTail: a.stdout_tail,
    stderrTail: a.stderr_tail,
  }));
}
