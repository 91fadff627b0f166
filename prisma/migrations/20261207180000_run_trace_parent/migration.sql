-- The W3C traceparent of a run's first run span (tracing on): a later drive of the
-- run (a resume, a recovery after a crash) makes its own run span a child of it,
-- so a run keeps one trace however many processes drove it.

-- AlterTable
ALTER TABLE "runs" ADD COLUMN "trace_parent" TEXT;
