-- Archived runs: a finished run past its retention folded into one row (src/storage/archive/),
-- its units with their final states, its attempts (output tails included) and its event log,
-- each compressed JSON, while the run's own row stays (counters, timings, options) with
-- archived_at set, so the run is still listed and read. The hot rows (task_runs, attempts,
-- run_event_pages, checkpoints) are deleted in the transaction that writes the archive.
-- The archive goes with its run (ON DELETE CASCADE): deleting an archived run removes both.

-- AlterTable
ALTER TABLE "runs" ADD COLUMN "archived_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "archived_runs" (
    "run_id" TEXT NOT NULL,
    "format" INTEGER NOT NULL,
    "units" BYTEA NOT NULL,
    "attempts" BYTEA NOT NULL,
    "events" BYTEA NOT NULL,
    "first_seq" INTEGER NOT NULL,
    "event_count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "archived_runs_pkey" PRIMARY KEY ("run_id")
);

-- already compressed: PostgreSQL's own TOAST compression would only spend time failing at it
ALTER TABLE "archived_runs" ALTER COLUMN "units" SET STORAGE EXTERNAL;
ALTER TABLE "archived_runs" ALTER COLUMN "attempts" SET STORAGE EXTERNAL;
ALTER TABLE "archived_runs" ALTER COLUMN "events" SET STORAGE EXTERNAL;

-- AddForeignKey
ALTER TABLE "archived_runs" ADD CONSTRAINT "archived_runs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateIndex: the memo cache's expiry (CONVEYOR_MEMO_TTL, CONVEYOR_MEMO_MAX_ENTRIES) removes the oldest entries first
CREATE INDEX "memo_cache_created_at_idx" ON "memo_cache"("created_at");
