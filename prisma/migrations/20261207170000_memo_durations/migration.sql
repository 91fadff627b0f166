-- Durations by memo key, kept on the memo entry: each success adds its duration
-- (success_ms_total) and one to its count (successes) in the commit that writes
-- the entry, so a new run's expected durations are one primary-key read per key
-- rather than a mean over every earlier attempt of the key (which grew with the
-- history: a service starting the same tasks all day read more each time).
-- Archiving or deleting old runs no longer forgets how long their tasks took.

-- AlterTable
ALTER TABLE "memo_cache" ADD COLUMN "success_ms_total" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN "successes" INTEGER NOT NULL DEFAULT 0;

-- the history so far, from the attempts still kept
UPDATE "memo_cache" m SET "success_ms_total" = d.total, "successes" = d.n
FROM (
  SELECT t.memo_key, sum(extract(epoch FROM a.finished_at - a.started_at) * 1000)::float8 AS total, count(*)::int AS n
  FROM task_runs t JOIN attempts a ON a.run_id = t.run_id AND a.idx = t.idx
  WHERE a.status = 'succeeded' AND a.finished_at IS NOT NULL
  GROUP BY t.memo_key
) d
WHERE d.memo_key = m.memo_key;

-- the mean over attempts was the only read of task_runs by memo key: the index
-- would only cost every unit written
-- DropIndex
DROP INDEX "task_runs_memo_key_idx";
