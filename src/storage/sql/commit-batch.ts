// One batch of transitions as ONE statement: the run row, task rows, attempts,
// events, memo entries and an optional checkpoint, set-based through unnest.
// A single statement is atomic without an explicit transaction and costs one
// round trip. Every part joins the fenced run update `r`, so a process that
// lost the run's lease writes nothing at all.
import type { Db } from "../db.js";
import { LeaseLostError, type CommitBatch } from "../../engine/store.js";

const SQL = `
WITH r AS (
  UPDATE runs SET status = $3, pending = $4, running = $5, succeeded = $6, failed = $7, skipped = $8,
    cancelled = $9, memoized = $10, last_seq = $11, finished_since_checkpoint = $12, reason = $13,
    started_at = to_timestamp($14::float8 / 1000), finished_at = to_timestamp($15::float8 / 1000), updated_at = now()
  WHERE id = $1 AND lease_owner = $2
  RETURNING id
), t AS (
  UPDATE task_runs tr SET status = u.status, attempts = u.attempts, memoized = u.memoized, blocked_by = u.blocked_by,
    error = u.error, result = u.result::jsonb, progress = u.progress,
    started_at = to_timestamp(u.st / 1000), finished_at = to_timestamp(u.fi / 1000)
  FROM r, unnest($16::int[], $17::text[], $18::int[], $19::bool[], $20::int[], $21::text[], $22::text[],
                 $23::float8[], $24::float8[], $25::float8[])
       AS u(idx, status, attempts, memoized, blocked_by, error, result, progress, st, fi)
  WHERE tr.run_id = r.id AND tr.idx = u.idx
), a AS (
  INSERT INTO attempts (run_id, idx, number, status, started_at, finished_at, exit_code, error, stdout_tail, stderr_tail)
  SELECT r.id, u.idx, u.number, u.status, to_timestamp(u.st / 1000), to_timestamp(u.fi / 1000),
         u.exit_code, u.error, u.stdout_tail, u.stderr_tail
  FROM r, unnest($26::int[], $27::int[], $28::text[], $29::float8[], $30::float8[], $31::int[], $32::text[],
                 $33::text[], $34::text[])
       AS u(idx, number, status, st, fi, exit_code, error, stdout_tail, stderr_tail)
  ON CONFLICT (run_id, idx, number) DO UPDATE SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at,
    exit_code = EXCLUDED.exit_code, error = EXCLUDED.error, stdout_tail = EXCLUDED.stdout_tail,
    stderr_tail = EXCLUDED.stderr_tail
), e AS (
  INSERT INTO run_events (run_id, seq, type, task_id, data, created_at)
  SELECT r.id, u.seq, u.type, u.task_id, u.data::jsonb, to_timestamp(u.at / 1000)
  FROM r, unnest($35::int[], $36::text[], $37::text[], $38::text[], $39::float8[]) AS u(seq, type, task_id, data, at)
), m AS (
  INSERT INTO memo_cache (memo_key, task_id, result, run_id, created_at)
  SELECT u.memo_key, u.task_id, u.result::jsonb, r.id, now()
  FROM r, unnest($40::text[], $41::text[], $42::text[]) AS u(memo_key, task_id, result)
  ON CONFLICT (memo_key) DO UPDATE SET task_id = EXCLUDED.task_id, result = EXCLUDED.result,
    run_id = EXCLUDED.run_id, created_at = EXCLUDED.created_at
), c AS (
  INSERT INTO checkpoints (id, run_id, seq, reason, snapshot)
  SELECT $43, r.id, $44, $45, $46::jsonb FROM r WHERE $43::text IS NOT NULL
), d AS (
  -- statements in one WITH see the table as it was: keep K-1 old ones beside the new one
  DELETE FROM checkpoints WHERE $43::text IS NOT NULL AND id IN (
    SELECT old.id FROM r, checkpoints old WHERE old.run_id = r.id
    ORDER BY old.seq DESC, old.created_at DESC OFFSET greatest($47::int - 1, 0))
)
SELECT count(*)::int AS n FROM r`;

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export async function commitBatch(db: Db, b: CommitBatch): Promise<void> {
  const { run, tasks, attempts, events, memo, checkpoint } = b;
  const rows = await db.$queryRawUnsafe<{ n: number }[]>(
    SQL,
    b.runId,
    b.owner,
    run.status,
    run.pending,
    run.running,
    run.succeeded,
    run.failed,
    run.skipped,
    run.cancelled,
    run.memoized,
    run.lastSeq,
    run.finishedSinceCheckpoint,
    run.reason,
    run.startedAt,
    run.finishedAt,
    tasks.map((t) => t.index),
    tasks.map((t) => t.status),
    tasks.map((t) => t.attempts),
    tasks.map((t) => t.memoized),
    tasks.map((t) => t.blockedBy),
    tasks.map((t) => t.error),
    tasks.map((t) => json(t.result)),
    tasks.map((t) => t.progress),
    tasks.map((t) => t.startedAt),
    tasks.map((t) => t.finishedAt),
    attempts.map((a) => a.index),
    attempts.map((a) => a.number),
    attempts.map((a) => a.status),
    attempts.map((a) => a.startedAt),
    attempts.map((a) => a.finishedAt),
    attempts.map((a) => a.exitCode),
    attempts.map((a) => a.error),
    attempts.map((a) => a.stdoutTail),
    attempts.map((a) => a.stderrTail),
    events.map((e) => e.seq),
    events.map((e) => e.type),
    events.map((e) => e.taskId ?? null),
    events.map((e) => JSON.stringify(e.data)),
    events.map((e) => e.at),
    memo.map((m) => m.memoKey),
    memo.map((m) => m.taskId),
    memo.map((m) => json(m.result)),
    checkpoint?.id ?? null,
    checkpoint?.seq ?? 0,
    checkpoint?.reason ?? "",
    checkpoint ? JSON.stringify(checkpoint.snapshot) : "{}",
    checkpoint?.keep ?? 0,
  );
  if (rows[0]?.n !== 1) throw new LeaseLostError(b.runId);
}
